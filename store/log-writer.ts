/**
 * The batch writer that keeps invocation-log disk writes off the request
 * path (`LogWriter`). Tables: logs-repo.ts; options: log-writer-options.ts;
 * stats: log-writer-stats.ts; retry policy: log-writer-retry.ts; the worker
 * thread: log-writer-worker.ts, driven through log-writer-thread.ts.
 *
 * Write path. `LogWriter.append(record)` pushes onto an in-memory array: O(1),
 * synchronous, no I/O. A timer armed by the first pending record sends
 * everything pending as ONE batch `flushIntervalMs` later (default 50 ms), or
 * on the next event-loop turn once `maxBatch` records are pending. The batch
 * is written in one transaction by a worker thread holding its own
 * connection (log-writer-worker.ts), so the gateway's event loop never waits
 * for SQLite: measured here, a commit costs ~10-20 µs per invocation record
 * and a batch of 1000 took 10-90 ms, time the event loop would otherwise
 * stall for. Until the worker has opened the
 * database (~50 ms after start), and for in-memory databases, batches are
 * written inline. A record is durable when its transaction commits: the
 * database runs WAL with `synchronous=NORMAL`, so a committed transaction
 * survives a crash of the process (a power loss may drop the last commits).
 * `onCommit` runs on the caller's thread after each commit with the records
 * it made durable.
 *
 * Failed transactions are retried, never dropped. A batch whose transaction
 * fails (SQLITE_BUSY while another connection holds the write lock, a full
 * disk…) is tried again after 10 ms, doubling to every 1 s, for as long as
 * the writer is open, and the batches behind it wait: records an `append()`
 * accepted commit, in append order. `close()` keeps retrying until
 * `closeTimeoutMs` (10 s), then reports what it gives up on stderr
 * (`[logs] LOST …`, with the count and request ids). Memory stays bounded by
 * `maxPending`. Contract, exceptions and counters: log-writer-retry.ts.
 *
 * Crash-loss bound. A record appended at time t is committed by
 * t + flushIntervalMs + (event-loop lag before the timer fires) + (queue wait
 * in the worker) + (commit time). With the defaults and a worker that keeps
 * up, that is 50 ms + a commit of a few ms: a kill -9 loses at most the
 * records appended in the last ~55-60 ms (test/logs-durability.test.js
 * measures it; under load, add the commit p99 of `stats()`; while the
 * database refuses writes, add the time it has refused them). `maxAgeMs` in
 * the stats is the window actually observed (append → acknowledged commit).
 *
 * Retention. Every `pruneIntervalMs` (default 1 min) rows older than
 * `retentionMs` (default 7 days) are deleted from the front of both tables,
 * `pruneBatch` rows per transaction, on the worker (or inline, yielding to
 * the event loop between transactions), so a large backlog never blocks
 * requests.
 */
import { resolveLogWriterOptions, type LogWriterOptions } from './log-writer-options';
import { pruneStepwise, rowOf, type FromWorker, type ToWorker } from './log-writer-protocol';
import { Backoff, errorText, retryable } from './log-writer-retry';
import { WriterCounters, type LogWriterStats } from './log-writer-stats';
import { WriterThread } from './log-writer-thread';
import type { InvocationRecord, LogsRepo } from './logs-repo';

/** Longest flush() blocks, and flushAsync() waits, for batches to be acknowledged. */
const FLUSH_WAIT_MS = 10_000;
/** How long close() waits past its deadline for the worker to finish an attempt it is in the middle of. */
const CLOSE_GRACE_MS = 1000;
/** A word nothing notifies: Atomics.wait on it is a synchronous sleep (close() backing off inline). */
const SLEEP = new Int32Array(new SharedArrayBuffer(4));

/** Records cut from `pending` as one transaction; `seq` orders batches across both modes. */
interface Batch {
  seq: number;
  records: InvocationRecord[];
  oldestAt: number;
}

/**
 * Batches invocation records in memory and commits them off the request
 * path, retrying failed transactions (see the header of this file for
 * timing, retries and the crash-loss bound). `close()` writes what is
 * pending and stops; `destroy()` drops it.
 */
export class LogWriter {
  private readonly options: Readonly<LogWriterOptions>;
  private readonly counters: WriterCounters;
  private pending: InvocationRecord[] = [];
  private oldestPendingAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruning = false;
  private closed = false;
  /** The seq of the last batch cut from `pending`; `ackedSeq` (committed or given up) catches up with it. */
  private cutSeq = 0;
  private ackedSeq = 0;
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  // Inline writes.
  /** Batches cut and not yet written or handed to the worker, oldest first; while `retryTimer` is armed the head waits for its next attempt. */
  private queue: Batch[] = [];
  private queuedRecords = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly backoff = new Backoff();
  // Worker mode.
  private thread: WriterThread | null = null;
  /** Batches go to the worker only once it has opened the database; until then they are written inline. */
  private workerReady = false;
  private readonly started: Promise<void>;
  private markStarted: () => void = () => {};
  private postedSeq = 0;
  /** Batches handed to the worker and not yet acknowledged, in seq order. */
  private readonly inFlight = new Map<number, Batch>();
  private inFlightRecords = 0;

  constructor(
    private readonly repo: LogsRepo,
    options: Partial<LogWriterOptions> = {},
  ) {
    this.options = resolveLogWriterOptions(options);
    this.counters = new WriterCounters(this.options.now);
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    if (this.options.thread === 'worker' && repo.file !== null) {
      this.thread = new WriterThread(repo.file, (message) => this.onWorkerMessage(message), () => this.onWorkerExit());
    } else this.markStarted();
    if (this.options.pruneIntervalMs > 0 && this.options.retentionMs > 0) {
      this.pruneTimer = setInterval(() => this.pruneInBackground(), this.options.pruneIntervalMs);
      this.pruneTimer.unref();
    }
  }

  get flushIntervalMs(): number {
    return this.options.flushIntervalMs;
  }

  /**
   * Resolves with the mode batches are written in once the worker thread has
   * opened the database (or failed to); until then batches are written inline.
   */
  async whenReady(): Promise<'worker' | 'inline'> {
    await this.started;
    return this.onWorker() ? 'worker' : 'inline';
  }

  /**
   * Queues a record: O(1), no I/O. Returns false when the record was refused
   * and counted in `dropped` (writer closed, or `maxPending` records already
   * held); a record accepted is written, retried for as long as the writer
   * is open.
   */
  append(record: InvocationRecord): boolean {
    if (this.closed || this.pending.length + this.queuedRecords + this.inFlightRecords >= this.options.maxPending) {
      this.counters.dropped(1);
      return false;
    }
    if (this.pending.length === 0) {
      this.oldestPendingAt = this.options.now();
      // Unref'd: pending records never keep a process alive; shutdown calls close().
      this.timer = setTimeout(() => this.send(), this.options.flushIntervalMs);
      this.timer.unref();
    }
    this.pending.push(record);
    if (this.pending.length >= this.options.maxBatch && !this.immediate) {
      this.immediate = setImmediate(() => this.send());
    }
    return true;
  }

  /**
   * Commits everything appended so far before returning (synchronous; for
   * shutdown and read-your-writes), trying a batch that is backing off once
   * more now. In worker mode the thread blocks until the worker has
   * committed, at most 10 s. What the database still refuses stays queued
   * and is retried.
   */
  flush(): void {
    this.cancelRetry();
    this.send();
    if (this.thread && this.workerReady) this.thread.waitFinished(this.postedSeq, Date.now() + FLUSH_WAIT_MS);
  }

  /**
   * Resolves once everything appended so far is committed (or given up at
   * close), without blocking the event loop (reads that must see the
   * caller's own invocations). Like flush(), waits at most 10 s: a read must
   * not hang while the database refuses writes (the records stay queued).
   */
  flushAsync(): Promise<void> {
    this.send();
    if (this.ackedSeq >= this.cutSeq) return Promise.resolve();
    const seq = this.cutSeq;
    // An awaited flush keeps the process alive until its batches are acknowledged.
    this.thread?.ref();
    this.retryTimer?.ref();
    return new Promise((resolve) => {
      const waiter = { seq, resolve };
      this.waiters.push(waiter);
      setTimeout(() => this.wake((w) => w === waiter), FLUSH_WAIT_MS).unref();
    });
  }

  /** Runs one full pruning pass now on the caller's connection (synchronous; tests and maintenance). Returns the rows removed. */
  prune(): { invocations: number; lines: number } {
    const total = { invocations: 0, lines: 0 };
    if (this.options.retentionMs <= 0) return total;
    const cutoff = this.options.now() - this.options.retentionMs;
    for (;;) {
      const step = this.repo.pruneStep(cutoff, this.options.pruneBatch);
      total.invocations += step.invocations;
      total.lines += step.lines;
      if (step.invocations < this.options.pruneBatch && step.lines < this.options.pruneBatch) break;
    }
    this.counters.pruned(total.invocations, total.lines);
    return total;
  }

  stats(): LogWriterStats {
    return this.counters.snapshot({
      thread: this.onWorker() ? 'worker' : 'inline',
      pending: this.pending.length + this.queuedRecords,
      inFlight: this.inFlightRecords,
    });
  }

  /**
   * Writes what is pending and stops the timers and the worker; later
   * appends are refused. Blocks while the database refuses a batch, retrying
   * with back-off for at most `closeTimeoutMs` (default 10 s); what is still
   * unwritten then is given up, reported on stderr and counted in `dropped`.
   * Idempotent.
   */
  close(): void {
    if (this.closed) return;
    const deadline = Date.now() + this.options.closeTimeoutMs;
    this.closed = true;
    this.cancelRetry();
    this.clearFlushTimers();
    this.cutPending();
    this.writeQueueBy(deadline);
    if (this.thread) {
      // The worker retries what it holds until the deadline, then gives the rest up and says so.
      this.thread.close(deadline, this.inFlight.size > 0 ? deadline + CLOSE_GRACE_MS : null);
      this.thread = null;
      for (const batch of this.inFlight.values()) this.giveUp(batch, 'the log writer thread had not finished it by the close deadline');
      this.inFlight.clear();
      this.inFlightRecords = 0;
    }
    this.stop();
  }

  /** Stops at once, dropping what is pending, waiting for a retry or being written. Idempotent. */
  destroy(): void {
    this.counters.dropped(this.pending.length + this.queuedRecords + this.inFlightRecords);
    this.pending = [];
    this.queue = [];
    this.queuedRecords = 0;
    this.inFlight.clear();
    this.inFlightRecords = 0;
    this.cancelRetry();
    this.stop();
    this.thread?.terminate();
    this.thread = null;
  }

  private onWorker(): boolean {
    return this.thread !== null && this.workerReady;
  }

  /** Cuts what is pending into a batch and writes it: handed to the worker, or committed here in inline mode. */
  private send(): void {
    this.clearFlushTimers();
    this.cutPending();
    // While backing off, the retry timer writes the queue, head first.
    if (!this.retryTimer) this.writeQueueOrRetryLater();
  }

  private cutPending(): void {
    if (this.pending.length === 0) return;
    const batch: Batch = { seq: ++this.cutSeq, records: this.pending, oldestAt: this.oldestPendingAt };
    this.pending = [];
    this.queue.push(batch);
    this.queuedRecords += batch.records.length;
  }

  /**
   * Empties the queue in order: each batch handed to the worker once it is
   * ready, else committed here. Stops at the first batch whose transaction
   * failed with an error worth retrying and returns that error (the batch
   * stays at the head); a batch refused for its content is given up.
   */
  private writeQueue(): unknown {
    while (this.queue.length > 0) {
      const batch = this.queue[0]!;
      if (this.onWorker()) {
        this.dequeue();
        this.backoff.reset(); // the worker keeps its own
        this.post(batch);
        continue;
      }
      const started = performance.now();
      try {
        this.repo.writeBatch(batch.records);
      } catch (err) {
        if (retryable(err)) return err;
        this.dequeue();
        this.counters.failed(batch.seq, batch.records.length, this.backoff.fail(), errorText(err), null);
        this.backoff.reset();
        this.giveUp(batch, `the database refused the batch for its content (${errorText(err)})`);
        continue;
      }
      this.dequeue();
      this.backoff.reset();
      this.committed(batch, performance.now() - started);
    }
    return undefined;
  }

  /** writeQueue(); on a failure, arms the back-off timer that tries the same batch again (the writer is open: no deadline). */
  private writeQueueOrRetryLater(): void {
    const err = this.writeQueue();
    if (err === undefined) return;
    const head = this.queue[0]!;
    const delay = this.backoff.fail();
    this.counters.failed(head.seq, head.records.length, this.backoff.attempts, errorText(err), delay);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.writeQueueOrRetryLater();
    }, delay);
    // Like pending records, a retry never keeps a process alive by itself; an awaited flushAsync() does.
    if (this.waiters.length === 0) this.retryTimer.unref();
  }

  /** close(): writeQueue() with synchronous back-off until `deadline`, then gives up what is left. */
  private writeQueueBy(deadline: number): void {
    for (;;) {
      const err = this.writeQueue();
      if (err === undefined) return;
      const head = this.queue[0]!;
      const delay = this.backoff.fail();
      const left = deadline - Date.now();
      const retryInMs = left > 0 ? Math.min(delay, left) : null;
      this.counters.failed(head.seq, head.records.length, this.backoff.attempts, errorText(err), retryInMs);
      if (retryInMs === null) {
        this.backoff.reset();
        const reason = `the close deadline passed while the database refused the batch (${errorText(err)})`;
        for (const batch of this.queue.splice(0)) this.giveUp(batch, reason);
        this.queuedRecords = 0;
        return;
      }
      Atomics.wait(SLEEP, 0, 0, retryInMs);
    }
  }

  private dequeue(): void {
    this.queuedRecords -= this.queue.shift()!.records.length;
  }

  private post(batch: Batch): void {
    this.postedSeq = batch.seq;
    this.inFlight.set(batch.seq, batch);
    this.inFlightRecords += batch.records.length;
    this.thread!.post({ type: 'batch', seq: batch.seq, rows: batch.records.map(rowOf) } satisfies ToWorker);
  }

  private cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private onWorkerMessage(message: FromWorker): void {
    if (message.type === 'ready') {
      this.workerReady = this.thread !== null;
      if (this.waiters.length === 0) this.thread?.unref();
      this.markStarted();
      return;
    }
    if (message.type === 'unavailable') {
      if (!this.closed) console.error(`[logs] log writer thread unavailable, writing on the main thread: ${message.error}`);
      this.thread?.release();
      this.thread = null;
      this.markStarted();
      return;
    }
    if (message.type === 'pruned') {
      this.pruning = false;
      this.counters.pruned(message.invocations, message.lines);
      if (message.error) console.error(`[logs] pruning failed: ${message.error}`);
      return;
    }
    if (message.type === 'failed') {
      this.counters.failed(message.seq, message.records, message.attempt, message.error, message.retryInMs, message.at);
      return;
    }
    const batch = this.inFlight.get(message.seq);
    if (!batch) return;
    this.inFlight.delete(message.seq);
    this.inFlightRecords -= batch.records.length;
    if (message.error !== undefined) this.giveUp(batch, message.error);
    else this.committed(batch, message.commitMs);
  }

  /**
   * The worker thread died (its last messages delivered). What it still held
   * did not commit — unless it died between a COMMIT and its ack, a window
   * of microseconds, when those records are written twice — so it is taken
   * back and written here, before anything appended since.
   */
  private onWorkerExit(): void {
    this.thread = null;
    const held = [...this.inFlight.values()];
    this.inFlight.clear();
    this.inFlightRecords = 0;
    this.queue.unshift(...held);
    for (const batch of held) this.queuedRecords += batch.records.length;
    this.markStarted();
    console.error(`[logs] log writer thread exited; writing on the main thread from now on (${held.length} batches taken back)`);
    if (!this.retryTimer) this.writeQueueOrRetryLater();
  }

  /** A batch is lost for good: counted, reported loudly, acknowledged. */
  private giveUp(batch: Batch, reason: string): void {
    this.counters.lost(batch.seq, batch.records, reason);
    this.acknowledged(batch.seq);
  }

  private committed(batch: Batch, commitMs: number): void {
    this.counters.committed(batch.seq, batch.records, commitMs, batch.oldestAt);
    this.options.onCommit?.(batch.records, { commitMs });
    this.acknowledged(batch.seq);
  }

  /** Batch `seq` is finished (batches finish in seq order): resolves the flushAsync() callers waiting for it. */
  private acknowledged(seq: number): void {
    this.ackedSeq = Math.max(this.ackedSeq, seq);
    if (this.waiters.length > 0) this.wake((waiter) => waiter.seq <= this.ackedSeq);
  }

  /** Resolves the flushAsync() callers `due` selects; lets the process exit when none is left waiting. */
  private wake(due: (waiter: { seq: number }) => boolean): void {
    const waiting = [];
    for (const waiter of this.waiters) {
      if (due(waiter)) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
    if (waiting.length > 0) return;
    if (this.workerReady) this.thread?.unref();
    this.retryTimer?.unref();
  }

  private stop(): void {
    this.closed = true;
    this.wake(() => true);
    this.thread?.unref();
    this.markStarted();
    this.clearFlushTimers();
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = null;
  }

  private clearFlushTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  /** One pruning pass off the request path: on the worker, or here one small transaction per event-loop turn. */
  private pruneInBackground(): void {
    if (this.pruning || this.closed) return;
    this.pruning = true;
    const cutoff = this.options.now() - this.options.retentionMs;
    if (this.thread && this.workerReady) {
      this.thread.post({ type: 'prune', cutoff, batch: this.options.pruneBatch } satisfies ToWorker);
      return;
    }
    pruneStepwise(this.repo, cutoff, this.options.pruneBatch, () => this.closed, (result) => this.onWorkerMessage({ type: 'pruned', ...result }));
  }
}
