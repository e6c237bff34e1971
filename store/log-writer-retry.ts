/**
 * How the log writer retries a batch whose transaction failed, shared by the
 * caller-thread path (log-writer.ts) and the worker thread
 * (log-writer-worker.ts): the back-off between attempts, which failures are
 * worth another attempt, and the loud report of records given up.
 *
 * Contract: a record `append()` accepted is never dropped while the writer is
 * open. A failed batch (SQLITE_BUSY because another connection holds the
 * write lock, a full disk, an I/O error) is tried again after 10 ms, 20 ms,
 * 40 ms … then every 1 s, for as long as it takes; batches behind it wait, so
 * records commit in the order they were appended. Only two things give a
 * batch up, each reported on stderr with its record count and request ids and
 * counted in `failedBatches` and `dropped`: `close()` passing its deadline
 * (`closeTimeoutMs`), and a batch the database refuses for its own content
 * (see `retryable`), which no number of attempts could write and which would
 * otherwise hold every later record back. If the worker thread dies, the
 * batches it held are taken back and written on the caller's thread.
 *
 * Counted in the writer's stats (and on GET /metrics): `commitFailures`
 * (transactions that failed), `commitRetries` (of those, the ones tried
 * again), `failedBatches` and `dropped` (given up). While the database
 * refuses writes, `inFlight`/`pending` grow up to `maxPending`, after which
 * `append()` refuses new records (counted in `dropped`, never acknowledged).
 */
import type { InvocationRecord } from './logs-repo';

/** Delay before the first retry of a batch (ms); it doubles per failed attempt. */
export const RETRY_FIRST_DELAY_MS = 10;
/** Longest delay between two attempts on one batch (ms). */
export const RETRY_MAX_DELAY_MS = 1000;

/** The delays between attempts on the batch at the head of a queue: 10 ms doubling to 1 s. */
export class Backoff {
  /** Failed attempts on the current batch. */
  attempts = 0;

  /** Records a failed attempt; returns the delay before the next one. */
  fail(): number {
    this.attempts++;
    return Math.min(RETRY_FIRST_DELAY_MS * 2 ** Math.min(this.attempts - 1, 16), RETRY_MAX_DELAY_MS);
  }

  /** The current batch committed (or was given up): the next failure starts again at 10 ms. */
  reset(): void {
    this.attempts = 0;
  }
}

/**
 * Whether a failed `writeBatch` may succeed when tried again. SQLite errors
 * about the database (SQLITE_BUSY, SQLITE_LOCKED, SQLITE_FULL, SQLITE_IOERR…)
 * are; errors about the records themselves are not: a constraint, a value
 * of the wrong type or size (SQLITE_CONSTRAINT*, SQLITE_MISMATCH,
 * SQLITE_TOOBIG, SQLITE_RANGE) or a binding error better-sqlite3 raises
 * before SQLite runs (a TypeError or RangeError, no `code`).
 */
export function retryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return false;
  return !/^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
}

/** The text of a failure, with SQLite's code when it has one. */
export function errorText(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

/** Whether the failed attempt number `attempt` of one batch is worth a line on stderr: the first, then about once a minute. */
export function worthLogging(attempt: number): boolean {
  return attempt === 1 || attempt % 60 === 0;
}

/** The stderr line for records given up: how many, which request ids, why. */
export function lostRecordsMessage(records: readonly InvocationRecord[], reason: string): string {
  const first = records[0]?.requestId ?? '-';
  const last = records[records.length - 1]?.requestId ?? '-';
  const ids = records.length === 1 ? `request id ${first}` : `request ids ${first} … ${last}`;
  return `[logs] LOST ${records.length} invocation log records (${ids}), not written: ${reason}`;
}
