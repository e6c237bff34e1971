/**
 * ListFunctions query semantics: fuzzy SearchKey/Description, Filters,
 * Orderby/Order and Offset/Limit paging over one namespace's functions.
 */
import type { FunctionSummaryRow } from '../../store';
import { ApiError } from '../errors';

export type { FunctionSummaryRow } from '../../store';

export interface ListQuery {
  offset: number;
  limit: number;
  /** `AddTime` (default) | `ModTime` | `FunctionName`. */
  orderBy?: string;
  /** `ASC` | `DESC` (default). */
  order?: string;
  /** Case-insensitive substring of the function name. */
  searchKey?: string;
  /** Case-insensitive substring of the description. */
  description?: string;
  filters?: unknown;
}

type Getter = (row: FunctionSummaryRow) => string;
const FILTER_FIELDS: Record<string, Getter> = {
  Status: (r) => r.status,
  Runtime: (r) => r.runtime,
  Type: (r) => r.type,
  FunctionType: (r) => r.type,
  AsyncRunEnable: (r) => (r.async_run_enable ? 'TRUE' : 'FALSE'),
  TraceEnable: (r) => (r.trace_enable ? 'TRUE' : 'FALSE'),
  PublicNetStatus: () => 'ENABLE',
};
/** Cloud-only attributes: no function here has one, so a filter on them matches nothing but "". */
const CLOUD_ONLY = new Set(['VpcId', 'SubnetId', 'ClsTopicId', 'ClsLogsetId', 'Role', 'CfsId', 'CfsMountInsId', 'Eip', 'Stamp']);

/** Filters, sorts and pages `rows`; returns the page and the total after filtering. */
export function queryFunctions(rows: FunctionSummaryRow[], query: ListQuery): { rows: FunctionSummaryRow[]; total: number } {
  const orderBy = query.orderBy ?? 'AddTime';
  if (orderBy !== 'AddTime' && orderBy !== 'ModTime' && orderBy !== 'FunctionName') {
    throw new ApiError('InvalidParameterValue.Orderby', `Orderby must be AddTime, ModTime or FunctionName, got ${JSON.stringify(orderBy)}.`);
  }
  const order = (query.order ?? 'DESC').toUpperCase();
  if (order !== 'ASC' && order !== 'DESC') throw new ApiError('InvalidParameterValue.Order', `Order must be ASC or DESC, got ${JSON.stringify(query.order)}.`);
  const predicates = parseFilters(query.filters);
  const search = query.searchKey?.toLowerCase();
  const description = query.description?.toLowerCase();
  const selected = rows.filter(
    (row) =>
      (!search || row.name.toLowerCase().includes(search)) &&
      (!description || row.description.toLowerCase().includes(description)) &&
      predicates.every((p) => p(row)),
  );
  const sign = order === 'ASC' ? 1 : -1;
  selected.sort((a, b) => {
    const primary =
      orderBy === 'FunctionName' ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : orderBy === 'ModTime' ? a.mod_time - b.mod_time : a.add_time - b.add_time;
    return (primary || a.id - b.id) * sign;
  });
  return { rows: selected.slice(query.offset, query.offset + query.limit), total: selected.length };
}

function parseFilters(filters: unknown): Array<(row: FunctionSummaryRow) => boolean> {
  if (filters === undefined || filters === null) return [];
  const bad = (why: string): never => {
    throw new ApiError('InvalidParameterValue.Filters', `Filters ${why}.`);
  };
  if (!Array.isArray(filters)) return bad('must be a list of {Name, Values}');
  if (filters.length > 10) bad('may hold at most 10 filters');
  return (filters as unknown[]).map((item) => {
    const name = (item as { Name?: unknown } | null)?.Name;
    const values = (item as { Values?: unknown } | null)?.Values;
    if (typeof name !== 'string') return bad('entries need a Name');
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) return bad(`${name}: Values must be a list of strings`);
    if (values.length > (name === 'FunctionType' ? 20 : 5)) bad(`${name}: too many Values`);
    const wanted = new Set(values as string[]);
    if (name.startsWith('tag-')) {
      const key = name.slice(4);
      return (row) => parseTags(row.tags).some((t) => t.Key === key && wanted.has(t.Value));
    }
    const getter = FILTER_FIELDS[name];
    if (getter) return (row) => wanted.has(getter(row));
    if (CLOUD_ONLY.has(name)) return () => wanted.has('');
    return bad(`: unknown filter Name ${JSON.stringify(name)}`);
  });
}

function parseTags(json: string): Array<{ Key: string; Value: string }> {
  try {
    return JSON.parse(json) as Array<{ Key: string; Value: string }>;
  } catch {
    return [];
  }
}
