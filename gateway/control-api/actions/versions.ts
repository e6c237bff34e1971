/** Versions (scf-api.md §3.4): PublishVersion, ListVersionByFunction, DeleteFunctionVersion. */
import { formatTime, optionalString, paging, requiredString } from '../../../core';
import type { ActionTable } from '../types';
import { functionNameOf, namespaceOf } from './common';

export const versionActions: ActionTable = {
  PublishVersion(params, { platform }) {
    const description = optionalString(params, 'Description', 'InvalidParameterValue.Description');
    const { fn, version, config } = platform.versions.publish(namespaceOf(params), functionNameOf(params), description || undefined);
    return {
      FunctionVersion: version.version,
      CodeSize: version.code_size,
      MemorySize: config.memorySize,
      Description: config.description,
      Handler: config.handler,
      Timeout: config.timeout,
      Runtime: config.runtime,
      Namespace: fn.namespace,
    };
  },

  ListVersionByFunction(params, { platform }) {
    const { offset, limit } = paging(params);
    const { rows, total } = platform.versions.list(namespaceOf(params), functionNameOf(params), {
      offset,
      limit,
      orderBy: optionalString(params, 'OrderBy', 'InvalidParameterValue.OrderBy'),
      order: optionalString(params, 'Order', 'InvalidParameterValue.Order'),
    });
    return {
      FunctionVersion: rows.map((row) => row.version),
      Versions: rows.map((row) => ({
        Version: row.version,
        Description: row.description,
        AddTime: formatTime(row.add_time),
        ModTime: formatTime(row.mod_time),
        Status: row.status,
      })),
      TotalCount: total,
    };
  },

  DeleteFunctionVersion(params, { platform }) {
    const qualifier = requiredString(params, 'Qualifier', 'InvalidParameterValue.Qualifier');
    platform.versions.delete(namespaceOf(params), functionNameOf(params), qualifier);
    return {};
  },
};
