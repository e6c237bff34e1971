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

/**
 * An InvocationRecord as a positional array, the way batches cross to the
 * thread: the structured clone of an object writes every key of every
 * record, and on the data plane's path that clone was ~2.4–3.2 µs per
 * record in the gateway's thread (every request makes one), against
 * ~0.9–1.2 µs as an array (measured with postMessage of 800-record
 * batches, issue 15) — and the batch's pause every flush interval shrinks
 * with it.
 */
export type RecordRow = [
  requestId: string, namespace: string, functionName: string, qualifier: string, version: string, alias: string | null,
  startTime: number, logTime: number, durationMs: number, billDuration: number, memoryMb: number, memUsageBytes: number,
  statusCode: number, retCode: number, retryNum: number, errorMessage: string | null, retMsg: string | null,
  coldStart: InvocationRecord['coldStart'], lines: InvocationRecord['lines'],
];

/** The record as a row (the writer's side). */
export function rowOf(r: InvocationRecord): RecordRow {
  return [
    r.requestId, r.namespace, r.functionName, r.qualifier, r.version, r.alias,
    r.startTime, r.logTime, r.durationMs, r.billDuration, r.memoryMb, r.memUsageBytes,
    r.statusCode, r.retCode, r.retryNum, r.errorMessage, r.retMsg, r.coldStart, r.lines,
  ];
}

/** The row as a record again (the thread's side). */
export function recordOf(w: RecordRow): InvocationRecord {
  return {
    requestId: w[0], namespace: w[1], functionName: w[2], qualifier: w[3], version: w[4], alias: w[5],
    startTime: w[6], logTime: w[7], durationMs: w[8], billDuration: w[9], memoryMb: w[10], memUsageBytes: w[11],
    statusCode: w[12], retCode: w[13], retryNum: w[14], errorMessage: w[15], retMsg: w[16], coldStart: w[17], lines: w[18],
  };
}

export type ToWorker =
  | { type: 'batch'; seq: number; rows: RecordRow[] }
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
