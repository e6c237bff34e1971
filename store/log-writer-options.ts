/**
 * The log writer's options (defaults and their one validator, which freezes
 * the result and names the right key for a misspelt one) and the shape of
 * its stats snapshot. The writer itself is log-writer.ts.
 */
import { defaultsOf, resolveOptions, type Schema } from '../lib';
import type { InvocationRecord } from './logs-repo';

export interface LogWriterOptions {
  /** Longest time a record waits in memory before its batch is written (ms). Default 50. */
  flushIntervalMs: number;
  /** A batch this large is written on the next event-loop turn instead of waiting for the timer. Default 1000. */
  maxBatch: number;
  /** Records held in memory at most (pending + being written); appends beyond are dropped and counted. Default 100 000. */
  maxPending: number;
  /** Age after which records are pruned (ms). Default 7 days; 0 keeps everything. */
  retentionMs: number;
  /** How often the pruner runs (ms). Default 60 000; 0 disables the timer (call `prune()` yourself). */
  pruneIntervalMs: number;
  /** Rows deleted per pruning transaction. Default 5000. */
  pruneBatch: number;
  /**
   * Where transactions run. `worker` (default): a worker thread with its own
   * connection, so the event loop never waits for SQLite; `inline`: on the
   * caller's thread. In-memory databases always run inline.
   */
  thread: 'worker' | 'inline';
  /** Called on the caller's thread after each commit with the records it made durable. Must not throw. */
  onCommit: ((records: readonly InvocationRecord[], info: { commitMs: number }) => void) | null;
  /** Clock (tests). */
  now: () => number;
}

/** Each option's type, range and default, for the one options validator. */
const SCHEMA: Schema<LogWriterOptions> = {
  flushIntervalMs: { type: 'number', min: 0, default: 50 },
  maxBatch: { type: 'number', integer: true, min: 1, default: 1000 },
  maxPending: { type: 'number', integer: true, min: 0, default: 100_000 },
  retentionMs: { type: 'number', min: 0, default: 7 * 24 * 3600 * 1000 },
  pruneIntervalMs: { type: 'number', min: 0, default: 60_000 },
  pruneBatch: { type: 'number', integer: true, min: 1, default: 5000 },
  thread: { type: 'enum', values: ['worker', 'inline'], default: 'worker' },
  onCommit: { type: 'function', nullable: true, default: null },
  now: { type: 'function', default: Date.now },
};

export const defaultLogWriterOptions: Readonly<LogWriterOptions> = defaultsOf(SCHEMA);

/** A snapshot of the writer's counters; latencies in ms. */
export interface LogWriterStats {
  thread: 'worker' | 'inline';
  /** Transactions committed. */
  batches: number;
  /** Invocation records committed. */
  records: number;
  /** Log lines committed. */
  lines: number;
  /** Records waiting for the next batch. */
  pending: number;
  /** Records handed to the worker, not yet committed. */
  inFlight: number;
  /** Records dropped: over `maxPending`, appended after close, or in a batch whose transaction failed. */
  dropped: number;
  failedBatches: number;
  lastBatchSize: number;
  avgBatchSize: number;
  maxBatchSize: number;
  /** Time the transaction took (on the worker thread in worker mode). */
  lastCommitMs: number;
  avgCommitMs: number;
  /** Over the last 1024 commits. */
  p99CommitMs: number;
  maxCommitMs: number;
  /** Age of a batch's oldest record when its commit was acknowledged: the crash-loss window actually seen. */
  lastAgeMs: number;
  maxAgeMs: number;
  pruned: { invocations: number; lines: number };
}

/** Merges `overrides` over the defaults; unknown keys and out-of-range values throw (TypeError / RangeError), the result is frozen. */
export function resolveLogWriterOptions(overrides: Partial<LogWriterOptions>): Readonly<LogWriterOptions> {
  return resolveOptions(SCHEMA, overrides, { noun: 'log writer option' });
}
