/**
 * Invocation targets: a resolved version with everything a call of it
 * needs — its executor, the version spec that executor prepared, its
 * request slots — built once per resolved version (the resolver caches
 * those until the function changes), so the request path builds nothing.
 */
import type { Executor, VersionSpec } from '../../executor';
import type { AccountIdentity } from '../account';
import type { CapacityTarget } from '../capacity';
import { LIMITS } from '../functions';
import type { ResolvedVersion } from '../routing';
import type { Executors } from './executors';

/** One version, ready to be called. Frozen. */
export interface InvokeTarget extends CapacityTarget {
  readonly resolved: ResolvedVersion;
  readonly executor: Executor;
  /** The spec as the executor prepared it (passed back on every call). */
  readonly spec: VersionSpec;
}

/** A web function's target: the platform's request headers and its WebSocket setting on top. */
export interface HttpTarget extends InvokeTarget {
  /**
   * The platform's request headers except X-Scf-Request-Id (lower-case
   * names): X-Scf-Memory, -Timeout, -Version, -Name, -Namespace, -Region,
   * -Appid, -Uin. The gateway drops any the caller sent and appends these.
   */
  readonly scfHeaders: ReadonlyArray<readonly [string, string]>;
  /** `scfHeaders` as JSON array elements, each preceded by a comma (appended to the request's header JSON). */
  readonly scfHeadersJson: string;
  /** WebSocket enabled (ProtocolType WS): its idle timeout; null for plain web functions. */
  readonly webSocket: { readonly idleSeconds: number } | null;
}

/** Why a resolved version cannot be called here. */
export class NotRunnableError extends Error {}

/** Per-instance concurrency of a version: request slots per instance, and whether they are a dynamic ceiling. */
export interface InstanceConcurrency {
  readonly slots: number;
  readonly dynamic: boolean;
}

const ONE: InstanceConcurrency = Object.freeze({ slots: 1, dynamic: false });

/**
 * Per-instance concurrency of `resolved` (web functions only; event
 * functions take one call per instance):
 *   MaxConcurrency N given         N slots, dynamic when DynamicEnabled is TRUE (N = 1: one at a time, always)
 *   DynamicEnabled FALSE alone     1
 *   otherwise, runtime Isolate     dynamic up to 100: the platform's default for its own runtime (measured in
 *                                  bench/http.js: one request per instance served a fifth of the requests/s
 *                                  of the dynamic default, 0.28 × workerd's — the README's performance section)
 *   otherwise, an SCF runtime      1, SCF's default (DynamicEnabled TRUE alone included: the process
 *                                  runners run one request per process whatever the slots)
 */
export function concurrencyOf(resolved: ResolvedVersion): InstanceConcurrency {
  if (resolved.config.type !== 'HTTP') return ONE;
  const { maxConcurrency: max, dynamicConcurrency: dynamic } = resolved.config.options;
  if (typeof max === 'number') {
    const slots = Math.max(1, Math.min(max, LIMITS.maxConcurrency));
    return slots === 1 ? ONE : { slots, dynamic: dynamic === true };
  }
  if (dynamic === false || resolved.runtime.family !== 'isolate') return ONE;
  return { slots: LIMITS.maxConcurrency, dynamic: true };
}

/** Request slots per instance (the ceiling when dynamic); see concurrencyOf. */
export function slotsOf(resolved: ResolvedVersion): number {
  return concurrencyOf(resolved).slots;
}

export class Targets {
  private readonly targets = new WeakMap<ResolvedVersion, InvokeTarget>();
  private readonly httpTargets = new WeakMap<ResolvedVersion, HttpTarget>();
  private readonly asyncRunTargets = new WeakMap<ResolvedVersion, InvokeTarget>();

  constructor(
    private readonly executors: Executors,
    private readonly identity: AccountIdentity,
    private readonly region: string,
  ) {}

  /** The target of `resolved`; NotRunnableError when no executor here runs its runtime. */
  of(resolved: ResolvedVersion): InvokeTarget {
    let target = this.targets.get(resolved);
    if (target === undefined) {
      target = this.build(resolved);
      this.targets.set(resolved, target);
    }
    return target;
  }

  /**
   * The target that runs async events of a function in async execution
   * mode (AsyncRunEnable): the same version with a `runMaxMs` time limit
   * instead of its timeout, in its own instances (its own key: instances
   * carry their time limit) so long runs never hold a slot sync calls wait
   * for.
   */
  asyncRunOf(resolved: ResolvedVersion, runMaxMs: number): InvokeTarget {
    let target = this.asyncRunTargets.get(resolved);
    if (target === undefined) {
      target = this.build(resolved, { timeoutMs: runMaxMs, keySuffix: ':async-run' });
      this.asyncRunTargets.set(resolved, target);
    }
    return target;
  }

  /** The HTTP target of a web function (call only for type HTTP). */
  httpOf(resolved: ResolvedVersion): HttpTarget {
    let target = this.httpTargets.get(resolved);
    if (target === undefined) {
      const base = this.of(resolved);
      const scfHeaders: Array<readonly [string, string]> = [
        ['x-scf-memory', String(resolved.config.memorySize)],
        ['x-scf-timeout', String(resolved.config.timeout)],
        ['x-scf-version', resolved.version],
        ['x-scf-name', resolved.functionName],
        ['x-scf-namespace', resolved.namespace],
        ['x-scf-region', this.region],
        ['x-scf-appid', this.identity.appId],
        ['x-scf-uin', this.identity.uin],
      ];
      const { options } = resolved.config;
      const webSocket = options.protocolType === 'WS' ? Object.freeze({ idleSeconds: options.wsIdleTimeout ?? LIMITS.wsIdleDefault }) : null;
      target = Object.freeze({
        ...base,
        scfHeaders: Object.freeze(scfHeaders),
        scfHeadersJson: scfHeaders.map((pair) => `,${JSON.stringify(pair)}`).join(''),
        webSocket,
      });
      this.httpTargets.set(resolved, target);
    }
    return target;
  }

  private build(resolved: ResolvedVersion, longRun?: { timeoutMs: number; keySuffix: string }): InvokeTarget {
    const type = resolved.config.type;
    const executor = this.executors.forRuntime(resolved.runtime, type);
    if (executor === undefined) {
      const what = type === 'HTTP' ? 'web functions on runtime' : 'Runtime';
      throw new NotRunnableError(`${what} ${resolved.runtime.name} ${type === 'HTTP' ? 'are' : 'is'} not available on this server yet; functions on it can be stored but not invoked.`);
    }
    const missing = executor.unavailableReason?.(resolved.runtime.name) ?? null;
    if (missing !== null) throw new NotRunnableError(`Runtime ${resolved.runtime.name} is not available on this host: ${missing}.`);
    const { slots, dynamic } = concurrencyOf(resolved);
    const spec = executor.prepare(
      Object.freeze({
        key: resolved.key + (longRun?.keySuffix ?? ''),
        namespace: resolved.namespace,
        functionName: resolved.functionName,
        version: resolved.version,
        runtime: resolved.runtime.name,
        type: resolved.config.type,
        codeDir: resolved.codeDir,
        layerDirs: resolved.layerDirs,
        handler: resolved.config.handler,
        env: environmentOf(resolved, this.identity, this.region),
        memoryMb: resolved.config.memorySize,
        timeoutMs: longRun?.timeoutMs ?? resolved.config.timeout * 1000,
        initTimeoutMs: resolved.config.initTimeout * 1000,
        instanceConcurrency: slots,
        ...(dynamic ? { dynamicConcurrency: true } : {}),
      }),
    );
    const key = resolved.key + (longRun?.keySuffix ?? '');
    return Object.freeze({
      resolved,
      executor,
      spec,
      key,
      namespace: resolved.namespace,
      functionName: resolved.functionName,
      memoryMb: resolved.config.memorySize,
      slots,
      dynamic,
      instanceCount: () => executor.instanceCount(key),
      ...(executor.busyInstanceCount ? { busyInstanceCount: () => executor.busyInstanceCount!(key) } : {}),
    });
  }
}

/** The function's variables plus the platform's (user keys cannot start with SCF_ or TENCENTCLOUD_). */
export function environmentOf(resolved: ResolvedVersion, identity: AccountIdentity, region: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { Key, Value } of resolved.config.environment) env[Key] = Value;
  env['SCF_FUNCTIONNAME'] = resolved.functionName;
  env['SCF_FUNCTIONVERSION'] = resolved.version;
  env['SCF_NAMESPACE'] = resolved.namespace;
  env['SCF_RUNTIME'] = resolved.runtime.name;
  env['SCF_MEMORYSIZE'] = String(resolved.config.memorySize);
  env['SCF_TIMEOUT'] = String(resolved.config.timeout);
  env['TENCENTCLOUD_REGION'] = region;
  env['TENCENTCLOUD_APPID'] = identity.appId;
  env['TENCENTCLOUD_UIN'] = identity.uin;
  env['TZ'] ??= 'UTC';
  return env;
}
