/**
 * Function life cycle: create, update code, update configuration, read,
 * list, delete and copy. Creation is synchronous here (the cloud's
 * `Creating` → `Active` happens before the call returns).
 *
 * Every change that spans rows runs in ONE synchronous store transaction,
 * after the asynchronous unzip (`store.code.put`), so a failure leaves
 * nothing half-created; a package unpacked for a transaction that then
 * failed has no `code_blobs` row and is removed by `store.code.sweep()`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CodePackage, FunctionRow, Store, VersionRow, VersionWithCode } from '../../store';
import { configColumns, configOf, triggerViewOf } from './rows';
import type { PlatformConfig } from '../config';
import { ApiError, apiErrorFromStore } from '../errors';
import { readZipParam } from './function-code';
import { assertAsyncRunUnchanged, assertDescription, assertFunctionName, parseConfigUpdate, parseCreateConfig, type FunctionConfig, type Tag } from './function-config';
import { queryFunctions, type ListQuery } from './function-list';
import type { NamespaceService } from '../account';
import { entryCandidates, getRuntime, normalizeHandler } from './runtimes';
import { DEFAULT_ASYNC_RETRY, type AsyncRetryConfig } from './async-options';
import { assertFits, assertLayersBindable } from './layers';
import { assertLatest, DEFAULT_ALIAS, deletePublished, LATEST, publishFlag, publishLatest } from './versions';

export { LATEST } from './versions';

/** One version of a function as the core sees it. */
export interface FunctionView {
  fn: FunctionRow;
  version: VersionWithCode;
  config: FunctionConfig;
  tags: Tag[];
  asyncRunEnable: boolean;
  /** The state of the version's code package (GetFunction's CodeResult / CodeError). */
  code: CodeState;
  /** Triggers bound to the function (all qualifiers), in creation order. */
  triggers: TriggerView[];
}

/**
 * `success` when the version's code package is stored: `code_sha256` is only
 * set once the zip was validated and unpacked (`store.code.put`) and it
 * references the `code_blobs` row written in the same transaction (foreign
 * key), so a sha256 means the code was unpacked and stored. A bad package
 * fails CreateFunction / UpdateFunctionCode before anything is written, so
 * every version this server creates is `success`; `failed` is what a version
 * row without a package (the column is nullable) would report.
 */
export interface CodeState {
  result: 'success' | 'failed';
  /** Why not `success`; '' when it is. */
  error: string;
}

/** A trigger bound to a function version (scf-api.md §4 Trigger). */
export interface TriggerView {
  type: string;
  name: string;
  qualifier: string;
  triggerDesc: string;
  enabled: boolean;
  customArgument: string;
  description: string;
  addTime: number;
  modTime: number;
}

/** One namespace's functions and concurrency memory (MB), for GetAccount. */
export interface NamespaceUsage {
  functions: string[];
  reservedMemory: number;
  provisionedMemory: number;
}

/** What changed; listeners (instance pools, route tables) drop what they cached for the function. */
export interface FunctionChange {
  kind: 'create' | 'update' | 'delete';
  namespace: string;
  name: string;
}

type Params = Record<string, unknown>;

export class FunctionService {
  private readonly listeners = new Set<(change: FunctionChange) => void>();

  constructor(
    private readonly store: Store,
    private readonly config: Readonly<PlatformConfig>,
    private readonly namespaces: NamespaceService,
  ) {}

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: (change: FunctionChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** CreateFunction: validates everything, unpacks the code, then writes function + `$LATEST` + blob in one transaction. */
  async create(namespace: string, name: string, params: Params): Promise<FunctionView> {
    assertFunctionName(namespace, name);
    this.namespaces.get(namespace);
    const { config, asyncRunEnable, tags } = parseCreateConfig(params);
    const zip = readZipParam(params, false);
    if (!zip) throw new ApiError('MissingParameter.Code', 'The parameter Code (Code.ZipFile, base64 of a zip) is required.');
    this.assertCreatable(namespace, name); // fail fast before the unzip; checked again in the transaction
    const pkg = await this.putCode(zip, entryCandidates(getRuntime(config.runtime), config.type, config.handler));
    const now = Date.now();
    this.store.transaction(() => {
      this.namespaces.get(namespace);
      this.assertCreatable(namespace, name);
      assertLayersBindable(this.store, config.layers, pkg.unpackedSize, this.config.maxUnpackedBytes);
      this.store.code.recordBlob(pkg);
      this.insertFunction(namespace, name, { config, asyncRunEnable, tags, sha256: pkg.sha256, now });
    });
    this.notify({ kind: 'create', namespace, name });
    return this.get(namespace, name);
  }

  /**
   * UpdateFunctionCode: new zip and/or handler for `$LATEST` (the runtime's
   * entry file must exist in the package); `Publish: "TRUE"` also publishes
   * the result as a new version, in the same transaction.
   */
  async updateCode(namespace: string, name: string, params: Params): Promise<void> {
    assertLatest(params, 'UpdateFunctionCode', 'UnsupportedOperation.UpdateFunctionCode');
    const publish = publishFlag(params);
    const before = this.get(namespace, name);
    const runtime = getRuntime(before.config.runtime);
    const handlerParam = params['Handler'];
    if (handlerParam !== undefined && handlerParam !== null && typeof handlerParam !== 'string') {
      throw new ApiError('InvalidParameterValue.Handler', 'Handler must be a string.');
    }
    const handler = handlerParam ? normalizeHandler(runtime, before.config.type, handlerParam) : before.config.handler;
    const candidates = entryCandidates(runtime, before.config.type, handler);
    const zip = readZipParam(params, true);
    let sha256 = before.version.code_sha256;
    let pkg: CodePackage | undefined;
    if (zip) {
      pkg = await this.putCode(zip, candidates);
      sha256 = pkg.sha256;
    } else if (!handlerParam) {
      throw new ApiError('MissingParameter.Code', 'UpdateFunctionCode needs Code.ZipFile (or ZipFile) and/or Handler.');
    } else if (sha256 && candidates.length > 0) {
      const dir = this.store.code.dirOf(sha256);
      if (!candidates.some((file) => isRegularFile(path.join(dir, file)))) {
        throw new ApiError('InvalidParameterValue.Handler', `Handler ${handler} needs ${candidates.join(' or ')} at the root of the current code package.`);
      }
    }
    const now = Date.now();
    this.store.transaction(() => {
      const fn = this.requireFunction(namespace, name);
      if (fn.id !== before.fn.id) throw new ApiError('FailedOperation.OperationConflict', `Function ${name} was replaced during the update; retry.`);
      if (pkg) {
        // The layers bound stay bound (even ones deleted since); the new code must still fit beside them.
        assertFits(this.store, before.config.layers, pkg.unpackedSize, this.config.maxUnpackedBytes);
        this.store.code.recordBlob(pkg);
      }
      this.store.versions.updateCode({ function_id: fn.id, version: LATEST, handler, code_sha256: sha256, mod_time: now });
      this.store.functions.touch(fn.id, now);
      if (publish) publishLatest(this.store, fn, undefined, now);
    });
    this.notify({ kind: 'update', namespace, name });
  }

  /** UpdateFunctionConfiguration: applies the sent parameters to `$LATEST`; `Publish: "TRUE"` also publishes the result. */
  updateConfiguration(namespace: string, name: string, params: Params): void {
    assertLatest(params, 'UpdateFunctionConfiguration', 'FailedOperation.UpdateFunctionConfiguration');
    const publish = publishFlag(params);
    this.store.transaction(() => {
      const current = this.get(namespace, name);
      assertAsyncRunUnchanged(params, current.asyncRunEnable);
      const next = parseConfigUpdate(current.config, params);
      if (params['Layers'] !== undefined && params['Layers'] !== null && current.version.code_sha256) {
        assertLayersBindable(this.store, next.layers, this.store.code.unpackedSize(current.version.code_sha256), this.config.maxUnpackedBytes);
      }
      const now = Date.now();
      this.store.versions.updateConfig({ function_id: current.fn.id, version: LATEST, mod_time: now, ...configColumns(next) });
      this.store.functions.touch(current.fn.id, now);
      if (publish) publishLatest(this.store, current.fn, undefined, now);
    });
    this.notify({ kind: 'update', namespace, name });
  }

  /** UpdateFunctionEventInvokeConfig: the async retry policy of `$LATEST` (published versions keep theirs). */
  updateAsyncRetry(namespace: string, name: string, read: (current: AsyncRetryConfig) => AsyncRetryConfig): void {
    this.store.transaction(() => {
      const current = this.get(namespace, name);
      const next = { ...current.config, options: { ...current.config.options, asyncRetry: read(current.config.options.asyncRetry ?? DEFAULT_ASYNC_RETRY) } };
      const now = Date.now();
      this.store.versions.updateConfig({ function_id: current.fn.id, version: LATEST, mod_time: now, ...configColumns(next) });
      this.store.functions.touch(current.fn.id, now);
    });
    this.notify({ kind: 'update', namespace, name });
  }

  /**
   * One version (default `$LATEST`); an alias name reads the version it
   * points to (its main version). ResourceNotFound.Namespace / .Function / .Version.
   */
  get(namespace: string, name: string, qualifier: string = LATEST): FunctionView {
    const fn = this.requireFunction(namespace, name);
    const version = this.store.versions.get(fn.id, this.versionNamed(fn, qualifier));
    if (!version) throw new ApiError('ResourceNotFound.Version', `Function ${name} has no version ${qualifier}.`);
    return {
      fn,
      version,
      config: configOf(version, fn.type),
      tags: JSON.parse(fn.tags) as Tag[],
      asyncRunEnable: fn.async_run_enable === 1,
      code: codeStateOf(version),
      triggers: this.store.triggers.list(fn.id).map(triggerViewOf),
    };
  }

  /** ListFunctions over one namespace (ResourceNotFound.Namespace when it does not exist). */
  list(namespace: string, query: ListQuery) {
    this.namespaces.get(namespace);
    return queryFunctions(this.store.functions.summaries(namespace), query);
  }

  /** DeleteFunction: the whole function (versions, aliases, triggers cascade), or one published version when `qualifier` is given. */
  delete(namespace: string, name: string, qualifier?: string): void {
    this.store.transaction(() => {
      const fn = this.requireFunction(namespace, name);
      if (qualifier === undefined || qualifier === '') {
        this.store.functions.delete(fn.id);
        return;
      }
      deletePublished(this.store, fn, qualifier);
    });
    this.notify(qualifier ? { kind: 'update', namespace, name } : { kind: 'delete', namespace, name });
  }

  /**
   * CopyFunction: `$LATEST` code (same package, by sha256) and, unless
   * `copyConfiguration` is false, its configuration and tags into
   * `targetNamespace/newName`. `override` replaces a function of that name.
   */
  copy(args: {
    namespace: string;
    name: string;
    targetNamespace: string;
    newName: string;
    override: boolean;
    copyConfiguration: boolean;
    description?: string;
  }): void {
    const { namespace, name, targetNamespace, newName } = args;
    assertFunctionName(targetNamespace, newName);
    assertDescription(args.description);
    if (namespace === targetNamespace && name === newName) {
      throw new ApiError('InvalidParameterValue.FunctionName', 'CopyFunction needs a different NewFunctionName or TargetNamespace than the source.');
    }
    this.store.transaction(() => {
      const source = this.get(namespace, name);
      this.namespaces.get(targetNamespace);
      const existing = this.store.functions.get(targetNamespace, newName);
      if (existing && !args.override) {
        throw new ApiError('ResourceInUse.FunctionName', `Function ${newName} already exists in namespace ${targetNamespace}; pass Override=true to replace it.`);
      }
      if (existing) this.store.functions.delete(existing.id);
      this.assertCreatable(targetNamespace, newName);
      const config: FunctionConfig = args.copyConfiguration ? { ...source.config } : defaultsLike(source.config);
      if (args.description !== undefined) config.description = args.description;
      this.insertFunction(targetNamespace, newName, {
        config,
        asyncRunEnable: source.asyncRunEnable,
        tags: args.copyConfiguration ? source.tags : [],
        sha256: source.version.code_sha256,
        now: Date.now(),
      });
    });
    this.notify({ kind: 'create', namespace: targetNamespace, name: newName });
  }

  /** Per-namespace function names and reserved/provisioned concurrency memory (GetAccount), in namespace order. */
  usage(): Map<string, NamespaceUsage> {
    const byNamespace = new Map<string, NamespaceUsage>();
    for (const ns of this.namespaces.list(Number.MAX_SAFE_INTEGER, 0).rows) byNamespace.set(ns.name, { functions: [], reservedMemory: 0, provisionedMemory: 0 });
    for (const row of this.store.functions.allNames()) {
      const entry = byNamespace.get(row.namespace);
      if (!entry) continue;
      entry.functions.push(row.name);
      entry.reservedMemory += row.reserved_memory ?? 0;
      entry.provisionedMemory += row.provisioned_memory;
    }
    return byNamespace;
  }

  /** Stores and unpacks `zip` (store.code.put); the store's errors become the API's (InvalidParameterValue.ZipFile / .Handler). */
  private async putCode(zip: Buffer, candidates: readonly string[]): Promise<CodePackage> {
    try {
      return await this.store.code.put(zip, { entryCandidates: candidates });
    } catch (err) {
      throw apiErrorFromStore(err);
    }
  }

  /** The version a qualifier names: itself for `$LATEST` and numbers, else an alias's main version (`$DEFAULT` → `$LATEST` until set). */
  private versionNamed(fn: FunctionRow, qualifier: string): string {
    if (qualifier === LATEST || /^\d+$/.test(qualifier)) return qualifier;
    return this.store.aliases.get(fn.id, qualifier)?.function_version ?? (qualifier === DEFAULT_ALIAS ? LATEST : qualifier);
  }

  /** The function's row; ResourceNotFound.Namespace / ResourceNotFound.Function when it does not exist. */
  requireFunction(namespace: string, name: string): FunctionRow {
    const fn = this.store.functions.get(namespace, name);
    if (fn) return fn;
    this.namespaces.get(namespace);
    throw new ApiError('ResourceNotFound.Function', `Function ${name} does not exist in namespace ${namespace}.`);
  }

  private assertCreatable(namespace: string, name: string): void {
    if (this.store.functions.get(namespace, name)) {
      throw new ApiError('ResourceInUse.Function', `Function ${name} already exists in namespace ${namespace}.`);
    }
    const max = this.config.maxFunctionsPerNamespace;
    if (this.store.functions.countInNamespace(namespace) >= max) {
      throw new ApiError('LimitExceeded.Function', `Namespace ${namespace} already has the maximum of ${max} functions.`);
    }
  }

  private insertFunction(
    namespace: string,
    name: string,
    args: { config: FunctionConfig; asyncRunEnable: boolean; tags: Tag[]; sha256: string | null; now: number },
  ): void {
    const { config, now } = args;
    const id = this.store.functions.insert({
      namespace,
      name,
      function_id: newFunctionId(),
      type: config.type,
      async_run_enable: args.asyncRunEnable ? 1 : 0,
      next_version: 1,
      reserved_memory: null,
      tags: JSON.stringify(args.tags),
      add_time: now,
      mod_time: now,
    });
    this.store.versions.insert({
      function_id: id,
      version: LATEST,
      runtime: config.runtime,
      handler: config.handler,
      code_sha256: args.sha256,
      status: 'Active',
      add_time: now,
      mod_time: now,
      ...configColumns(config),
    });
  }

  /** Tells the listeners a function changed (VersionService and the alias service call it after their writes too). */
  notify(change: FunctionChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        console.error('[functions] change listener failed:', err);
      }
    }
  }
}

/** The default configuration of a function with `source`'s runtime, type, handler and protocol. */
function defaultsLike(source: FunctionConfig): FunctionConfig {
  const { config } = parseCreateConfig({ Runtime: source.runtime, Type: source.type, Handler: source.handler });
  if (source.options.protocolType) {
    // A WebSocket function keeps its idle timeout and an execution timeout that covers it.
    config.options = { protocolType: source.options.protocolType, wsIdleTimeout: source.options.wsIdleTimeout };
    config.timeout = source.timeout;
  }
  return config;
}

/** The code state of a version row, from its stored package (see CodeState). */
function codeStateOf(version: VersionRow): CodeState {
  return version.code_sha256 !== null ? { result: 'success', error: '' } : { result: 'failed', error: 'No code package is stored for this version.' };
}

/** A regular file, not a symlink (a link never counts as the entry file, as in CodeStore.put). */
function isRegularFile(file: string): boolean {
  try {
    return fs.lstatSync(file).isFile();
  } catch {
    return false;
  }
}

function newFunctionId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.randomBytes(8);
  let id = 'lam-';
  for (const b of bytes) id += alphabet[b % alphabet.length];
  return id;
}
