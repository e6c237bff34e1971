/**
 * The one invocation pipeline. Every call — sync Invoke, an HTTP request, a
 * WebSocket connection, and later an async event or a timer — goes through
 * `call()`:
 *
 *   admit   the capacity owner says yes, or throttled (432) / scale-limited (429)
 *   run     the target's executor runs it (placement is the executor's: a
 *           warm instance with a free slot, else a cold start)
 *   release the capacity ticket goes back, whatever happened
 *   record  one log record and one metrics record, whatever the ending
 *
 * and ends in one `Outcome` (core/outcomes) that the caller turns into its
 * answer. Synchronous up to the executor's call; nothing here touches the
 * disk (logs and metrics are batched by their services).
 */
import type { ExecutorOutcome } from '../../executor';
import type { CapacityOwner, CapacityTicket } from '../capacity';
import type { InvocationOutcome, LogService, MetricsService } from '../observe';
import { OUTCOMES, type Outcome } from '../outcomes';
import type { InvokeTarget } from './targets';

/**
 * How a call ended, as the pipeline records it: an executor's outcome is
 * one as it is (no copy on the request path); the platform's own endings
 * (throttles, the gateway's decisions) widen `kind` to any `Outcome`.
 */
export interface Ended extends Omit<ExecutorOutcome, 'kind' | 'instanceId'> {
  kind: Outcome;
}

/** One call through the pipeline. */
export interface CallPlan<O extends ExecutorOutcome> {
  target: InvokeTarget;
  requestId: string;
  /** Epoch ms when the call arrived. */
  startTime: number;
  /** Runs the call on `target.executor`. Must not reject (executors never do). */
  run(ticket: CapacityTicket): Promise<O>;
  /**
   * Last word before the record: what the caller saw on its side wins over
   * the executor's outcome (the gateway: client gone, body too large, how a
   * WebSocket closed). `executed` is undefined when the call never ran.
   */
  settle?(ended: Ended, executed: O | undefined): Ended;
  /** Render and return the log text (the API's Tail log); the data plane does not. */
  withLog?: boolean;
  /** Bytes returned to the caller (out_flow), from the executor's outcome. */
  outFlowOf?(executed: O): number;
  /** Runs of the same event before this one (async events: attempt - 1); the log's RetryNum. */
  retryNum?: number;
}

export interface CallResult<O extends ExecutorOutcome> {
  ended: Ended;
  /** The executor's own outcome, when the call ran. */
  executed: O | undefined;
  /** The rendered log (when `withLog`), else ''. */
  log: string;
}

export interface PipelineDeps {
  capacity: CapacityOwner;
  logs: LogService;
  metrics: MetricsService;
}

export class InvocationPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  /** Admits, runs, releases and records one call. Never rejects. */
  async call<O extends ExecutorOutcome>(plan: CallPlan<O>): Promise<CallResult<O>> {
    const { target, startTime } = plan;
    const decision = this.deps.capacity.enter(target, startTime);
    if (!decision.ok) return this.finish(plan, notRun(decision.outcome, decision.reason), undefined, 0);
    const running = this.deps.metrics.begin(target.resolved, startTime);
    let executed: O | undefined;
    let ended: Ended;
    try {
      executed = await plan.run(decision.ticket);
      ended = executed;
    } catch (err) {
      // Executors never reject by contract; a bug there must still end the call as one outcome.
      ended = { ...notRun('internal', `executor fault: ${(err as Error).message}`), durationMs: Date.now() - startTime };
    } finally {
      decision.ticket.release();
      this.deps.metrics.end(running);
    }
    return this.finish(plan, ended, executed, executed !== undefined && plan.outFlowOf ? plan.outFlowOf(executed) : 0);
  }

  /**
   * Records a call that ended before it could run (the gateway refused its
   * body, the client left while it was arriving): one log record and its
   * metrics, so it shows in GetFunctionLogs like any other call.
   */
  refused(target: InvokeTarget, requestId: string, startTime: number, outcome: Outcome, message: string): void {
    this.record(target, requestId, startTime, notRun(outcome, message), 0, false);
  }

  private finish<O extends ExecutorOutcome>(plan: CallPlan<O>, ended: Ended, executed: O | undefined, outFlowBytes: number): CallResult<O> {
    const final = plan.settle ? plan.settle(ended, executed) : ended;
    const log = this.record(plan.target, plan.requestId, plan.startTime, final, outFlowBytes, plan.withLog === true, plan.retryNum ?? 0);
    return { ended: final, executed, log };
  }

  /** Counts the call in the metrics and queues its log record; returns the log text when asked. */
  private record(target: InvokeTarget, requestId: string, startTime: number, ended: Ended, outFlowBytes: number, withLog: boolean, retryNum = 0): string {
    const { resolved } = target;
    const statusCode = OUTCOMES[ended.kind].status;
    this.deps.metrics.record(
      resolved,
      startTime + ended.durationMs,
      statusCode,
      ended.durationMs,
      ended.memUsageBytes,
      resolved.config.memorySize,
      ended.coldStart?.totalMs,
      outFlowBytes,
    );
    const record: InvocationOutcome = {
      requestId,
      namespace: resolved.namespace,
      functionName: resolved.functionName,
      qualifier: resolved.alias ?? resolved.version,
      version: resolved.version,
      alias: resolved.alias ?? null,
      startTime,
      durationMs: ended.durationMs,
      memoryMb: resolved.config.memorySize,
      memUsageBytes: ended.memUsageBytes,
      statusCode,
      retryNum,
      ...(ended.errorStack || ended.errorMessage ? { errorMessage: ended.errorStack || ended.errorMessage } : {}),
      ...(ended.kind === 'ok' && ended.result !== undefined ? { retMsg: ended.result } : {}),
      ...(ended.coldStart ? { coldStart: ended.coldStart } : {}),
      lines: ended.logs,
    };
    if (withLog) return this.deps.logs.recordInvocation(record);
    this.deps.logs.queueInvocation(record);
    return '';
  }
}

/** The end of a call that never ran. */
export function notRun(kind: Outcome, reason: string): Ended {
  return { kind, durationMs: 0, memUsageBytes: 0, logs: [], errorMessage: reason };
}
