/**
 * Async invocation (Invoke with InvocationType Event): checks the call,
 * then queues the event durably and answers its RequestId only after the
 * commit. Enqueues that arrive in the same event-loop turn share one
 * transaction and one sync of the queue's WAL (GroupCommit).
 */
import type { EnqueueResult, EventQueue, NewEvent } from '../../store';
import { ApiError } from '../errors';
import { newRequestId } from '../invoke';
import type { ResolvedVersion, VersionResolver } from '../routing';
import type { Clock } from './clock';
import { GroupCommit } from './group-commit';

/** Largest async event (spec §2: 128 KB). */
export const MAX_ASYNC_EVENT_BYTES = 128 * 1024;

/** How long one run of an async event of a function with AsyncRunEnable may last (spec §8: 24 h). */
export const ASYNC_RUN_MAX_MS = 24 * 60 * 60 * 1000;

/** The lease of one run of `resolved`'s async events: its time limit (the function's timeout, or 24 h in async execution mode) plus `marginMs`. */
export function leaseMsOf(resolved: ResolvedVersion, marginMs: number): number {
  return (resolved.asyncRunEnable ? ASYNC_RUN_MAX_MS : resolved.config.timeout * 1000) + marginMs;
}

export interface AsyncInvokeRequest {
  namespace: string;
  functionName: string;
  qualifier: string;
  /** The event as JSON text ('' = `{}`). */
  event: string;
}

export class AsyncEnqueuer {
  private readonly group: GroupCommit<NewEvent, EnqueueResult>;

  constructor(
    private readonly queue: EventQueue,
    private readonly resolver: VersionResolver,
    private readonly clock: Clock,
    private readonly options: { leaseMarginMs: number; maxPerFunction: number },
    /** Called after each commit that accepted events (the consumer's wake). */
    private readonly onCommitted: () => void,
  ) {
    this.group = new GroupCommit((events) => {
      const results = this.queue.enqueue(events, this.clock.now());
      if (results.includes('ok')) this.onCommitted();
      return results;
    });
  }

  /** Queues the event; resolves with its RequestId once it is on disk. */
  async enqueue(req: AsyncInvokeRequest): Promise<string> {
    const resolved = this.resolver.resolve(req.namespace, req.functionName, req.qualifier);
    if (resolved.config.type !== 'Event') {
      throw new ApiError('InvalidParameterValue.FunctionType', `Function ${req.functionName} is a web (HTTP) function; call it over HTTP instead.`);
    }
    const payload = req.event === '' ? '{}' : req.event;
    if (Buffer.byteLength(payload) > MAX_ASYNC_EVENT_BYTES) {
      throw new ApiError('InvalidParameter.RequestTooLarge', `The event is larger than ${MAX_ASYNC_EVENT_BYTES} bytes (the limit of an async invocation).`);
    }
    try {
      JSON.parse(payload);
    } catch {
      throw new ApiError('InvalidParameterValue.Param', 'The event must be a JSON document.');
    }
    const requestId = newRequestId();
    const result = await this.group.submit({
      requestId,
      namespace: req.namespace,
      functionName: req.functionName,
      qualifier: req.qualifier,
      payload,
      invokeType: 'Event',
      leaseMs: leaseMsOf(resolved, this.options.leaseMarginMs),
      traced: resolved.config.options.traceEnable === true,
    });
    if (result === 'full') {
      throw new ApiError('LimitExceeded.Quota', `The async queue of function ${req.functionName} already holds ${this.options.maxPerFunction} events.`);
    }
    return requestId;
  }

  /** Commits what is waiting now (shutdown). */
  flush(): void {
    this.group.flush();
  }
}
