/**
 * The log writer's options: defaults and their one validator, which freezes
 * the result and names the right key for a misspelt one. The writer itself
 * is log-writer.ts; its stats snapshot, log-writer-stats.ts.
 */
import { defaultsOf, resolveOptions, type Schema } from '../lib';
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

/** Each option's type, range and default, for the one options validator. */
const SCHEMA: Schema<LogWriterOptions> = {
  flushIntervalMs: { type: 'number', min: 0, default: 50 },
  maxBatch: { type: 'number', integer: true, min: 1, default: 1000 },
  maxPending: { type: 'number', integer: true, min: 0, default: 100_000 },
  retentionMs: { type: 'number', min: 0, default: 7 * 24 * 3600 * 1000 },
  pruneIntervalMs: { type: 'number', min: 0, default: 60_000 },
  pruneBatch: { type: 'number', integer: true, min: 1, default: 5000 },
  thread: { type: 'enum', values: ['worker', 'inline'], default: 'worker' },
  closeTimeoutMs: { type: 'number', min: 0, default: 10_000 },
  onCommit: { type: 'function', nullable: true, default: null },
  now: { type: 'function', default: Date.now },
};

export const defaultLogWriterOptions: Readonly<LogWriterOptions> = defaultsOf(SCHEMA);

/** Merges `overrides` over the defaults through lib's validator: unknown keys and out-of-range values throw. */
export function resolveLogWriterOptions(overrides: Partial<LogWriterOptions>): Readonly<LogWriterOptions> {
  return resolveOptions(SCHEMA, overrides, { noun: 'log writer option' });
}
