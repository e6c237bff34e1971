/**
 * The log writer's options: defaults and their one validator, which freezes
 * the result and names the right key for a misspelt one. The writer itself
 * is log-writer.ts; its stats snapshot, log-writer-stats.ts.
 */
import type { InvocationRecord } from './logs-repo';

export interface LogWriterOptions {
  /** Longest time a record waits in memory before its batch is written (ms). Default 50. */
  flushIntervalMs: number;
  /** A batch this large is written on the next event-loop turn instead of waiting for the timer. Default 1000. */
  maxBatch: number;
  /**
   * Records held in memory at most (pending, being written, or waiting for
   * the retry of a failed transaction); appends beyond are refused and
   * counted in `dropped`. Default 100 000.
   */
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
  /**
   * How long `close()` keeps retrying batches the database refuses (ms)
   * before it gives them up, reports them on stderr and counts them in
   * `dropped`. While the writer is open a failed batch is retried for as long
   * as it takes. Default 10 000.
   */
  closeTimeoutMs: number;
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
  closeTimeoutMs: 10_000,
  onCommit: null,
  now: Date.now,
});

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
