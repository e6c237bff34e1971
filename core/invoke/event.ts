/**
 * Synchronous invocation of event functions (Invoke / InvokeFunction):
 * qualifier → version → target (its executor) → the pipeline → the API's
 * result. Every call that reaches the pipeline, throttles included, leaves
 * a log record; a call refused here (not runnable, bad event) answers an
 * API error and is not an invocation.
 */
import { ApiError } from '../errors';
import { OUTCOMES, errorBody, type Outcome } from '../outcomes';
import type { VersionResolver } from '../routing';
import type { InvocationPipeline } from './pipeline';
import { newRequestId } from './request-id';
import { NotRunnableError, type InvokeTarget, type Targets } from './targets';

/** Largest synchronous event (spec §2: 6 MB). */
export const MAX_SYNC_EVENT_BYTES = 6 * 1024 * 1024;

export interface SyncInvokeRequest {
  namespace: string;
  functionName: string;
  qualifier: string;
  /** The Invoke RoutingKey, parsed: what an alias's rules match against. */
  routingKeys?: Readonly<Record<string, string>>;
  /** The event as JSON text ('' = `{}`). */
  event: string;
  /** Abort when the caller goes away. */
  signal?: AbortSignal;
}

/** What Invoke/InvokeFunction report (the API's `Result`), in the platform's terms. */
export interface InvocationResult {
  requestId: string;
  outcome: Outcome;
  /** The API's InvokeResult: 0 on success, else the status code (core/outcomes). */
  invokeResult: number;
  /** JSON text of the handler's return value; '' on failure. */
  retMsg: string;
  /** The spec's error body on failure; '' on success. */
  errMsg: string;
  /** The invocation's log: START, Init Report (cold start), user lines, END, Report. */
  log: string;
  memUsageBytes: number;
  durationMs: number;
}

export class EventInvocationService {
  constructor(
    private readonly resolver: VersionResolver,
    private readonly targets: Targets,
    private readonly pipeline: InvocationPipeline,
  ) {}

  async invokeSync(req: SyncInvokeRequest): Promise<InvocationResult> {
    const resolved = this.resolver.resolve(req.namespace, req.functionName, req.qualifier, req.routingKeys);
    let target: InvokeTarget;
    try {
      target = this.targets.of(resolved);
    } catch (err) {
      if (err instanceof NotRunnableError) throw new ApiError('FailedOperation.InvokeFunction', err.message);
      throw err;
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
    const { executor, spec } = target;
    const { ended, log } = await this.pipeline.call({
      target,
      requestId,
      startTime: Date.now(),
      run: () => executor.invoke({ requestId, spec, event }, req.signal),
      // A handler that returned nothing answers JSON null.
      settle: (e) => (e.kind === 'ok' && e.result === undefined ? { ...e, result: 'null' } : e),
      // out_flow in characters, not UTF-8 bytes: equal for ASCII JSON, and O(1).
      outFlowOf: (o) => (o.kind === 'ok' ? (o.result ?? 'null').length : 0),
      withLog: true,
    });
    const ok = ended.kind === 'ok';
    return {
      requestId,
      outcome: ended.kind,
      invokeResult: OUTCOMES[ended.kind].invokeResult,
      retMsg: ok ? ended.result ?? 'null' : '',
      errMsg: ok ? '' : errorBody(ended.kind),
      log,
      memUsageBytes: ended.memUsageBytes,
      durationMs: ended.durationMs,
    };
  }
}
