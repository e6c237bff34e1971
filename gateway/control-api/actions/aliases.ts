/** Aliases (scf-api.md §3.5): CreateAlias, UpdateAlias, GetAlias, ListAliases, DeleteAlias. */
import { formatTime, optionalString, paging, requiredString } from '../../../core';
import type { AliasInput, AliasView } from '../../../core';
import type { ActionParams, ActionTable } from '../types';
import { functionNameOf, namespaceOf } from './common';

/** The `Alias` structure (scf-api.md §4). */
function toWire(alias: AliasView): Record<string, unknown> {
  return {
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    RoutingConfig: alias.routing,
    Description: alias.description,
    AddTime: formatTime(alias.addTime),
    ModTime: formatTime(alias.modTime),
  };
}

function aliasInput(params: ActionParams): AliasInput {
  const description = optionalString(params, 'Description', 'InvalidParameterValue.Description');
  return {
    name: requiredString(params, 'Name', 'InvalidParameterValue.Name'),
    functionVersion: requiredString(params, 'FunctionVersion', 'InvalidParameterValue.FunctionVersion'),
    routingConfig: params['RoutingConfig'],
    ...(description !== undefined ? { description } : {}),
  };
}

export const aliasActions: ActionTable = {
  CreateAlias(params, { platform }) {
    platform.aliases.create(namespaceOf(params), functionNameOf(params), aliasInput(params));
    return {};
  },

  UpdateAlias(params, { platform }) {
    platform.aliases.update(namespaceOf(params), functionNameOf(params), aliasInput(params));
    return {};
  },

  GetAlias(params, { platform }) {
    return toWire(platform.aliases.get(namespaceOf(params), functionNameOf(params), requiredString(params, 'Name', 'InvalidParameterValue.Name')));
  },

  ListAliases(params, { platform }) {
    // Offset and Limit are strings in this action's model; paging() reads either form.
    const { offset, limit } = paging(params);
    const version = optionalString(params, 'FunctionVersion', 'InvalidParameterValue.FunctionVersion') || undefined;
    const aliases = platform.aliases.list(namespaceOf(params), functionNameOf(params), version);
    return { Aliases: aliases.slice(offset, offset + limit).map(toWire), TotalCount: aliases.length };
  },

  DeleteAlias(params, { platform }) {
    platform.aliases.delete(namespaceOf(params), functionNameOf(params), requiredString(params, 'Name', 'InvalidParameterValue.Name'));
    return {};
  },
};
