/**
 * The async event queue's interface (DESIGN.md: enqueue batch, lease, ack,
 * nack with delay, dead-letter, list). core/async speaks only this, so a
 * distributed backend can replace the embedded SQLite one (`sqlite-queue.ts`)
 * without touching the pipeline. Times are epoch ms.
 *
 * Semantics every implementation keeps:
 * - `enqueue` returns only when the batch is durable (committed and synced);
 *   each item is accepted or refused (its function's queue is full), never
 *   dropped silently.
 * - An event is invisible from `lease` until its lease ends (`visibleAt`):
 *   a consumer that dies mid-run loses the lease and the event runs again
 *   with the next attempt number (at-least-once).
 * - `settle` applies many endings in one commit: ack (delete, final status),
 *   retry (visible again later), dead-letter (moved to a queue or to another
 *   function's queue, or only recorded as failed).
 */

/** An event as it enters the queue. */
export interface NewEvent {
  requestId: string;
  namespace: string;
  functionName: string;
  qualifier: string;
  /** The event as JSON text. */
  payload: string;
  /** `Event` (Invoke), `DeadLetter` (a dead-lettered event passed on), `Redrive`… shown as AsyncEvent.InvokeType. */
  invokeType: string;
  /** How long one lease lasts: the function's timeout plus a margin. */
  leaseMs: number;
  /** The function's TraceEnable: its final status is kept for the long retention (default true). */
  traced?: boolean;
}

export type EnqueueResult = 'ok' | 'full';

/** A leased event. */
export interface LeasedEvent extends NewEvent {
  id: number;
  enqueuedAt: number;
  /** This run's number, 1 for the first (RetryNum = attempt - 1). */
  attempt: number;
  /** Failed runs the retry policy counted so far. */
  failures: number;
  /** Throttled runs so far (not failures; they set the back-off of the next try). */
  throttles: number;
  lastError: string | null;
}

export type EventStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'ABORTED';

/** Where a dead-lettered event goes. */
export type DeadLetterTarget =
  | { kind: 'queue'; queue: string }
  | { kind: 'function'; event: NewEvent }
  | { kind: 'none' };

/**
 * How a run ends for its event. `id` and `requestId` name the event
 * together: a settle whose event is gone (terminated meanwhile) must not
 * touch a newer event that re-used its row id.
 */
export type SettleOp = { id: number; requestId: string } & (
  /** Done: delete it, final status. */
  | { kind: 'ack'; status: EventStatus; statusCode: number }
  /** Run it again at `visibleAt`. A throttle gives its attempt number back and counts a throttle; a counted failure counts one. */
  | { kind: 'retry'; visibleAt: number; as: 'failure' | 'throttle' | 'uncounted'; statusCode: number; error: string }
  /** Retries exhausted or too old: delete it, record FAILED, pass it to `target`. */
  | { kind: 'dead'; statusCode: number; error: string; target: DeadLetterTarget }
);

/** One row of async event status (ListAsyncEvents, GetAsyncEventStatus). */
export interface EventStatusRecord {
  requestId: string;
  namespace: string;
  functionName: string;
  qualifier: string;
  invokeType: string;
  status: EventStatus;
  /** The last run's status code; 0 while none ended. */
  statusCode: number;
  /** When it was accepted. */
  startTime: number;
  /** When it reached its final status; null while RUNNING. */
  endTime: number | null;
  /** Runs started so far. */
  attempt: number;
  error: string | null;
}

export interface StatusQuery {
  namespace: string;
  functionName: string;
  qualifier?: string;
  invokeTypes?: string[];
  statuses?: EventStatus[];
  requestId?: string;
  startFrom?: number;
  startTo?: number;
  endFrom?: number;
  endTo?: number;
  orderBy: 'start_time' | 'end_time';
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** An event in an isola dead-letter queue. */
export interface DeadLetterRecord extends NewEvent {
  id: number;
  queue: string;
  enqueuedAt: number;
  failedAt: number;
  attempts: number;
  statusCode: number;
  error: string;
}

/**
 * One firing of a timer trigger: the event it enqueues (none when the
 * scheduler could not build one — the function is gone or not an event
 * function — and the scheduled time is only recorded as passed).
 */
export interface TimerFiring {
  timerKey: string;
  /** The scheduled time it fires for (epoch ms). */
  scheduledAt: number;
  event?: NewEvent;
}

/**
 * 'ok': enqueued and recorded; 'full': the function's queue is full, only
 * the time is recorded (the firing is lost, said in the server log);
 * 'skipped': no event, the time recorded; 'duplicate': this time (or a
 * later one) was already fired, nothing done.
 */
export type FireResult = EnqueueResult | 'skipped' | 'duplicate';

export interface QueueStats {
  /** Events waiting or running, all functions. */
  depth: number;
  /** Transactions committed (enqueues, leases, settles, prunes). */
  commits: number;
  /** Commits that synced the WAL (enqueues and re-drives: what an API answer acknowledges). */
  syncs: number;
  /** Events accepted by `enqueue`. */
  enqueued: number;
}

export interface EventQueue {
  /** Commits the batch in one transaction (one sync); per item 'ok' or 'full' (its function holds `maxPerFunction`). */
  enqueue(events: readonly NewEvent[], now: number): EnqueueResult[];
  /**
   * Up to `limit` visible events in the order they became visible (first
   * tries in enqueue order, a retry when its back-off ends); each becomes
   * invisible for its `leaseMs` and its attempt grows by one.
   */
  lease(now: number, limit: number): LeasedEvent[];
  /** Applies the endings in one transaction. */
  settle(ops: readonly SettleOp[], now: number): void;
  /**
   * Timer firings in one durable transaction: each enqueues its event and
   * records its scheduled time as the timer's last fired time, together —
   * unless that time is not after the one recorded ('duplicate').
   */
  fire(firings: readonly TimerFiring[], now: number): FireResult[];
  /** The last scheduled time each timer fired for (those that ever fired). */
  lastFired(timerKeys: readonly string[]): Map<string, number>;
  /** Drops the records of timers that no longer exist. */
  forgetTimers(keep: ReadonlySet<string>): number;
  /** Removes a waiting or running event and records it ABORTED (durable); false when it is not queued. */
  abort(namespace: string, requestId: string, now: number): boolean;
  /** When the next invisible event becomes visible (epoch ms), or undefined when the queue is empty. */
  nextVisibleAt(): number | undefined;
  /** Events queued for one function (waiting or running). */
  depthOf(namespace: string, functionName: string): number;
  status(namespace: string, requestId: string): EventStatusRecord | undefined;
  listStatus(query: StatusQuery): { total: number; items: EventStatusRecord[] };
  /** Drops final statuses that ended before `before`, and those of untraced events that ended before `untracedBefore`; returns how many. */
  pruneStatus(before: number, untracedBefore: number): number;
  listDeadLetters(queue: string | undefined, offset: number, limit: number): { total: number; items: DeadLetterRecord[] };
  /** Moves dead letters back into their functions' queues (same RequestIds, attempts from 1); returns what moved. */
  redrive(queue: string, ids: readonly number[] | undefined, now: number): DeadLetterRecord[];
  stats(): QueueStats;
  close(): void;
}
