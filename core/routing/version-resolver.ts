import type { FunctionRow, Store } from '../../store';
import { ApiError } from '../errors';
import type { FunctionConfig } from '../functions';
import { configOf, DEFAULT_ALIAS, EMPTY_ROUTING, LATEST, layerDirsOf, type FunctionService, type RoutingConfig } from '../functions';
import { getRuntime, type RuntimeInfo } from '../functions';
import { AliasRoute, FixedRoute, type Route, type RoutingKeys } from './route';

/** Everything the invocation path needs about one function version, resolved once and cached. */
export interface ResolvedVersion {
  namespace: string;
  functionName: string;
  functionId: number;
  /** '$LATEST' or a published number: the version that runs. */
  version: string;
  /** The alias the call came through, if the qualifier was one. */
  alias?: string;
  config: FunctionConfig;
  /** AsyncRunEnable (fixed at creation): its async events run up to 24 h, never retried automatically (core/async). */
  asyncRunEnable: boolean;
  runtime: RuntimeInfo;
  codeSha256: string;
  codeDir: string;
  /** The unpacked directories of the version's layers, in binding order (the executor merges them as `/opt`, a later one winning). */
  layerDirs: string[];
  /** Changes whenever code or configuration of this version changes: a new key is a new instance pool. */
  key: string;
}

/**
 * Resolves (namespace, function, qualifier) to the version that serves a
 * call. The route of each qualifier (a fixed version, or an alias's rules
 * and weights) is built once and cached in memory, so the request path does
 * no database read per call; picking from it allocates nothing. Any change
 * to a function (FunctionService.onChange: code, configuration, versions,
 * aliases) drops that function's routes.
 */
export class VersionResolver {
  private readonly cache = new Map<string, Route>();

  constructor(
    private readonly store: Store,
    functions: FunctionService,
  ) {
    functions.onChange((change) => {
      const prefix = `${change.namespace}\u0000${change.name}\u0000`;
      const dropped: string[] = [];
      for (const key of this.cache.keys()) {
        if (!key.startsWith(prefix)) continue;
        this.cache.delete(key);
        dropped.push(key.slice(prefix.length));
      }
      if (change.kind !== 'delete') setImmediate(() => this.prefetch(change.namespace, change.name, dropped));
    });
  }

  /**
   * Builds the routes a changed function's next calls will ask for — the data plane's `$DEFAULT`,
   * Invoke's `$LATEST` and the qualifiers it had cached — once the change's writes are done, so its
   * first request reads no SQLite. That read was ~0.3 ms of a new function's first request here:
   * after the log writer's connection has written, this connection's first read re-reads its pages
   * (functions.get ~130 µs the first time, ~16 µs right after). A qualifier that does not resolve
   * (no such alias, no code yet) is left to the request, which answers the error.
   */
  private prefetch(namespace: string, functionName: string, qualifiers: readonly string[]): void {
    for (const qualifier of new Set([DEFAULT_ALIAS, LATEST, ...qualifiers])) {
      const cacheKey = `${namespace}\u0000${functionName}\u0000${qualifier}`;
      if (this.cache.has(cacheKey)) continue;
      try {
        this.cache.set(cacheKey, this.load(namespace, functionName, qualifier));
      } catch {
        // Not resolvable now: the request that names it gets the error.
      }
    }
  }

  /**
   * The version that serves this call: for an alias, its first matching rule
   * (against `keys`), else a weighted pick, else its main version.
   * ResourceNotFound.Function / ResourceNotFound.Qualifier when nothing matches.
   */
  resolve(namespace: string, functionName: string, qualifier: string, keys?: RoutingKeys): ResolvedVersion {
    const cacheKey = `${namespace}\u0000${functionName}\u0000${qualifier}`;
    let route = this.cache.get(cacheKey);
    if (!route) {
      route = this.load(namespace, functionName, qualifier);
      this.cache.set(cacheKey, route);
    }
    return route.pick(keys);
  }

  private load(namespace: string, functionName: string, qualifier: string): Route {
    const fn = this.store.functions.get(namespace, functionName);
    if (!fn) throw new ApiError('ResourceNotFound.Function', `Function ${functionName} does not exist in namespace ${namespace}.`);
    if (qualifier === LATEST || /^\d+$/.test(qualifier)) return new FixedRoute(this.version(fn, qualifier));
    // An alias. $DEFAULT exists implicitly (→ $LATEST) until it is changed.
    const row = this.store.aliases.get(fn.id, qualifier);
    if (!row && qualifier !== DEFAULT_ALIAS) throw new ApiError('ResourceNotFound.Qualifier', `Function ${functionName} has no version or alias ${qualifier}.`);
    const routing = row ? (JSON.parse(row.routing_config) as Partial<RoutingConfig>) : EMPTY_ROUTING;
    const versionOf = (version: string) => this.version(fn, version, qualifier);
    return new AliasRoute(
      versionOf(row ? row.function_version : LATEST),
      { AdditionalVersionWeights: routing.AdditionalVersionWeights ?? [], AddtionVersionMatchs: routing.AddtionVersionMatchs ?? [] },
      versionOf,
    );
  }

  private version(fn: FunctionRow, version: string, alias?: string): ResolvedVersion {
    const row = this.store.versions.get(fn.id, version);
    if (!row) throw new ApiError('ResourceNotFound.Qualifier', `Function ${fn.name} has no version ${version}.`);
    if (!row.code_sha256) throw new ApiError('FailedOperation.FunctionStatusError', `Function ${fn.name} version ${version} has no code.`);
    const config = configOf(row, fn.type);
    return {
      namespace: fn.namespace,
      functionName: fn.name,
      functionId: fn.id,
      version,
      ...(alias !== undefined ? { alias } : {}),
      config,
      asyncRunEnable: fn.async_run_enable === 1,
      runtime: getRuntime(row.runtime),
      codeSha256: row.code_sha256,
      codeDir: this.store.code.dirOf(row.code_sha256),
      layerDirs: layerDirsOf(this.store, config.layers),
      key: `${fn.function_id}:${version}:${row.code_sha256.slice(0, 16)}:${row.mod_time}`,
    };
  }
}
