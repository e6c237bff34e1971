/**
 * The batch writer that keeps invocation-log disk writes off the request
 * path (`LogWriter`). Tables: logs-repo.ts; options and stats:
 * log-writer-options.ts; the worker thread: log-writer-worker.ts.
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
 * Crash-loss bound. A record appended at time t is committed by
 * t + flushIntervalMs + (event-loop lag before the timer fires) + (queue wait
 * in the worker) + (commit time). With the defaults and a worker that keeps
 * up, that is 50 ms + a commit of a few ms: a kill -9 loses at most the
 * records appended in the last ~55-60 ms (test/logs-durability.test.js
 * measures it; under load, add the commit p99 of `stats()`). `maxAgeMs` in
 * the stats is the window actually observed (append → acknowledged commit).
 *
 * Retention. Every `pruneIntervalMs` (default 1 min) rows older than
 * `retentionMs` (default 7 days) are deleted from the front of both tables,
 * `pruneBatch` rows per transaction, on the worker (or inline, yielding to
 * the event loop between transactions), so a large backlog never blocks
 * requests.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { resolveLogWriterOptions, type LogWriterOptions, type LogWriterStats } from './log-writer-options';
import { pruneStepwise, WORKER_ENTRY, type FromWorker, type ToWorker, type WorkerInit } from './log-writer-protocol';
import type { InvocationRecord, LogsRepo } from './logs-repo';

const LATENCY_SAMPLES = 1024;
/** Longest a synchronous flush waits for the worker before giving up on it. */
const FLUSH_WAIT_MS = 10_000;

/**
 * Batches invocation records in memory and commits them off the request
 * path (see the header of this file for timing and the crash-loss bound).
 * `close()` flushes and stops; `destroy()` drops what is pending.
 */
export class LogWriter {
  private readonly options: Readonly<LogWriterOptions>;
  private pending: InvocationRecord[] = [];
  private oldestPendingAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruning = false;
  private closed = false;
  // Worker mode.
  private worker: Worker | null = null;
  /** Batches go to the worker only once it has opened the database; until then they are written inline. */
  private workerReady = false;
  private readonly started: Promise<void>;
  private markStarted: () => void = () => {};
  private acks: MessagePort | null = null;
  private control: Int32Array | null = null;
  private sentSeq = 0;
  private ackedSeq = 0;
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  private readonly inFlight = new Map<number, { records: InvocationRecord[]; oldestAt: number }>();
  private inFlightRecords = 0;

  private readonly latencies = new Float64Array(LATENCY_SAMPLES);
  private readonly counters = {
    batches: 0,
    records: 0,
    lines: 0,
    dropped: 0,
    failedBatches: 0,
    lastBatchSize: 0,
    maxBatchSize: 0,
    lastCommitMs: 0,
    totalCommitMs: 0,
    maxCommitMs: 0,
    lastAgeMs: 0,
    maxAgeMs: 0,
    prunedInvocations: 0,
    prunedLines: 0,
  };

  constructor(
    private readonly repo: LogsRepo,
    options: Partial<LogWriterOptions> = {},
  ) {
    this.options = resolveLogWriterOptions(options);
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    if (this.options.thread === 'worker' && repo.file !== null) this.startWorker(repo.file);
    else this.markStarted();
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
    return this.worker && this.workerReady ? 'worker' : 'inline';
  }

  /**
   * Queues a record: O(1), no I/O. Returns false when the record was dropped
   * (writer closed, or `maxPending` records already held).
   */
  append(record: InvocationRecord): boolean {
    if (this.closed || this.pending.length + this.inFlightRecords >= this.options.maxPending) {
      this.counters.dropped++;
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
   * shutdown and read-your-writes). In worker mode the thread blocks until
   * the worker has committed, at most 10 s.
   */
  flush(): void {
    this.send();
    if (this.worker && this.workerReady && this.control && this.acks) {
      const target = this.sentSeq;
      const deadline = Date.now() + FLUSH_WAIT_MS;
      for (;;) {
        const done = Atomics.load(this.control, 0);
        const remaining = deadline - Date.now();
        if (done >= target || remaining <= 0) break;
        Atomics.wait(this.control, 0, done, Math.min(remaining, 100));
      }
      this.drainAcks();
    }
  }

  /**
   * Resolves once everything appended so far is committed, without blocking
   * the event loop (reads that must see the caller's own invocations).
   */
  flushAsync(): Promise<void> {
    this.send();
    if (!(this.worker && this.workerReady) || this.ackedSeq >= this.sentSeq) return Promise.resolve();
    const seq = this.sentSeq;
    this.acks?.ref(); // an awaited flush keeps the process alive until its ack
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
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
    this.counters.prunedInvocations += total.invocations;
    this.counters.prunedLines += total.lines;
    return total;
  }

  stats(): LogWriterStats {
    const c = this.counters;
    const n = Math.min(c.batches, LATENCY_SAMPLES);
    const recent = Array.from(this.latencies.subarray(0, n)).sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 1000) / 1000;
    return {
      thread: this.worker && this.workerReady ? 'worker' : 'inline',
      batches: c.batches,
      records: c.records,
      lines: c.lines,
      pending: this.pending.length,
      inFlight: this.inFlightRecords,
      dropped: c.dropped,
      failedBatches: c.failedBatches,
      lastBatchSize: c.lastBatchSize,
      avgBatchSize: c.batches ? round(c.records / c.batches) : 0,
      maxBatchSize: c.maxBatchSize,
      lastCommitMs: round(c.lastCommitMs),
      avgCommitMs: c.batches ? round(c.totalCommitMs / c.batches) : 0,
      p99CommitMs: n ? round(recent[Math.min(n - 1, Math.ceil(n * 0.99) - 1)]!) : 0,
      maxCommitMs: round(c.maxCommitMs),
      lastAgeMs: c.lastAgeMs,
      maxAgeMs: c.maxAgeMs,
      pruned: { invocations: c.prunedInvocations, lines: c.prunedLines },
    };
  }

  /** Commits what is pending, stops the timers and the worker; later appends are dropped. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.stop();
    if (this.worker) {
      const worker = this.worker;
      this.worker = null;
      // The worker closes its connection and exits; nothing it could still say matters.
      worker.postMessage({ type: 'close' } satisfies ToWorker);
    }
    this.acks?.close();
    this.acks = null;
  }

  /** Stops at once, dropping what is pending or being written. Idempotent. */
  destroy(): void {
    this.counters.dropped += this.pending.length + this.inFlightRecords;
    this.pending = [];
    this.inFlight.clear();
    this.inFlightRecords = 0;
    this.stop();
    if (this.worker) {
      void this.worker.terminate();
      this.worker = null;
    }
    this.acks?.close();
    this.acks = null;
  }

  private startWorker(file: string): void {
    const control = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    const init: WorkerInit = { isolaLogWriter: true, file, control, acks: port2 };
    // execArgv: [] — the thread needs none of the process's flags or preloaded modules (test runners' loader hooks included).
    const worker = new Worker(WORKER_ENTRY, { workerData: init, transferList: [port2], execArgv: [] });
    worker.unref();
    // The port stays ref'd until the worker reports in, so awaiting whenReady() keeps the process alive.
    port1.on('message', (message: FromWorker) => this.onWorkerMessage(message));
    worker.on('error', (err) => console.error(`[logs] log writer thread failed: ${err.message}`));
    worker.on('exit', () => {
      if (this.worker !== worker) return; // closed or destroyed on purpose
      // Batches it held may or may not have committed; later batches are written inline.
      this.worker = null;
      this.wake(() => true);
      this.acks?.unref();
      this.markStarted();
      this.counters.failedBatches += this.inFlight.size;
      this.counters.dropped += this.inFlightRecords;
      this.inFlight.clear();
      this.inFlightRecords = 0;
      console.error('[logs] log writer thread exited; writing on the main thread from now on');
    });
    this.worker = worker;
    this.acks = port1;
    this.control = new Int32Array(control);
  }

  /** Hands what is pending to the worker, or commits it here in inline mode. */
  private send(): void {
    this.clearFlushTimers();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    const oldestAt = this.oldestPendingAt;
    this.pending = [];
    if (this.worker && this.workerReady) {
      const seq = ++this.sentSeq;
      this.inFlight.set(seq, { records: batch, oldestAt });
      this.inFlightRecords += batch.length;
      this.worker.postMessage({ type: 'batch', seq, records: batch } satisfies ToWorker);
      return;
    }
    const started = performance.now();
    try {
      this.repo.writeBatch(batch);
    } catch (err) {
      this.failed(batch, (err as Error).message);
      return;
    }
    this.committed(batch, performance.now() - started, oldestAt);
  }

  private drainAcks(): void {
    if (!this.acks) return;
    for (let m = receiveMessageOnPort(this.acks); m; m = receiveMessageOnPort(this.acks)) this.onWorkerMessage(m.message as FromWorker);
  }

  private onWorkerMessage(message: FromWorker): void {
    if (message.type === 'ready') {
      this.workerReady = this.worker !== null;
      this.acks?.unref();
      this.markStarted();
      return;
    }
    if (message.type === 'unavailable') {
      if (!this.closed) console.error(`[logs] log writer thread unavailable, writing on the main thread: ${message.error}`);
      this.worker = null;
      this.acks?.unref();
      this.markStarted();
      return;
    }
    if (message.type === 'pruned') {
      this.pruning = false;
      this.counters.prunedInvocations += message.invocations;
      this.counters.prunedLines += message.lines;
      if (message.error) console.error(`[logs] pruning failed: ${message.error}`);
      return;
    }
    const entry = this.inFlight.get(message.seq);
    this.ackedSeq = Math.max(this.ackedSeq, message.seq);
    if (entry) {
      this.inFlight.delete(message.seq);
      this.inFlightRecords -= entry.records.length;
      if (message.error !== undefined) this.failed(entry.records, message.error);
      else this.committed(entry.records, message.commitMs, entry.oldestAt);
    }
    if (this.waiters.length > 0) this.wake((waiter) => waiter.seq <= this.ackedSeq);
  }

  /** Resolves the flushAsync() callers `due` selects; unrefs the port when none is left waiting. */
  private wake(due: (waiter: { seq: number }) => boolean): void {
    const waiting = [];
    for (const waiter of this.waiters) {
      if (due(waiter)) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
    if (waiting.length === 0 && this.workerReady) this.acks?.unref();
  }

  private failed(batch: readonly InvocationRecord[], message: string): void {
    // TODO(durability): retry a batch that failed with SQLITE_BUSY instead of dropping it.
    this.counters.failedBatches++;
    this.counters.dropped += batch.length;
    console.error(`[logs] dropped a batch of ${batch.length} records: ${message}`);
  }

  private committed(batch: readonly InvocationRecord[], commitMs: number, oldestAt: number): void {
    const c = this.counters;
    const ageMs = this.options.now() - oldestAt;
    this.latencies[c.batches % LATENCY_SAMPLES] = commitMs;
    c.batches++;
    c.records += batch.length;
    for (const record of batch) c.lines += record.lines.length;
    c.lastBatchSize = batch.length;
    c.maxBatchSize = Math.max(c.maxBatchSize, batch.length);
    c.lastCommitMs = commitMs;
    c.totalCommitMs += commitMs;
    c.maxCommitMs = Math.max(c.maxCommitMs, commitMs);
    c.lastAgeMs = ageMs;
    c.maxAgeMs = Math.max(c.maxAgeMs, ageMs);
    this.options.onCommit?.(batch, { commitMs });
  }

  private stop(): void {
    this.closed = true;
    this.wake(() => true);
    this.acks?.unref();
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
    if (this.worker && this.workerReady) {
      this.worker.postMessage({ type: 'prune', cutoff, batch: this.options.pruneBatch } satisfies ToWorker);
      return;
    }
    pruneStepwise(this.repo, cutoff, this.options.pruneBatch, () => this.closed, (result) => this.onWorkerMessage({ type: 'pruned', ...result }));
  }
}
