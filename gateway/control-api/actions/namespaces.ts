import { ApiError } from '../../../core';
import { formatTime, optionalString, paging, requiredString } from '../../../core';
import type { NamespaceRow } from '../../../core';
import type { ActionTable } from '../types';

const toWire = (row: NamespaceRow) => ({
  Name: row.name,
  Description: row.description,
  Type: row.type,
  AddTime: formatTime(row.add_time),
  ModTime: formatTime(row.mod_time),
});

export const namespaceActions: ActionTable = {
  CreateNamespace(params, { platform }) {
    const name = requiredString(params, 'Namespace', 'InvalidParameterValue.Namespace');
    platform.namespaces.create(name, optionalString(params, 'Description', 'InvalidParameterValue.Description') ?? '');
    return {};
  },

  ListNamespaces(params, { platform }) {
    const { offset, limit } = paging(params);
    const orderBy = optionalString(params, 'Orderby') ?? 'Name';
    if (orderBy !== 'Name' && orderBy !== 'Updatetime') {
      throw new ApiError('InvalidParameterValue.Orderby', `Orderby must be Name or Updatetime, got ${orderBy}.`);
    }
    const order = (optionalString(params, 'Order') ?? 'ASC').toUpperCase();
    if (order !== 'ASC' && order !== 'DESC') throw new ApiError('InvalidParameterValue.Order', `Order must be ASC or DESC, got ${order}.`);
    let rows = platform.namespaces.list(Number.MAX_SAFE_INTEGER, 0).rows;
    rows = rows.filter((row) => matchesSearch(row, params['SearchKey']));
    rows.sort((a, b) => (orderBy === 'Name' ? a.name.localeCompare(b.name) : a.mod_time - b.mod_time) * (order === 'ASC' ? 1 : -1));
    return { Namespaces: rows.slice(offset, offset + limit).map(toWire), TotalCount: rows.length };
  },

  UpdateNamespace(params, { platform }) {
    const name = requiredString(params, 'Namespace', 'InvalidParameterValue.Namespace');
    const description = optionalString(params, 'Description', 'InvalidParameterValue.Description');
    if (description === undefined) throw new ApiError('MissingParameter', 'The parameter Description is required.');
    platform.namespaces.update(name, description);
    return {};
  },

  DeleteNamespace(params, { platform }) {
    platform.namespaces.delete(requiredString(params, 'Namespace', 'InvalidParameterValue.Namespace'));
    return {};
  },
};

/** SearchKey: AND of {Key: Namespace|Description, Value} substring matches. */
function matchesSearch(row: NamespaceRow, searchKeys: unknown): boolean {
  if (searchKeys === undefined) return true;
  if (!Array.isArray(searchKeys)) throw new ApiError('InvalidParameterValue.SearchKey', 'SearchKey must be a list of {Key, Value}.');
  return searchKeys.every((item: { Key?: unknown; Value?: unknown }) => {
    const value = String(item?.Value ?? '');
    if (item?.Key === 'Namespace') return row.name.includes(value);
    if (item?.Key === 'Description') return row.description.includes(value);
    throw new ApiError('InvalidParameterValue.SearchKey', `SearchKey.Key must be Namespace or Description, got ${String(item?.Key)}.`);
  });
}
