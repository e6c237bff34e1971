/**
 * What the log writer (log-writer.ts) and its worker thread
 * (log-writer-worker.ts) share: the entry file of the thread, the messages
 * each way, the thread's init data, and the stepwise pruner both run.
 */
import path from 'node:path';
import { assetPath, runningAsBinary } from '../lib';
import type { MessagePort } from 'node:worker_threads';
import type { InvocationRecord, LogsRepo } from './logs-repo';

/**
 * The worker thread's entry, next to this file once compiled
 * (dist/store/log-writer-worker.js); same extension as this module so a
 * loader running the sources finds the .ts. The single executable has no
 * such file: it writes its bundled copy of the entry out (lib/assets.ts).
 */
export function workerEntry(): string {
  return runningAsBinary() ? assetPath('log-writer-worker') : path.join(__dirname, `log-writer-worker${path.extname(__filename)}`);
}

export type ToWorker =
  | { type: 'batch'; seq: number; records: InvocationRecord[] }
  | { type: 'prune'; cutoff: number; batch: number }
  /** Stop: keep retrying what is held until `deadline` (epoch ms), give up the rest, close the connection. */
  | { type: 'close'; deadline: number };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'unavailable'; error: string }
  /** One attempt on batch `seq` failed at `at` (epoch ms); it is tried again in `retryInMs`, or given up (null; a `committed` with `error` follows). */
  | { type: 'failed'; seq: number; records: number; attempt: number; error: string; retryInMs: number | null; at: number }
  /** Batch `seq` is finished: committed, or given up when `error` is set. */
  | { type: 'committed'; seq: number; commitMs: number; error?: string }
  | { type: 'pruned'; invocations: number; lines: number; error?: string };

export interface WorkerInit {
  isolaLogWriter: true;
  file: string;
  /**
   * Int32Array over it: [0] = the highest batch seq the worker has finished
   * (committed, or given up); [1] = 1 once the worker has stopped after a
   * `close` (everything it held is acknowledged, its connection closed).
   */
  control: SharedArrayBuffer;
  acks: MessagePort;
}

/** Prunes `pruneBatch` rows per transaction, yielding to the event loop between transactions. */
export function pruneStepwise(
  repo: LogsRepo,
  cutoff: number,
  batch: number,
  stopped: () => boolean,
  done: (result: { invocations: number; lines: number; error?: string }) => void,
): void {
  const total = { invocations: 0, lines: 0 };
  const step = () => {
    if (stopped()) return done(total);
    try {
      const result = repo.pruneStep(cutoff, batch);
      total.invocations += result.invocations;
      total.lines += result.lines;
      if (result.invocations < batch && result.lines < batch) return done(total);
    } catch (err) {
      return done({ ...total, error: (err as Error).message });
    }
    setImmediate(step);
  };
  step();
}
