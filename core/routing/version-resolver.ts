import type { Store } from '../../store';
import { ApiError } from '../errors';
import type { FunctionConfig } from '../functions';
import { configOf, DEFAULT_ALIAS, LATEST, type FunctionService } from '../functions';
import { getRuntime, type RuntimeInfo } from '../functions';


/** Everything the invocation path needs about one function version, resolved once and cached. */
export interface ResolvedVersion {
  namespace: string;
  functionName: string;
  functionId: number;
  /** '$LATEST' or a published number. */
  version: string;
  /** The alias the caller named, if the qualifier was one. */
  alias?: string;
  config: FunctionConfig;
  runtime: RuntimeInfo;
  codeSha256: string;
  codeDir: string;
  /** Changes whenever code or configuration of this version changes: a new key is a new instance pool. */
  key: string;
}

/**
 * Resolves (namespace, function, qualifier) to a version, caching the result
 * in memory so the request path does no database read per call. Any change
 * to a function (FunctionService.onChange) drops that function's entries.
 */
export class VersionResolver {
  private readonly cache = new Map<string, ResolvedVersion>();

  constructor(
    private readonly store: Store,
    functions: FunctionService,
  ) {
    functions.onChange((change) => {
      const prefix = `${change.namespace}\u0000${change.name}\u0000`;
      for (const key of this.cache.keys()) if (key.startsWith(prefix)) this.cache.delete(key);
    });
  }

  /** ResourceNotFound.Function / ResourceNotFound.Qualifier when nothing matches. */
  resolve(namespace: string, functionName: string, qualifier: string): ResolvedVersion {
    const cacheKey = `${namespace}\u0000${functionName}\u0000${qualifier}`;
    let resolved = this.cache.get(cacheKey);
    if (!resolved) {
      resolved = this.load(namespace, functionName, qualifier);
      this.cache.set(cacheKey, resolved);
    }
    return resolved;
  }

  private load(namespace: string, functionName: string, qualifier: string): ResolvedVersion {
    const fn = this.store.functions.get(namespace, functionName);
    if (!fn) throw new ApiError('ResourceNotFound.Function', `Function ${functionName} does not exist in namespace ${namespace}.`);
    let version = qualifier;
    let alias: string | undefined;
    if (qualifier !== LATEST && !/^\d+$/.test(qualifier)) {
      // An alias. $DEFAULT exists implicitly (→ $LATEST) until it is created explicitly.
      // TODO(aliases): weighted and rule routing arrive with the versions/aliases issue.
      const target = this.store.functions.aliasVersion(fn.id, qualifier);
      if (target !== undefined) version = target;
      else if (qualifier === DEFAULT_ALIAS) version = LATEST;
      else throw new ApiError('ResourceNotFound.Qualifier', `Function ${functionName} has no version or alias ${qualifier}.`);
      alias = qualifier;
    }
    const row = this.store.versions.get(fn.id, version);
    if (!row) throw new ApiError('ResourceNotFound.Qualifier', `Function ${functionName} has no version ${version}.`);
    if (!row.code_sha256) throw new ApiError('FailedOperation.FunctionStatusError', `Function ${functionName} version ${version} has no code.`);
    const config = configOf(row, fn.type);
    return {
      namespace,
      functionName,
      functionId: fn.id,
      version,
      ...(alias !== undefined ? { alias } : {}),
      config,
      runtime: getRuntime(row.runtime),
      codeSha256: row.code_sha256,
      codeDir: this.store.code.dirOf(row.code_sha256),
      key: `${fn.function_id}:${version}:${row.code_sha256.slice(0, 16)}:${row.mod_time}`,
    };
  }
}
