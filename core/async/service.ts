/**
 * The async side of the platform as the control API sees it: Invoke with
 * InvocationType Event, event statuses (ListAsyncEvents,
 * GetAsyncEventStatus, GetRequestStatus of a queued event), the retry
 * policy (Get/UpdateFunctionEventInvokeConfig), isola's dead-letter queues
 * (list, re-drive). Owns the queue, its enqueuer and its consumer.
 */
import type { DeadLetterRecord, EventQueue, EventStatusRecord, FireResult, NewEvent, StatusQuery, TimerFiring } from '../../store';
import { ApiError } from '../errors';
import { DEFAULT_ASYNC_RETRY, readAsyncTriggerConfig, type AsyncRetryConfig, type FunctionService } from '../functions';
import { newRequestId, type ApigwAnswer, type ApigwRequest, type AsyncInvocationRunner, type InvokeTarget } from '../invoke';
import type { HttpTrigger, VersionResolver } from '../routing';
import type { Clock } from './clock';
import { AsyncConsumer, type ConsumerOptions } from './consumer';
import { AsyncEnqueuer, leaseMsOf, type AsyncInvokeRequest } from './enqueue';
import { queueTriggerCall } from './trigger-call';

/** The async queue's figures (GET /metrics). */
export interface AsyncQueueStats {
  depth: number;
  commits: number;
  syncs: number;
  enqueued: number;
  running: number;
}

export interface AsyncServiceOptions extends ConsumerOptions {
  maxPerFunction: number;
}

/** A timer trigger's firing as the scheduler (core/timers) asks for it. */
export interface TimerFiringRequest {
  /** The trigger's record key in the queue (its last fired time). */
  timerKey: string;
  scheduledAt: number;
  namespace: string;
  functionName: string;
  qualifier: string;
  /** The event as JSON text. */
  payload: string;
}

export class AsyncService {
  readonly consumer: AsyncConsumer;
  private readonly enqueuer: AsyncEnqueuer;
  private closing: Promise<void> | undefined;

  constructor(
    readonly queue: EventQueue,
    private readonly functions: FunctionService,
    private readonly resolver: VersionResolver,
    runner: AsyncInvocationRunner,
    readonly clock: Clock,
    private readonly options: AsyncServiceOptions,
  ) {
    this.consumer = new AsyncConsumer(queue, resolver, runner, clock, options);
    this.enqueuer = new AsyncEnqueuer(queue, resolver, clock, options, () => this.consumer.wake());
  }

  start(): void {
    this.consumer.start();
  }

  /** Queues an event; its RequestId once it is durable. */
  enqueue(req: AsyncInvokeRequest): Promise<string> {
    return this.enqueuer.enqueue(req);
  }

  /**
   * A call through an HTTP trigger of a function in async execution mode:
   * its integration-request event is queued with `requestId` and answered
   * `202 Accepted` once durable, or refused with the data plane's status
   * (trigger-call.ts).
   */
  queueTriggerCall(target: InvokeTarget, trigger: HttpTrigger, request: ApigwRequest, requestId: string): Promise<ApigwAnswer> {
    return queueTriggerCall((req) => this.enqueuer.enqueue(req), target, trigger, request, requestId);
  }

  /**
   * True when the function runs in async execution mode (AsyncRunEnable,
   * fixed at creation): every call of it, a synchronous Invoke too, is
   * queued as an async event and answered at once with its RequestId
   * (spec §8). ResourceNotFound.Function / .Qualifier like an invocation.
   */
  runsAsync(namespace: string, functionName: string, qualifier: string): boolean {
    return this.resolver.resolve(namespace, functionName, qualifier).asyncRunEnable;
  }

  /**
   * Timer firings: each enqueues an async event (InvokeType `Timer`) and
   * records its scheduled time as the timer's last firing, all in one
   * durable commit — so a crash leaves both or neither, and a time already
   * fired is never fired again ('duplicate'). A firing whose function
   * cannot take it (deleted, a web function, a missing qualifier) only
   * records the time ('skipped', said in the server log).
   */
  fireTimers(requests: readonly TimerFiringRequest[]): FireResult[] {
    if (requests.length === 0) return [];
    const firings = requests.map((r): TimerFiring => ({ timerKey: r.timerKey, scheduledAt: r.scheduledAt, ...this.timerEvent(r) }));
    const results = this.queue.fire(firings, this.clock.now());
    if (results.includes('ok')) this.consumer.wake();
    return results;
  }

  private timerEvent(r: TimerFiringRequest): { event?: NewEvent } {
    try {
      const resolved = this.resolver.resolve(r.namespace, r.functionName, r.qualifier);
      if (resolved.config.type !== 'Event') throw new Error('it is a web (HTTP) function');
      const event: NewEvent = {
        requestId: newRequestId(), namespace: r.namespace, functionName: r.functionName, qualifier: r.qualifier,
        payload: r.payload, invokeType: 'Timer', leaseMs: leaseMsOf(resolved, this.options.leaseMarginMs),
        traced: resolved.config.options.traceEnable === true,
      };
      return { event };
    } catch (err) {
      console.error(`[timer] ${r.namespace}/${r.functionName}:${r.qualifier} cannot take the firing of ${new Date(r.scheduledAt).toISOString()}: ${(err as Error).message}`);
      return {};
    }
  }

  /** One event's status, checked to belong to the function when one is named; ResourceNotFound.AsyncEvent. */
  status(namespace: string, requestId: string, functionName?: string): EventStatusRecord {
    const found = this.queue.status(namespace, requestId);
    if (!found || (functionName !== undefined && found.functionName !== functionName)) {
      throw new ApiError('ResourceNotFound.AsyncEvent', `Async event ${requestId} does not exist.`);
    }
    return found;
  }

  /** The status of an async event, or undefined when `requestId` is not one (GetRequestStatus falls back to it). */
  findStatus(namespace: string, functionName: string, requestId: string): EventStatusRecord | undefined {
    const found = this.queue.status(namespace, requestId);
    return found && found.functionName === functionName ? found : undefined;
  }

  /**
   * TerminateAsyncEvent: the event leaves the queue and is recorded ABORTED
   * in one durable commit (a crash after the answer does not run it again),
   * then its run, if one is in progress here, is ended: at once (the
   * executor ends it as canceled, 499 in its log), or with `graceful`
   * (GraceShutdown) signalled first — SIGTERM to a process, the `abort`
   * event of `context.signal` in an isolate, `[PLATFORM] Signal received
   * successfully` in its log — and killed after the grace period if it
   * still runs (439). An event that already ended:
   * FailedOperation.AsyncEventStatus.
   */
  terminate(namespace: string, functionName: string, requestId: string, graceful = false): void {
    const current = this.status(namespace, requestId, functionName);
    if (current.status !== 'RUNNING' || !this.queue.abort(namespace, requestId, this.clock.now())) {
      throw new ApiError('FailedOperation.AsyncEventStatus', `Async event ${requestId} is ${this.status(namespace, requestId).status}; it can no longer be terminated.`);
    }
    this.consumer.abortRun(requestId, graceful);
  }

  listStatus(query: StatusQuery): { total: number; items: EventStatusRecord[] } {
    return this.queue.listStatus(query);
  }

  /** GetFunctionEventInvokeConfig: the version's policy (the defaults when never set). */
  retryConfig(namespace: string, functionName: string, qualifier: string): AsyncRetryConfig {
    return this.functions.get(namespace, functionName, qualifier).config.options.asyncRetry ?? DEFAULT_ASYNC_RETRY;
  }

  /** UpdateFunctionEventInvokeConfig: `$LATEST`'s policy from an AsyncTriggerConfig. */
  updateRetryConfig(namespace: string, functionName: string, asyncTriggerConfig: unknown): void {
    this.functions.updateAsyncRetry(namespace, functionName, (current) => readAsyncTriggerConfig(asyncTriggerConfig, current));
  }

  listDeadLetters(queue: string | undefined, offset: number, limit: number): { total: number; items: DeadLetterRecord[] } {
    return this.queue.listDeadLetters(queue, offset, limit);
  }

  /** Moves a dead-letter queue's events (all, or those ids) back to their functions; they run again from attempt 1. */
  redrive(queue: string, ids?: readonly number[]): DeadLetterRecord[] {
    const moved = this.queue.redrive(queue, ids, this.clock.now());
    if (moved.length > 0) this.consumer.wake();
    return moved;
  }

  /** Queue depth, commits, enqueued events and running ones (GET /metrics). */
  stats(): AsyncQueueStats {
    return { ...this.queue.stats(), running: this.consumer.running };
  }

  /** Stops consuming, commits pending enqueues and settles, closes the queue. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.enqueuer.flush();
      await this.consumer.stop();
      this.queue.close();
    })();
    return this.closing;
  }
}
