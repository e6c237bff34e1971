import crypto from 'node:crypto';
import type { InvokeOutcome, IsolateRuntime } from '../runtime';
import { ApiError } from './errors';
import type { Admission } from './admission';
import type { AccountIdentity } from './identity';
import type { LogService } from './logs';
import type { MetricsService } from './metrics';
import { errorBody } from './outcome';
import type { ResolvedVersion, VersionResolver } from './version-resolver';

/** Largest synchronous event (spec §2: 6 MB). */
export const MAX_SYNC_EVENT_BYTES = 6 * 1024 * 1024;

export interface SyncInvokeRequest {
  namespace: string;
  functionName: string;
  qualifier: string;
  /** The event as JSON text ('' = `{}`). */
  event: string;
  /** Abort when the caller goes away. */
  signal?: AbortSignal;
}

/** What Invoke/InvokeFunction report (the API's `Result`), in the platform's terms. */
export interface InvocationResult {
  requestId: string;
  statusCode: number;
  /** JSON text of the handler's return value; '' on failure. */
  retMsg: string;
  /** The spec's error body on failure; '' on success. */
  errMsg: string;
  /** The invocation's log: START, Init Report (cold start), user lines, END, Report. */
  log: string;
  memUsageBytes: number;
  durationMs: number;
}

export interface InvocationDeps {
  resolver: VersionResolver;
  runtime: IsolateRuntime;
  admission: Admission;
  logs: LogService;
  metrics: MetricsService;
  identity: AccountIdentity;
  region: string;
}

/**
 * Synchronous invocation of event functions: qualifier → version →
 * admission (432/429) → runtime instance → result, with the spec's status
 * codes and error bodies; every call, throttles included, leaves a log record.
 */
export class InvocationService {
  /** Calls in flight per version key (see the burst check in invokeSync). */
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly deps: InvocationDeps) {}

  async invokeSync(req: SyncInvokeRequest): Promise<InvocationResult> {
    const { resolver, runtime, admission, logs } = this.deps;
    const resolved = resolver.resolve(req.namespace, req.functionName, req.qualifier);
    if (!resolved.runtime.executable) {
      throw new ApiError(
        'FailedOperation.InvokeFunction',
        `Runtime ${resolved.runtime.name} is not available on this server yet; functions on it can be stored but not invoked.`,
      );
    }
    if (resolved.config.type !== 'Event') {
      throw new ApiError('InvalidParameterValue.FunctionType', `Function ${req.functionName} is a web (HTTP) function; call it over HTTP instead.`);
    }
    const event = req.event === '' ? '{}' : req.event;
    if (Buffer.byteLength(event) > MAX_SYNC_EVENT_BYTES) {
      throw new ApiError('InvalidParameter.RequestTooLarge', `The event is larger than ${MAX_SYNC_EVENT_BYTES} bytes.`);
    }
    try {
      JSON.parse(event);
    } catch {
      throw new ApiError('InvalidParameterValue.Param', 'The event must be a JSON document.');
    }

    const requestId = crypto.randomUUID();
    const startTime = Date.now();
    const lease = admission.tryAcquire({ namespace: resolved.namespace, functionName: resolved.functionName, memoryMb: resolved.config.memorySize });
    if (!lease.ok) return this.finish(resolved, requestId, startTime, throttled(lease.statusCode, lease.reason));
    let running: ReturnType<MetricsService['begin']> = null;
    try {
      // A call needs a new instance when this version already has as many calls
      // in flight as instances exist (one slot each); only those spend burst
      // tokens. The host's pool report lags a little, so count in-flight here.
      // TODO(perf): ask the runtime for this key's instance count without building a full stats snapshot.
      const inFlight = this.inFlight.get(resolved.key) ?? 0;
      const pool = runtime.stats().instances[resolved.key];
      const instances = pool ? pool.busy + pool.idle : 0;
      if (inFlight >= instances && !admission.admitColdStart({ namespace: resolved.namespace, functionName: resolved.functionName })) {
        return this.finish(resolved, requestId, startTime, throttled(429, 'scale-out speed limit reached (new instances per minute)'));
      }
      this.inFlight.set(resolved.key, inFlight + 1);
      running = this.deps.metrics.begin(resolved, startTime);
      const outcome = await runtime.invoke(
        {
          requestId,
          event,
          spec: {
            key: resolved.key,
            namespace: resolved.namespace,
            functionName: resolved.functionName,
            version: resolved.version,
            codeDir: resolved.codeDir,
            layerDirs: [],
            handler: resolved.config.handler,
            env: this.environmentOf(resolved),
            memoryMb: resolved.config.memorySize,
            timeoutMs: resolved.config.timeout * 1000,
            initTimeoutMs: resolved.config.initTimeout * 1000,
            instanceConcurrency: 1,
          },
        },
        req.signal,
      );
      const n = (this.inFlight.get(resolved.key) ?? 1) - 1;
      if (n > 0) this.inFlight.set(resolved.key, n);
      else this.inFlight.delete(resolved.key);
      return this.finish(resolved, requestId, startTime, outcome);
    } finally {
      this.deps.metrics.end(running);
      lease.release();
    }
  }

  /** Writes the log record, counts the call in the metrics and builds the API result. */
  private finish(resolved: ResolvedVersion, requestId: string, startTime: number, outcome: OutcomeLike): InvocationResult {
    const ok = outcome.statusCode === 200;
    const retMsg = ok ? (outcome.result ?? 'null') : '';
    this.deps.metrics.record(
      resolved,
      startTime + outcome.durationMs,
      outcome.statusCode,
      outcome.durationMs,
      outcome.memUsageBytes,
      resolved.config.memorySize,
      outcome.coldStart?.totalMs,
      // Characters, not UTF-8 bytes: equal for ASCII JSON, and O(1).
      retMsg.length,
    );
    const log = this.deps.logs.recordInvocation({
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
      ...(ok ? { retMsg } : {}),
      ...(outcome.coldStart ? { coldStart: outcome.coldStart } : {}),
      lines: outcome.logs,
    });
    return {
      requestId,
      statusCode: outcome.statusCode,
      retMsg,
      errMsg: ok ? '' : errorBody(outcome.statusCode),
      log,
      memUsageBytes: outcome.memUsageBytes,
      durationMs: outcome.durationMs,
    };
  }

  /** The function's variables plus the platform's (user keys cannot start with SCF_ or TENCENTCLOUD_). */
  private environmentOf(resolved: ResolvedVersion): Record<string, string> {
    const env: Record<string, string> = {};
    for (const { Key, Value } of resolved.config.environment) env[Key] = Value;
    env['SCF_FUNCTIONNAME'] = resolved.functionName;
    env['SCF_FUNCTIONVERSION'] = resolved.version;
    env['SCF_NAMESPACE'] = resolved.namespace;
    env['SCF_RUNTIME'] = resolved.runtime.name;
    env['SCF_MEMORYSIZE'] = String(resolved.config.memorySize);
    env['SCF_TIMEOUT'] = String(resolved.config.timeout);
    env['TENCENTCLOUD_REGION'] = this.deps.region;
    env['TENCENTCLOUD_APPID'] = this.deps.identity.appId;
    env['TENCENTCLOUD_UIN'] = this.deps.identity.uin;
    env['TZ'] ??= 'UTC';
    return env;
  }
}

/** The parts of a runtime outcome the result and the log need (throttles have no runtime outcome). */
type OutcomeLike = { statusCode: number } & Pick<InvokeOutcome, 'durationMs' | 'memUsageBytes' | 'logs'> &
  Partial<Pick<InvokeOutcome, 'result' | 'errorMessage' | 'errorStack' | 'coldStart'>>;

function throttled(statusCode: 432 | 429, reason: string): OutcomeLike {
  return { statusCode, durationMs: 0, memUsageBytes: 0, logs: [], errorMessage: reason };
}
