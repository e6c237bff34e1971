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
   * its time limit instead of its timeout. Never rejects.
   */
  async run(resolved: ResolvedVersion, call: QueuedCall, signal?: AbortSignal): Promise<Ended> {
    const target = resolved.asyncRunEnable ? this.targets.asyncRunOf(resolved, this.asyncRunMaxMs) : this.targets.of(resolved);
    const { executor, spec } = target;
    const { ended } = await this.pipeline.call({
      target,
      requestId: call.requestId,
      startTime: Date.now(),
      retryNum: call.attempt - 1,
      run: () => executor.invoke({ requestId: call.requestId, spec, event: call.event }, signal),
    });
    return ended;
  }
}
