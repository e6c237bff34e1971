/**
 * The queue's consumer: leases visible events (up to `maxInFlight` running
 * at once), runs each through the one pipeline (core/invoke/async.ts), and
 * settles it by the retry policy (retry-policy.ts): ack, run again after a
 * back-off, or dead-letter. Settles of many events share one commit
 * (GroupCommit). Throttled events (the function's concurrency or reserved 0)
 * go back with a growing delay and keep their attempt number: they wait,
 * they do not fail.
 *
 * At-least-once: a lease lasts the function's timeout plus a margin; if the
 * process dies mid-run the event becomes visible again and the next start
 * runs it with the next attempt number. A settle lost in a crash does the
 * same. Wakes: after every enqueue commit (`wake()`), when a run ends, and
 * on a timer set to the next event's visibility (leases and back-offs), at
 * most `pollMs` apart. All times come from the injected clock.
 */
import type { DeadLetterTarget, EventQueue, LeasedEvent, NewEvent, SettleOp } from '../../store';
import { isApiError } from '../errors';
import { DEFAULT_ASYNC_RETRY, LATEST, type DeadLetterConfig } from '../functions';
import type { AsyncInvocationRunner, Ended } from '../invoke';
import { newRequestId } from '../invoke';
import { OUTCOMES } from '../outcomes';
import type { ResolvedVersion, VersionResolver } from '../routing';
import type { Clock } from './clock';
import { leaseMsOf } from './enqueue';
import { GroupCommit } from './group-commit';
import { decide, type BackoffOptions } from './retry-policy';

export interface ConsumerOptions extends BackoffOptions {
  maxInFlight: number;
  pollMs: number;
  /** Added to a function's timeout to make an event's lease. */
  leaseMarginMs: number;
  /** Final statuses of traced events (TraceEnable) are kept this long (3 days). */
  statusRetentionMs: number;
  /** Final statuses of untraced events are kept this long (1 h). */
  untracedStatusRetentionMs: number;
  /** A graceful terminate kills the run this long after the signal if it is still running. */
  graceShutdownMs: number;
}

const STATUS_PRUNE_EVERY_MS = 60_000;

export class AsyncConsumer {
  private inFlight = 0;
  private timer: unknown;
  private timerAt = Infinity;
  private tickQueued = false;
  private stopped = false;
  private lastPrune = 0;
  private readonly settles: GroupCommit<SettleOp, null>;
  private idleWaiters: Array<() => void> = [];
  /** The runs in progress here, by RequestId: TerminateAsyncEvent stops (`stop`, graceful) or kills (`kill`) them. */
  private readonly controllers = new Map<string, { kill: AbortController; stop: AbortController; graceTimer?: unknown }>();

  constructor(
    private readonly queue: EventQueue,
    private readonly resolver: VersionResolver,
    private readonly runner: AsyncInvocationRunner,
    private readonly clock: Clock,
    private readonly options: ConsumerOptions,
  ) {
    this.settles = new GroupCommit((ops) => {
      this.queue.settle(ops, this.clock.now());
      return ops.map(() => null);
    });
  }

  /** Starts consuming (events left by a previous process are visible once their lease passed). */
  start(): void {
    this.wake();
  }

  /** Looks for work soon (after an enqueue commit). Coalesced: many wakes in one turn are one tick. */
  wake(): void {
    if (this.tickQueued || this.stopped) return;
    this.tickQueued = true;
    setImmediate(() => {
      this.tickQueued = false;
      this.tick();
    });
  }

  /** Leases and starts what it can now, then sets the timer for the next visible event. */
  tick(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const free = this.options.maxInFlight - this.inFlight;
    if (free > 0) {
      let leased: LeasedEvent[] = [];
      try {
        leased = this.queue.lease(now, free);
      } catch (err) {
        console.error(`[async] lease failed: ${(err as Error).message}`);
      }
      for (const event of leased) void this.run(event);
    }
    this.prune(now);
    this.arm(now);
  }

  /** Resolves once nothing is running and every settle is committed (tests, shutdown). */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.settles.waiting === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops leasing; running events finish (or fail) and settle; resolves when they have. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    await this.idle();
    this.settles.flush();
  }

  get running(): number {
    return this.inFlight;
  }

  /**
   * Ends the run of `requestId` if it is running here; false otherwise.
   * Immediate: killed now (its executor ends it as canceled, 499).
   * `graceful`: signalled (SIGTERM / the handler's `context.signal`), killed
   * `graceShutdownMs` later if it still runs (then logged as 439).
   */
  abortRun(requestId: string, graceful = false): boolean {
    const run = this.controllers.get(requestId);
    if (!run) return false;
    if (!graceful) {
      run.kill.abort(new Error('terminated by TerminateAsyncEvent'));
      return true;
    }
    if (run.stop.signal.aborted) return true;
    run.stop.abort(new Error('terminated by TerminateAsyncEvent with GraceShutdown'));
    run.graceTimer = this.clock.setTimer(() => run.kill.abort(new Error('grace period over')), this.options.graceShutdownMs);
    return true;
  }

  private arm(now: number): void {
    if (this.inFlight >= this.options.maxInFlight) return; // the next run's end ticks
    const next = this.queue.nextVisibleAt();
    const at = Math.min(next ?? Infinity, now + this.options.pollMs);
    if (at >= this.timerAt && this.timer !== undefined) return;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timerAt = at;
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.tick();
    }, Math.max(0, at - now));
  }

  private async run(event: LeasedEvent): Promise<void> {
    this.inFlight += 1;
    try {
      const op = await this.attempt(event);
      await this.settles.submit(op).catch((err) => console.error(`[async] settle of ${event.requestId} failed (it will run again): ${(err as Error).message}`));
    } finally {
      this.inFlight -= 1;
      this.wake();
      if (this.inFlight === 0 && this.settles.waiting === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  /** Runs one leased event and returns how to settle it. */
  private async attempt(event: LeasedEvent): Promise<SettleOp> {
    let resolved: ResolvedVersion;
    try {
      resolved = this.resolver.resolve(event.namespace, event.functionName, event.qualifier);
    } catch (err) {
      // The function (or qualifier) was deleted while the event waited: nothing can run it.
      const why = isApiError(err) ? err.message : `cannot resolve the function: ${(err as Error).message}`;
      return { kind: 'dead', id: event.id, requestId: event.requestId, statusCode: OUTCOMES.internal.status, error: why, target: { kind: 'none' } };
    }
    const policy = resolved.config.options.asyncRetry ?? DEFAULT_ASYNC_RETRY;
    const deadLetter = resolved.config.options.deadLetter;
    if (this.clock.now() > event.enqueuedAt + policy.msgTtl * 1000) {
      const error = `maximum age ${policy.msgTtl} s passed before the event could run${event.lastError ? `; last error: ${event.lastError}` : ''}`;
      return this.dead(event, resolved, deadLetter, OUTCOMES.throttled.status, error);
    }
    let ended: Ended;
    const run = { kill: new AbortController(), stop: new AbortController(), graceTimer: undefined as unknown };
    this.controllers.set(event.requestId, run);
    try {
      ended = await this.runner.run(resolved, { requestId: event.requestId, event: event.payload, attempt: event.attempt }, run.kill.signal, run.stop.signal);
    } catch (err) {
      ended = { kind: 'internal', durationMs: 0, memUsageBytes: 0, logs: [], errorMessage: (err as Error).message };
    } finally {
      this.controllers.delete(event.requestId);
      if (run.graceTimer !== undefined) this.clock.clearTimer(run.graceTimer);
    }
    const now = this.clock.now();
    const row = OUTCOMES[ended.kind];
    // Async execution mode: no automatic retry (spec §8); a throttled event has not run and still waits.
    const decision = decide(ended.kind, event, policy, now, this.options, resolved.asyncRunEnable);
    if (decision.kind === 'done') return { kind: 'ack', id: event.id, requestId: event.requestId, status: 'FINISHED', statusCode: row.status };
    const error = ended.errorMessage ? `${row.status} ${row.name}: ${ended.errorMessage}` : `${row.status} ${row.name}`;
    if (decision.kind === 'retry') return { kind: 'retry', id: event.id, requestId: event.requestId, visibleAt: now + decision.delayMs, as: decision.as, statusCode: row.status, error };
    return this.dead(event, resolved, deadLetter, row.status, `${error} (${decision.why})`);
  }

  private dead(event: LeasedEvent, resolved: ResolvedVersion, config: DeadLetterConfig | undefined, statusCode: number, error: string): SettleOp {
    return { kind: 'dead', id: event.id, requestId: event.requestId, statusCode, error, target: this.deadLetterTarget(event, resolved, config, statusCode, error) };
  }

  /** Where the event goes: an isola queue, another function's queue (with its error), or nowhere (status FAILED only). */
  private deadLetterTarget(event: LeasedEvent, resolved: ResolvedVersion, config: DeadLetterConfig | undefined, statusCode: number, error: string): DeadLetterTarget {
    if (!config) return { kind: 'none' };
    if (config.type === 'QUEUE') return { kind: 'queue', queue: config.name };
    let target: ResolvedVersion;
    try {
      target = this.resolver.resolve(resolved.namespace, config.name, LATEST);
    } catch (err) {
      console.error(`[async] dead-letter function ${config.name} of ${event.functionName} cannot take event ${event.requestId}: ${(err as Error).message}`);
      return { kind: 'none' };
    }
    const letter: NewEvent = {
      requestId: newRequestId(),
      namespace: resolved.namespace,
      functionName: config.name,
      qualifier: LATEST,
      invokeType: 'DeadLetter',
      leaseMs: leaseMsOf(target, this.options.leaseMarginMs),
      traced: target.config.options.traceEnable === true,
      payload: JSON.stringify({
        Type: 'DeadLetter',
        RequestId: event.requestId,
        Namespace: event.namespace,
        FunctionName: event.functionName,
        Qualifier: event.qualifier,
        Attempts: event.attempt,
        Error: { StatusCode: statusCode, Message: error },
        Event: JSON.parse(event.payload) as unknown,
      }),
    };
    return { kind: 'function', event: letter };
  }

  private prune(now: number): void {
    if (now - this.lastPrune < STATUS_PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    try {
      this.queue.pruneStatus(now - this.options.statusRetentionMs, now - this.options.untracedStatusRetentionMs);
    } catch (err) {
      console.error(`[async] status pruning failed: ${(err as Error).message}`);
    }
  }
}
