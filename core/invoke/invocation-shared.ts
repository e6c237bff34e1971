/**
 * Pieces both invocation paths share — the control API's event invocation
 * (core/invocation.ts) and the HTTP data plane (core/http-invocation.ts):
 * the runtime spec of a resolved version, the scale-out (burst) gate, and
 * the log + metrics record of a finished call. All synchronous and free of
 * I/O (logs and metrics are batched by their services).
 */
import type { FunctionVersionSpec, InvokeOutcome, IsolateRuntime } from '../../runtime';
import type { Admission } from '../capacity';
import type { AccountIdentity } from '../account';
import type { InvocationOutcome, LogService } from '../observe';
import type { MetricsService } from '../observe';
import type { ResolvedVersion, VersionResolver } from '../routing';

export interface InvocationDeps {
  resolver: VersionResolver;
  runtime: IsolateRuntime;
  admission: Admission;
  logs: LogService;
  metrics: MetricsService;
  identity: AccountIdentity;
  region: string;
}

/** The parts of a runtime outcome the log and metrics need (throttles and refusals have no runtime outcome). */
export type OutcomeLike = { statusCode: number } & Pick<InvokeOutcome, 'durationMs' | 'memUsageBytes' | 'logs'> &
  Partial<Pick<InvokeOutcome, 'result' | 'errorMessage' | 'errorStack' | 'coldStart'>>;

/** An outcome for a call that never ran (432/429 throttles, 406/499 refusals at the gateway). */
export function notRun(statusCode: number, reason: string): OutcomeLike {
  return { statusCode, durationMs: 0, memUsageBytes: 0, logs: [], errorMessage: reason };
}

/** Request slots per instance: the web function's InstanceConcurrencyConfig.MaxConcurrency, else 1. */
export function slotsOf(resolved: ResolvedVersion): number {
  if (resolved.config.type !== 'HTTP') return 1;
  const max = resolved.config.options.maxConcurrency;
  return typeof max === 'number' && max > 1 ? Math.min(max, 100) : 1;
}

const specs = new WeakMap<ResolvedVersion, FunctionVersionSpec>();

/**
 * The runtime spec of a resolved version, built once per ResolvedVersion
 * object (the resolver caches those until the function changes) so the
 * request path does not rebuild the environment per call. Frozen: the
 * runtime must not change it.
 */
export function specOf(resolved: ResolvedVersion, deps: Pick<InvocationDeps, 'identity' | 'region'>): FunctionVersionSpec {
  let spec = specs.get(resolved);
  if (!spec) {
    spec = Object.freeze({
      key: resolved.key,
      namespace: resolved.namespace,
      functionName: resolved.functionName,
      version: resolved.version,
      codeDir: resolved.codeDir,
      layerDirs: [],
      handler: resolved.config.handler,
      env: environmentOf(resolved, deps),
      memoryMb: resolved.config.memorySize,
      timeoutMs: resolved.config.timeout * 1000,
      initTimeoutMs: resolved.config.initTimeout * 1000,
      instanceConcurrency: slotsOf(resolved),
    });
    specs.set(resolved, spec);
  }
  return spec;
}

/** The function's variables plus the platform's (user keys cannot start with SCF_ or TENCENTCLOUD_). */
export function environmentOf(resolved: ResolvedVersion, deps: Pick<InvocationDeps, 'identity' | 'region'>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { Key, Value } of resolved.config.environment) env[Key] = Value;
  env['SCF_FUNCTIONNAME'] = resolved.functionName;
  env['SCF_FUNCTIONVERSION'] = resolved.version;
  env['SCF_NAMESPACE'] = resolved.namespace;
  env['SCF_RUNTIME'] = resolved.runtime.name;
  env['SCF_MEMORYSIZE'] = String(resolved.config.memorySize);
  env['SCF_TIMEOUT'] = String(resolved.config.timeout);
  env['TENCENTCLOUD_REGION'] = deps.region;
  env['TENCENTCLOUD_APPID'] = deps.identity.appId;
  env['TENCENTCLOUD_UIN'] = deps.identity.uin;
  env['TZ'] ??= 'UTC';
  return env;
}

/** How long an instance count read from runtime.stats() is trusted while it says "enough instances". */
const INSTANCE_COUNT_TTL_MS = 1000;

interface KeyState {
  inFlight: number;
  /** Instances of the key: the runtime's count, plus the ones this gate admitted since that may not show yet. */
  instances: number;
  checkedAt: number;
  /** When this gate last admitted a new instance (its count beats a lagging runtime report for a while). */
  admittedAt: number;
}

/**
 * The scale-out ("burst") gate: a call needs a new instance when its version
 * already has as many calls in flight as its instances have slots; only
 * those calls spend a burst token (429 when none is left). The runtime's
 * pool report lags a little, so calls in flight are counted here, and an
 * instance the gate admitted counts at once (with N slots, a burst of calls
 * spends one token per N calls, not one per call while the report catches
 * up). The instance count is read from `runtime.stats()` only when the
 * cached one (≤ 1 s old) says a new instance is needed, not on every call.
 */
export class ScaleOutGate {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly runtime: IsolateRuntime,
    private readonly admission: Admission,
  ) {}

  /** Counts one call in; false (nothing counted) when it needs a new instance and the burst limit says 429. */
  enter(resolved: ResolvedVersion, slots: number, now: number): boolean {
    let state = this.keys.get(resolved.key);
    if (!state) {
      state = { inFlight: 0, instances: 0, checkedAt: -Infinity, admittedAt: -Infinity };
      this.keys.set(resolved.key, state);
    }
    if (state.inFlight >= state.instances * slots || now - state.checkedAt > INSTANCE_COUNT_TTL_MS) {
      // TODO(perf): ask the runtime for this key's instance count without building a full stats snapshot.
      const pool = this.runtime.stats().instances[resolved.key];
      const reported = pool ? pool.busy + pool.idle : 0;
      state.instances = now - state.admittedAt <= INSTANCE_COUNT_TTL_MS ? Math.max(reported, state.instances) : reported;
      state.checkedAt = now;
    }
    if (state.inFlight >= state.instances * slots) {
      if (!this.admission.admitColdStart({ namespace: resolved.namespace, functionName: resolved.functionName })) {
        if (state.inFlight === 0) this.keys.delete(resolved.key);
        return false;
      }
      state.instances++;
      state.admittedAt = now;
    }
    state.inFlight++;
    return true;
  }

  /** Counts one call (admitted by `enter`) out. */
  leave(key: string): void {
    const state = this.keys.get(key);
    if (!state) return;
    if (--state.inFlight <= 0) this.keys.delete(key);
  }
}

export interface CallRecord {
  resolved: ResolvedVersion;
  requestId: string;
  startTime: number;
  outcome: OutcomeLike;
  /** FunctionLog.RetMsg of a successful event call. */
  retMsg?: string;
  /** Bytes returned to the caller (out_flow). */
  outFlowBytes: number;
}

/** Counts a finished call in the metrics and queues its log record; returns the log text. */
export function recordCall(deps: Pick<InvocationDeps, 'logs' | 'metrics'>, call: CallRecord): string {
  return deps.logs.recordInvocation(countCall(deps, call));
}

/** `recordCall` without the log text (the data plane returns none). */
export function recordCallQuietly(deps: Pick<InvocationDeps, 'logs' | 'metrics'>, call: CallRecord): void {
  deps.logs.queueInvocation(countCall(deps, call));
}

/** Counts the call in the metrics; returns its log record's input. */
function countCall(deps: Pick<InvocationDeps, 'metrics'>, call: CallRecord): InvocationOutcome {
  const { resolved, requestId, startTime, outcome, retMsg } = call;
  deps.metrics.record(
    resolved,
    startTime + outcome.durationMs,
    outcome.statusCode,
    outcome.durationMs,
    outcome.memUsageBytes,
    resolved.config.memorySize,
    outcome.coldStart?.totalMs,
    call.outFlowBytes,
  );
  return {
    requestId,
    namespace: resolved.namespace,
    functionName: resolved.functionName,
    qualifier: resolved.alias ?? resolved.version,
    version: resolved.version,
    alias: resolved.alias ?? null,
    startTime,
    durationMs: outcome.durationMs,
    memoryMb: resolved.config.memorySize,
    memUsageBytes: outcome.memUsageBytes,
    statusCode: outcome.statusCode,
    ...(outcome.errorStack || outcome.errorMessage ? { errorMessage: outcome.errorStack || outcome.errorMessage } : {}),
    ...(retMsg !== undefined ? { retMsg } : {}),
    ...(outcome.coldStart ? { coldStart: outcome.coldStart } : {}),
    lines: outcome.logs,
  };
}
