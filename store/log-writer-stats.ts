/**
 * The log writer's counters (`WriterCounters`) and the snapshot they make
 * (`LogWriterStats`, read by GET /metrics), plus the stderr lines about
 * failing, recovering and lost batches, so the writer (log-writer.ts) and
 * what its worker thread reports are counted and said in one place.
 */
import { lostRecordsMessage, worthLogging } from './log-writer-retry';
import type { InvocationRecord } from './logs-repo';

/** A snapshot of the writer's counters; latencies in ms. */
export interface LogWriterStats {
  thread: 'worker' | 'inline';
  /** Transactions committed. */
  batches: number;
  /** Invocation records committed. */
  records: number;
  /** Log lines committed. */
  lines: number;
  /** Records not yet handed to a transaction: waiting for the next batch, or (inline) for the retry of a failed one. */
  pending: number;
  /** Records handed to the worker, not yet committed (those of a failing batch included). */
  inFlight: number;
  /** Records lost: refused by append (over `maxPending`, or after close), or in a batch given up (`failedBatches`). */
  dropped: number;
  /** Batches given up: still refused by the database at the close deadline, or refused for their own content. */
  failedBatches: number;
  /** Transactions that failed (SQLITE_BUSY, disk full…), whether tried again or not. */
  commitFailures: number;
  /** Failed transactions that were tried again: their records were kept, not lost. */
  commitRetries: number;
  lastBatchSize: number;
  avgBatchSize: number;
  maxBatchSize: number;
  /** Time the transaction took (on the worker thread in worker mode). */
  lastCommitMs: number;
  avgCommitMs: number;
  /** Over the last 1024 commits. */
  p99CommitMs: number;
  maxCommitMs: number;
  /** Age of a batch's oldest record when its commit was acknowledged: the crash-loss window actually seen (retries included). */
  lastAgeMs: number;
  maxAgeMs: number;
  pruned: { invocations: number; lines: number };
}

const LATENCY_SAMPLES = 1024;

/** The counters behind `LogWriterStats`; one per writer, updated on the caller's thread. */
export class WriterCounters {
  private readonly latencies = new Float64Array(LATENCY_SAMPLES);
  private readonly c = {
    batches: 0,
    records: 0,
    lines: 0,
    dropped: 0,
    failedBatches: 0,
    commitFailures: 0,
    commitRetries: 0,
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
  /** The batch failing right now, for the line saying it finally committed (`since`: epoch ms of its first failure). */
  private stalled: { seq: number; attempts: number; since: number } | null = null;

  constructor(private readonly now: () => number) {}

  /** Records refused without a transaction (queue full, writer closed, destroy()). */
  dropped(records: number): void {
    this.c.dropped += records;
  }

  pruned(invocations: number, lines: number): void {
    this.c.prunedInvocations += invocations;
    this.c.prunedLines += lines;
  }

  /** Batch `seq` committed in `commitMs`; its oldest record was appended at `oldestAt`. */
  committed(seq: number, records: readonly InvocationRecord[], commitMs: number, oldestAt: number): void {
    const c = this.c;
    const ageMs = this.now() - oldestAt;
    this.latencies[c.batches % LATENCY_SAMPLES] = commitMs;
    c.batches++;
    c.records += records.length;
    for (const record of records) c.lines += record.lines.length;
    c.lastBatchSize = records.length;
    c.maxBatchSize = Math.max(c.maxBatchSize, records.length);
    c.lastCommitMs = commitMs;
    c.totalCommitMs += commitMs;
    c.maxCommitMs = Math.max(c.maxCommitMs, commitMs);
    c.lastAgeMs = ageMs;
    c.maxAgeMs = Math.max(c.maxAgeMs, ageMs);
    if (this.stalled?.seq === seq) {
      const { attempts, since } = this.stalled;
      this.stalled = null;
      console.error(`[logs] a batch of ${records.length} log records committed after ${attempts} failed attempts over ${Date.now() - since} ms`);
    }
  }

  /**
   * One failed transaction on batch `seq` (attempt number `attempt`, at
   * epoch ms `at`), tried again in `retryInMs` or, when null, not. Says so on
   * stderr on the first attempt and about once a minute after.
   */
  failed(seq: number, records: number, attempt: number, error: string, retryInMs: number | null, at = Date.now()): void {
    this.c.commitFailures++;
    if (retryInMs !== null) this.c.commitRetries++;
    if (this.stalled?.seq !== seq) this.stalled = { seq, attempts: 0, since: at };
    this.stalled.attempts = attempt;
    if (retryInMs !== null && worthLogging(attempt)) {
      console.error(`[logs] writing a batch of ${records} log records failed (attempt ${attempt}): ${error}; kept in memory, retrying in ${retryInMs} ms`);
    }
  }

  /** Batch `seq` is lost for good: counted in `failedBatches` and `dropped`, reported loudly on stderr. */
  lost(seq: number, records: readonly InvocationRecord[], reason: string): void {
    this.c.failedBatches++;
    this.c.dropped += records.length;
    if (this.stalled?.seq === seq) this.stalled = null;
    console.error(lostRecordsMessage(records, reason));
  }

  /** The snapshot, with the writer's live figures. */
  snapshot(live: Pick<LogWriterStats, 'thread' | 'pending' | 'inFlight'>): LogWriterStats {
    const c = this.c;
    const n = Math.min(c.batches, LATENCY_SAMPLES);
    const recent = Array.from(this.latencies.subarray(0, n)).sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 1000) / 1000;
    return {
      thread: live.thread,
      batches: c.batches,
      records: c.records,
      lines: c.lines,
      pending: live.pending,
      inFlight: live.inFlight,
      dropped: c.dropped,
      failedBatches: c.failedBatches,
      commitFailures: c.commitFailures,
      commitRetries: c.commitRetries,
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
}
