import { newRequestId } from './request-id';
import { ApiError } from '../errors';
import { notRun, recordCall, ScaleOutGate, specOf, type InvocationDeps, type OutcomeLike } from './invocation-shared';
import type { MetricsService } from '../observe';
import { errorBody } from './outcome';
import type { ResolvedVersion } from '../routing';

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

export type { InvocationDeps } from './invocation-shared';

/**
 * Synchronous invocation of event functions: qualifier → version →
 * admission (432/429) → runtime instance → result, with the spec's status
 * codes and error bodies; every call, throttles included, leaves a log record.
 */
export class InvocationService {
  private readonly gate: ScaleOutGate;

  constructor(private readonly deps: InvocationDeps) {
    this.gate = new ScaleOutGate(deps.runtime, deps.admission);
  }

  async invokeSync(req: SyncInvokeRequest): Promise<InvocationResult> {
    const { resolver, runtime, admission } = this.deps;
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

    const requestId = newRequestId();
    const startTime = Date.now();
    const lease = admission.tryAcquire({ namespace: resolved.namespace, functionName: resolved.functionName, memoryMb: resolved.config.memorySize });
    if (!lease.ok) return this.finish(resolved, requestId, startTime, notRun(lease.statusCode, lease.reason));
    let running: ReturnType<MetricsService['begin']> = null;
    let entered = false;
    try {
      // Only calls that need a new instance spend burst tokens (see ScaleOutGate).
      if (!this.gate.enter(resolved, 1, startTime)) {
        return this.finish(resolved, requestId, startTime, notRun(429, 'scale-out speed limit reached (new instances per minute)'));
      }
      entered = true;
      running = this.deps.metrics.begin(resolved, startTime);
      const outcome = await runtime.invoke({ requestId, event, spec: specOf(resolved, this.deps) }, req.signal);
      return this.finish(resolved, requestId, startTime, outcome);
    } finally {
      if (entered) this.gate.leave(resolved.key);
      this.deps.metrics.end(running);
      lease.release();
    }
  }

  /** Writes the log record, counts the call in the metrics and builds the API result. */
  private finish(resolved: ResolvedVersion, requestId: string, startTime: number, outcome: OutcomeLike): InvocationResult {
    const ok = outcome.statusCode === 200;
    const retMsg = ok ? (outcome.result ?? 'null') : '';
    // out_flow in characters, not UTF-8 bytes: equal for ASCII JSON, and O(1).
    const log = recordCall(this.deps, { resolved, requestId, startTime, outcome, ...(ok ? { retMsg } : {}), outFlowBytes: retMsg.length });
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
}
