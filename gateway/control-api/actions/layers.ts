/** Layers (scf-api.md §3.7): PublishLayerVersion, ListLayers, ListLayerVersions, GetLayerVersion, DeleteLayerVersion. */
import { ApiError, formatTime, optionalInteger, optionalString, paging, requiredString } from '../../../core';
import type { LayerVersionView } from '../../../core';
import type { ActionParams, ActionTable } from '../types';

/** LayerVersionInfo (scf-api.md §4). */
export function toLayerInfo(layer: LayerVersionView): Record<string, unknown> {
  return {
    LayerName: layer.name,
    LayerVersion: layer.version,
    Description: layer.description,
    LicenseInfo: layer.licenseInfo,
    CompatibleRuntimes: layer.compatibleRuntimes,
    Status: layer.status,
    AddTime: formatTime(layer.addTime),
    Stamp: '',
    Tags: [],
  };
}

const layerNameOf = (params: ActionParams) => requiredString(params, 'LayerName', 'InvalidParameterValue.LayerName');

function layerVersionOf(params: ActionParams): number {
  const version = optionalInteger(params, 'LayerVersion', 'InvalidParameterValue.LayerVersion');
  if (version === undefined) throw new ApiError('MissingParameter', 'The parameter LayerVersion is required.');
  if (version < 1) throw new ApiError('InvalidParameterValue.LayerVersion', `LayerVersion must be an integer >= 1, got ${version}.`);
  return version;
}

/** ListLayerVersions' CompatibleRuntime is a string list (ListLayers' a single string). */
function runtimeList(params: ActionParams): string[] | undefined {
  const value = params['CompatibleRuntime'];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new ApiError('InvalidParameterValue.Runtime', 'CompatibleRuntime must be a list of runtime names.');
}

export const layerActions: ActionTable = {
  async PublishLayerVersion(params, { platform }) {
    return { LayerVersion: await platform.layers.publish(params) };
  },

  ListLayers(params, { platform }) {
    const { offset, limit } = paging(params);
    const { rows, total } = platform.layers.list({
      offset,
      limit,
      runtime: optionalString(params, 'CompatibleRuntime', 'InvalidParameterValue.Runtime') || undefined,
      searchKey: optionalString(params, 'SearchKey', 'InvalidParameterValue.SearchKey') || undefined,
    });
    return { Layers: rows.map(toLayerInfo), TotalCount: total };
  },

  ListLayerVersions(params, { platform }) {
    return { LayerVersions: platform.layers.versions(layerNameOf(params), runtimeList(params)).map(toLayerInfo) };
  },

  // No Location: this server has no download endpoint for packages (GetFunctionAddress is not implemented either).
  GetLayerVersion(params, { platform }) {
    const layer = platform.layers.get(layerNameOf(params), layerVersionOf(params));
    return { ...toLayerInfo(layer), CodeSha256: layer.codeSha256 };
  },

  DeleteLayerVersion(params, { platform }) {
    platform.layers.delete(layerNameOf(params), layerVersionOf(params));
    return {};
  },
};
