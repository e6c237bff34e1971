/**
 * Entry point of the log writer's worker thread (started by LogWriter in
 * log-writer.ts by file path: dist/store/log-writer-worker.js). It opens its
 * own connection to the database file, commits each batch in one
 * transaction, acknowledges it by message and through the shared control
 * word (which a blocking flush() waits on), and prunes on request. A batch
 * whose transaction fails is retried with back-off before any later batch is
 * written (log-writer-retry.ts); each failed attempt is reported by message.
 */
import type Database from 'better-sqlite3';
import { openSqliteFile } from './sqlite-file';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { pruneStepwise, recordOf, type FromWorker, type ToWorker, type WorkerInit } from './log-writer-protocol';
import { Backoff, errorText, retryable } from './log-writer-retry';
import { LogsRepo, type InvocationRecord } from './logs-repo';

/** The worker thread: its own connection, one transaction per batch in order, retries, acknowledgements back. */
function runWorker(init: WorkerInit): void {
  let db: Database.Database;
  let repo: LogsRepo;
  try {
    db = openSqliteFile(init.file, { fileMustExist: true });
    // journal_mode=WAL is a property of the file, set by openDatabase.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    repo = new LogsRepo(db);
  } catch (err) {
    init.acks.postMessage({ type: 'unavailable', error: (err as Error).message } satisfies FromWorker);
    init.acks.close();
    parentPort!.close();
    return;
  }
  init.acks.postMessage({ type: 'ready' } satisfies FromWorker);
  const control = new Int32Array(init.control);
  /** Batches received and not yet finished, oldest first: only the head is ever being written. */
  const queue: Array<{ seq: number; records: InvocationRecord[] }> = [];
  const backoff = new Backoff();
  let retryTimer: NodeJS.Timeout | null = null;
  let closeDeadline: number | null = null;
  let stopped = false;

  /** Acknowledges batch `seq` (before waking a waiting flush(), so it finds the ack to drain). */
  const finish = (seq: number, commitMs: number, error?: string) => {
    init.acks.postMessage({ type: 'committed', seq, commitMs, error } satisfies FromWorker);
    Atomics.store(control, 0, seq);
    Atomics.notify(control, 0);
  };

  const stop = () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    db.close();
    Atomics.store(control, 1, 1);
    Atomics.notify(control, 1);
    init.acks.close();
    parentPort!.close();
  };

  /**
   * Commits the queue in order. A batch whose transaction fails stays at the
   * head and is tried again after the back-off delay, so nothing behind it
   * commits first; once closing, delays are cut to the close deadline, and
   * what is left at the deadline is given up (log-writer-retry.ts).
   */
  const pump = () => {
    retryTimer = null;
    while (queue.length > 0) {
      const batch = queue[0]!;
      const started = performance.now();
      try {
        repo.writeBatch(batch.records);
      } catch (err) {
        const error = errorText(err);
        const delay = backoff.fail();
        const left = closeDeadline === null ? Infinity : closeDeadline - Date.now();
        const retryInMs = retryable(err) && left > 0 ? Math.min(delay, left) : null;
        init.acks.postMessage({ type: 'failed', seq: batch.seq, records: batch.records.length, attempt: backoff.attempts, error, retryInMs, at: Date.now() } satisfies FromWorker);
        if (retryInMs !== null) {
          retryTimer = setTimeout(pump, retryInMs);
          return;
        }
        backoff.reset();
        if (retryable(err)) {
          // Past the close deadline: everything still held is given up.
          for (const held of queue.splice(0)) finish(held.seq, 0, `the close deadline passed while the database refused the batch (${error})`);
          break;
        }
        queue.shift();
        finish(batch.seq, performance.now() - started, `the database refused the batch for its content (${error})`);
        continue;
      }
      queue.shift();
      backoff.reset();
      finish(batch.seq, performance.now() - started);
    }
    if (closeDeadline !== null) stop();
  };

  parentPort!.on('message', (message: ToWorker) => {
    if (stopped) return;
    if (message.type === 'batch') {
      queue.push({ seq: message.seq, records: message.rows.map(recordOf) });
      if (!retryTimer) pump();
    } else if (message.type === 'prune') {
      pruneStepwise(repo, message.cutoff, message.batch, () => stopped, (result) => init.acks.postMessage({ type: 'pruned', ...result } satisfies FromWorker));
    } else {
      closeDeadline = message.deadline;
      // A close is a natural moment for the next attempt; pump() stops the thread once the queue is empty.
      if (retryTimer) clearTimeout(retryTimer);
      pump();
    }
  });
}

if (!isMainThread && (workerData as Partial<WorkerInit> | null)?.isolaLogWriter === true) runWorker(workerData as WorkerInit);
