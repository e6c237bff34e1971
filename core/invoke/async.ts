/**
 * The async entry point of the pipeline, beside `event.ts` (sync): runs one
 * queued event of an event function — same target, same executor, same
 * admit → run → release → record as every other call — with the attempt
 * number in its log record (RetryNum = attempt - 1). The queue's consumer
 * (core/async) decides what the outcome means for the event (ack, retry,
 * dead letter) from `OUTCOMES[kind].retry`.
 */
import type { ResolvedVersion } from '../routing';
import type { Ended, InvocationPipeline } from './pipeline';
import type { Targets } from './targets';

export interface QueuedCall {
  requestId: string;
  /** The event as JSON text. */
  event: string;
  /** 1 for the first run. */
  attempt: number;
}

export class AsyncInvocationRunner {
  constructor(
    private readonly targets: Targets,
    private readonly pipeline: InvocationPipeline,
    /** The time limit of one run in async execution mode (24 h). */
    private readonly asyncRunMaxMs: number,
  ) {}

  /**
   * Runs the event on `resolved` (an Event function; the enqueue checked
   * it). A function in async execution mode runs it with `asyncRunMaxMs` as
   * its time limit instead of its timeout. `signal` kills the run;
   * `stop` asks it to stop (graceful terminate, see EventCall.stop).
   * Never rejects.
   */
  async run(resolved: ResolvedVersion, call: QueuedCall, signal?: AbortSignal, stop?: AbortSignal): Promise<Ended> {
    const target = resolved.asyncRunEnable ? this.targets.asyncRunOf(resolved, this.asyncRunMaxMs) : this.targets.of(resolved);
    const { executor, spec } = target;
    const { ended } = await this.pipeline.call({
      target,
      requestId: call.requestId,
      startTime: Date.now(),
      retryNum: call.attempt - 1,
      run: async () => {
        const outcome = await executor.invoke({ requestId: call.requestId, spec, event: call.event, ...(stop ? { stop } : {}) }, signal);
        // Killed after the grace period of a graceful stop: the code did not stop when signalled (spec §8: 439).
        if (stop?.aborted && outcome.kind === 'canceled') {
          return { ...outcome, kind: 'process_exit', errorMessage: 'the function did not stop within the grace period after the signal; it was killed' };
        }
        return outcome;
      },
    });
    return ended;
  }
}
