/**
 * Entry point of the log writer's worker thread (started by LogWriter in
 * log-writer.ts by file path: dist/store/log-writer-worker.js). It opens its
 * own connection to the database file, commits each batch in one
 * transaction, acknowledges it by message and through the shared control
 * word (which a blocking flush() waits on), and prunes on request.
 */
import Database from 'better-sqlite3';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { pruneStepwise, type FromWorker, type ToWorker, type WorkerInit } from './log-writer-protocol';
import { LogsRepo } from './logs-repo';

/** The worker thread: its own connection, one transaction per batch, acknowledgements back. */
function runWorker(init: WorkerInit): void {
  let db: Database.Database;
  let repo: LogsRepo;
  try {
    db = new Database(init.file, { fileMustExist: true });
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
  let closed = false;
  parentPort!.on('message', (message: ToWorker) => {
    if (closed) return;
    if (message.type === 'batch') {
      const started = performance.now();
      let error: string | undefined;
      try {
        repo.writeBatch(message.records);
      } catch (err) {
        error = (err as Error).message;
      }
      const ack: FromWorker = { type: 'committed', seq: message.seq, commitMs: performance.now() - started, error };
      // Acknowledge before waking a waiting flush(), so it finds the ack to drain.
      init.acks.postMessage(ack);
      Atomics.store(control, 0, message.seq);
      Atomics.notify(control, 0);
    } else if (message.type === 'prune') {
      pruneStepwise(repo, message.cutoff, message.batch, () => closed, (result) => init.acks.postMessage({ type: 'pruned', ...result } satisfies FromWorker));
    } else {
      closed = true;
      db.close();
      init.acks.close();
      parentPort!.close();
    }
  });
}

if (!isMainThread && (workerData as Partial<WorkerInit> | null)?.isolaLogWriter === true) runWorker(workerData as WorkerInit);
