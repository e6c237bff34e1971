/**
 * The log writer's options (defaults and their one validator, which freezes
 * the result and names the right key for a misspelt one) and the shape of
 * its stats snapshot. The writer itself is log-writer.ts.
 */
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

export const defaultLogWriterOptions: Readonly<LogWriterOptions> = Object.freeze({
  flushIntervalMs: 50,
  maxBatch: 1000,
  maxPending: 100_000,
  retentionMs: 7 * 24 * 3600 * 1000,
  pruneIntervalMs: 60_000,
  pruneBatch: 5000,
  thread: 'worker',
  onCommit: null,
  now: Date.now,
});

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

/** Merges `overrides` over the defaults; unknown keys and out-of-range values throw a TypeError. */
export function resolveLogWriterOptions(overrides: Partial<LogWriterOptions>): Readonly<LogWriterOptions> {
  const result: Record<string, unknown> = { ...defaultLogWriterOptions };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(key in defaultLogWriterOptions)) {
      const hint = Object.keys(defaultLogWriterOptions).find((k) => k.toLowerCase() === key.toLowerCase());
      throw new TypeError(`Unknown log writer option \`${key}\`${hint ? ` (did you mean \`${hint}\`?)` : ''}`);
    }
    if (key === 'onCommit' || key === 'now') {
      if (value !== null && typeof value !== 'function') throw new TypeError(`Expected \`${key}\` to be a function, got ${typeof value}`);
    } else if (key === 'thread') {
      if (value !== 'worker' && value !== 'inline') throw new TypeError(`Expected \`thread\` to be "worker" or "inline", got ${JSON.stringify(value)}`);
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new TypeError(`Expected \`${key}\` to be a non-negative number, got ${JSON.stringify(value)}`);
    }
    result[key] = value;
  }
  const options = result as unknown as LogWriterOptions;
  if (options.maxBatch < 1 || options.pruneBatch < 1) throw new TypeError('Expected `maxBatch` and `pruneBatch` to be at least 1');
  return Object.freeze(options);
}
