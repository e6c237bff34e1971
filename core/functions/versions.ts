/**
 * Published versions (spec/platform-semantics.md §1, scf-api.md §3.4).
 * `PublishVersion` snapshots `$LATEST` — code and configuration — as the
 * function's next number (1, 2, …; `functions.next_version`, never reused,
 * no upper bound). A published version is a row like `$LATEST` that no
 * action edits: the update actions refuse any Qualifier but `$LATEST`
 * (`assertLatest`). Its code is the same content-addressed package as the
 * row it was published from (the same `code_sha256`): nothing is copied.
 */
import type { FunctionRow, Store, VersionRow, VersionWithCode } from '../../store';
import { ApiError, type ErrorCode } from '../errors';
import { assertDescription } from './function-config';
import type { FunctionService, FunctionView } from './functions';

export const LATEST = '$LATEST';
/** The default alias: used when a call names no qualifier; points to `$LATEST` unless changed. */
export const DEFAULT_ALIAS = '$DEFAULT';

/** A published version number as the API writes it: digits, no leading zero. */
const VERSION_NUMBER = /^[1-9]\d*$/;

export interface VersionListQuery {
  offset: number;
  limit: number;
  /** `AddTime` (default) or `ModTime`. */
  orderBy?: string;
  /** `ASC` (default) or `DESC`. */
  order?: string;
}

/**
 * Refuses an update action that names a published version: only `$LATEST`
 * is editable. No Qualifier, '' and `$LATEST` all mean `$LATEST`.
 */
export function assertLatest(params: Record<string, unknown>, action: string, code: ErrorCode): void {
  const qualifier = params['Qualifier'];
  if (qualifier === undefined || qualifier === null || qualifier === '' || qualifier === LATEST) return;
  if (typeof qualifier !== 'string') throw new ApiError('InvalidParameterValue.Qualifier', `Qualifier must be a string, got ${typeof qualifier}.`);
  throw new ApiError(code, `${action} only changes $LATEST: version ${qualifier} is published and immutable; update $LATEST and publish a new version.`);
}

/** Reads the `Publish` switch of the update actions: `TRUE` / `FALSE` (default). */
export function publishFlag(params: Record<string, unknown>): boolean {
  const value = params['Publish'];
  if (value === undefined || value === null || value === '' || value === 'FALSE') return false;
  if (value === 'TRUE') return true;
  throw new ApiError('InvalidParameterValue.Publish', `Publish must be TRUE or FALSE, got ${JSON.stringify(value)}.`);
}

/**
 * Inserts a snapshot of the function's `$LATEST` row as its next version
 * number and returns that number. Call inside the transaction that made
 * `$LATEST` what is to be published.
 */
export function publishLatest(store: Store, fn: FunctionRow, description: string | undefined, now: number): string {
  const latest = store.versions.get(fn.id, LATEST);
  if (!latest) throw new ApiError('ResourceNotFound.Version', `Function ${fn.name} has no $LATEST version.`);
  if (!latest.code_sha256) throw new ApiError('FailedOperation.PublishVersion', `Function ${fn.name} has no code to publish.`);
  const version = String(store.versions.claimNumber(fn.id));
  store.versions.insert({ ...rowOf(latest), version, description: description ?? latest.description, status: 'Active', add_time: now, mod_time: now });
  store.functions.touch(fn.id, now);
  return version;
}

/**
 * Deletes one published version of `fn` (DeleteFunctionVersion, and
 * DeleteFunction with a Qualifier). Refused while an alias routes to it
 * (UnsupportedOperation.AliasBind), it has provisioned concurrency or a
 * trigger fires it
 * (FailedOperation.DeleteFunction). Call inside a transaction.
 */
export function deletePublished(store: Store, fn: FunctionRow, qualifier: string): void {
  if (qualifier === LATEST) {
    throw new ApiError('InvalidParameterValue.Qualifier', 'The $LATEST version cannot be deleted on its own; omit Qualifier to delete the function.');
  }
  if (!VERSION_NUMBER.test(qualifier) || !store.versions.get(fn.id, qualifier)) {
    throw new ApiError('ResourceNotFound.Version', `Function ${fn.name} has no version ${qualifier}.`);
  }
  const alias = store.versions.aliasUsing(fn.id, qualifier);
  if (alias) throw new ApiError('UnsupportedOperation.AliasBind', `Version ${qualifier} is still used by alias ${alias}.`);
  if (store.versions.hasProvisioned(fn.id, qualifier)) {
    throw new ApiError('FailedOperation.DeleteFunction', `Version ${qualifier} has provisioned concurrency; delete it first (DeleteProvisionedConcurrencyConfig).`);
  }
  // Refused rather than cascaded: a trigger left pointing at nothing would answer 404 without saying why.
  const trigger = store.triggers.usingQualifier(fn.id, qualifier);
  if (trigger) {
    throw new ApiError('FailedOperation.DeleteFunction', `Version ${qualifier} is fired by ${trigger.type} trigger ${trigger.name}; delete the trigger or point it elsewhere (UpdateTrigger) first.`);
  }
  store.versions.delete(fn.id, qualifier);
}

/** PublishVersion, ListVersionByFunction and DeleteFunctionVersion over the store. */
export class VersionService {
  constructor(
    private readonly store: Store,
    private readonly functions: FunctionService,
  ) {}

  /** PublishVersion: the new version as GetFunction would show it. */
  publish(namespace: string, name: string, description?: string): FunctionView {
    assertDescription(description);
    const version = this.store.transaction(() => publishLatest(this.store, this.functions.get(namespace, name).fn, description, Date.now()));
    this.functions.notify({ kind: 'update', namespace, name });
    return this.functions.get(namespace, name, version);
  }

  /** ListVersionByFunction: `$LATEST` and every published version, ordered and paged. */
  list(namespace: string, name: string, query: VersionListQuery): { rows: VersionWithCode[]; total: number } {
    const orderBy = query.orderBy || 'AddTime';
    if (orderBy !== 'AddTime' && orderBy !== 'ModTime') {
      throw new ApiError('InvalidParameterValue.OrderBy', `OrderBy must be AddTime or ModTime, got ${JSON.stringify(orderBy)}.`);
    }
    const order = (query.order || 'ASC').toUpperCase();
    if (order !== 'ASC' && order !== 'DESC') throw new ApiError('InvalidParameterValue.Order', `Order must be ASC or DESC, got ${JSON.stringify(query.order)}.`);
    const fn = this.functions.get(namespace, name).fn;
    const column = orderBy === 'AddTime' ? 'add_time' : 'mod_time';
    // The store lists $LATEST first, then numbers ascending; a stable sort keeps that order among equal times.
    const rows = this.store.versions.list(fn.id).sort((a, b) => a[column] - b[column]);
    if (order === 'DESC') rows.reverse();
    return { rows: rows.slice(query.offset, query.offset + query.limit), total: rows.length };
  }

  /** DeleteFunctionVersion. */
  delete(namespace: string, name: string, qualifier: string): void {
    this.store.transaction(() => deletePublished(this.store, this.functions.get(namespace, name).fn, qualifier));
    this.functions.notify({ kind: 'update', namespace, name });
  }
}

/** A version row without the joined `code_size`. */
function rowOf(version: VersionWithCode): VersionRow {
  const { code_size: _size, ...row } = version;
  return row;
}
