/**
 * Invocation logs: the tables of migration 0002 (`LogsRepo`) and the batch
 * writer that keeps disk writes off the request path (`LogWriter`).
 *
 * Write path. `LogWriter.append(record)` pushes onto an in-memory array: O(1),
 * synchronous, no I/O. A timer armed by the first pending record sends
 * everything pending as ONE batch `flushIntervalMs` later (default 50 ms), or
 * on the next event-loop turn once `maxBatch` records are pending. The batch
 * is written in one transaction by a worker thread holding its own
 * connection (this file is also the worker's entry point), so the gateway's
 * event loop never waits for SQLite: measured here, a commit costs
 * ~10-20 µs per invocation record and a batch of 1000 took 10-90 ms, time
 * the event loop would otherwise stall for. Until the worker has opened the
 * database (~50 ms after start), and for in-memory databases, batches are
 * written inline. A record is durable when its transaction commits: the
 * database runs WAL with `synchronous=NORMAL`, so a committed transaction
 * survives a crash of the process (a power loss may drop the last commits).
 * `onCommit` runs on the caller's thread after each commit with the records
 * it made durable.
 *
 * Crash-loss bound. A record appended at time t is committed by
 * t + flushIntervalMs + (event-loop lag before the timer fires) + (queue wait
 * in the worker) + (commit time). With the defaults and a worker that keeps
 * up, that is 50 ms + a commit of a few ms: a kill -9 loses at most the
 * records appended in the last ~55-60 ms (test/logs-durability.test.js
 * measures it; under load, add the commit p99 of `stats()`). `maxAgeMs` in
 * the stats is the window actually observed (append → acknowledged commit).
 *
 * Retention. Every `pruneIntervalMs` (default 1 min) rows older than
 * `retentionMs` (default 7 days) are deleted from the front of both tables,
 * `pruneBatch` rows per transaction, on the worker (or inline, yielding to
 * the event loop between transactions), so a large backlog never blocks
 * requests.
 */
import Database, { type Statement } from 'better-sqlite3';
import { isMainThread, MessageChannel, type MessagePort, parentPort, receiveMessageOnPort, Worker, workerData } from 'node:worker_threads';
import type { Db } from './db';

export type LogLineType = 'Platform' | 'Custom';

export interface LogLineRecord {
  time: number;
  level: string;
  type: LogLineType;
  message: string;
}

/** One invocation as written: its figures and all of its lines. Times are epoch ms. */
export interface InvocationRecord {
  requestId: string;
  namespace: string;
  functionName: string;
  qualifier: string;
  version: string;
  alias: string | null;
  startTime: number;
  logTime: number;
  durationMs: number;
  billDuration: number;
  memoryMb: number;
  memUsageBytes: number;
  statusCode: number;
  retCode: number;
  retryNum: number;
  errorMessage: string | null;
  retMsg: string | null;
  coldStart: ColdStartRecord | null;
  /** The lines between START (and Init Report) and END: the user's lines and platform lines with text of their own. */
  lines: readonly LogLineRecord[];
}

export interface ColdStartRecord {
  totalMs: number;
  pullCodeMs: number;
  initRuntimeMs: number;
  initFunctionMs: number;
}

/** An `invocation_logs` row. */
export interface InvocationRow {
  id: number;
  request_id: string;
  namespace: string;
  function_name: string;
  qualifier: string;
  version: string;
  alias: string | null;
  start_time: number;
  log_time: number;
  duration_ms: number;
  bill_duration: number;
  memory_mb: number;
  mem_usage: number;
  status_code: number;
  ret_code: number;
  retry_num: number;
  error_message: string | null;
  ret_msg: string | null;
  coldstart_ms: number | null;
  pull_code_ms: number | null;
  init_runtime_ms: number | null;
  init_function_ms: number | null;
  first_line: number;
  line_count: number;
}

export interface LogLineRow {
  id: number;
  request_id: string;
  time: number;
  level: string;
  type: LogLineType;
  message: string;
}

export type LogOrderBy = 'start_time' | 'duration' | 'mem_usage' | 'function_name';

/** A search over one function's invocations; every filter is optional and they combine with AND. */
export interface InvocationQuery {
  namespace: string;
  functionName: string;
  /** Matches the qualifier the caller used, the version that ran, or the alias that routed it. */
  qualifier?: string;
  requestId?: string;
  /** Status codes to include (`in`) or exclude (`notIn`). */
  status?: { in: readonly number[] } | { notIn: readonly number[] };
  /** Inclusive bounds on start_time, epoch ms. */
  startTime?: number;
  endTime?: number;
  /** Only invocations committed after this id (the follow cursor); results then come in id order. */
  afterId?: number;
  orderBy?: LogOrderBy;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

/**
 * `search` counts matches up to this many: the API pages no further
 * (Offset + Limit ≤ 10000), and an exact count of a busy function's week of
 * records would scan millions of index entries on the caller's thread.
 */
export const MAX_COUNT = 10_000;

const ORDER_COLUMNS: Readonly<Record<LogOrderBy, string>> = {
  start_time: 'start_time',
  duration: 'duration_ms',
  mem_usage: 'mem_usage',
  function_name: 'function_name',
};

/** Schema access for the log tables. Fixed statements are prepared once; searches cache one statement per filter shape. */
export class LogsRepo {
  private readonly insertInvocation;
  private readonly insertLine;
  private readonly linesStmt;
  private readonly maxIdStmt;
  private readonly pruneInvocationsStmt;
  private readonly oldestFirstLineStmt;
  private readonly maxLineStmt;
  private readonly pruneLinesStmt;
  private readonly countsStmt;
  private readonly nextLineStmt;
  private readonly writeTx;
  private readonly searchCache = new Map<string, { rows: Statement; count: Statement }>();

  constructor(private readonly db: Db) {
    this.insertInvocation = db.prepare(
      `INSERT INTO invocation_logs (request_id, namespace, function_name, qualifier, version, alias, start_time, log_time,
         duration_ms, bill_duration, memory_mb, mem_usage, status_code, ret_code, retry_num, error_message, ret_msg,
         coldstart_ms, pull_code_ms, init_runtime_ms, init_function_ms, first_line, line_count)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertLine = db.prepare('INSERT INTO log_lines (id, request_id, time, level, type, message) VALUES (?, ?, ?, ?, ?, ?)');
    this.linesStmt = db.prepare<[number, number], LogLineRow>('SELECT * FROM log_lines WHERE id >= ? AND id < ? ORDER BY id');
    this.maxIdStmt = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM invocation_logs');
    // Bounded: looks at the `limit` oldest rows only, never scans the table.
    this.pruneInvocationsStmt = db.prepare<[number, number]>(
      'DELETE FROM invocation_logs WHERE id IN (SELECT id FROM (SELECT id, log_time FROM invocation_logs ORDER BY id LIMIT ?) WHERE log_time < ?)',
    );
    this.oldestFirstLineStmt = db.prepare<[], { first_line: number }>('SELECT first_line FROM invocation_logs ORDER BY id LIMIT 1');
    this.maxLineStmt = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM log_lines');
    this.pruneLinesStmt = db.prepare<[number, number]>('DELETE FROM log_lines WHERE id IN (SELECT id FROM log_lines WHERE id < ? ORDER BY id LIMIT ?)');
    this.countsStmt = db.prepare<[], { invocations: number; lines: number }>(
      'SELECT (SELECT count(*) FROM invocation_logs) AS invocations, (SELECT count(*) FROM log_lines) AS lines',
    );
    this.nextLineStmt = db.prepare<[], { next: number }>(
      `SELECT max(ifnull((SELECT max(id) FROM log_lines), 0),
                  ifnull((SELECT first_line + line_count - 1 FROM invocation_logs ORDER BY id DESC LIMIT 1), 0)) + 1 AS next`,
    );
    this.writeTx = db.transaction((records: readonly InvocationRecord[]) => {
      // Explicit ids, never below what a stored invocation points at, so a
      // line-less invocation's `first_line` stays a valid pruning bound.
      let next = this.nextLineStmt.get()!.next;
      for (const r of records) {
        const first = next;
        for (const line of r.lines) this.insertLine.run(next++, r.requestId, line.time, line.level, line.type, line.message);
        this.insertInvocation.run(
          r.requestId,
          r.namespace,
          r.functionName,
          r.qualifier,
          r.version,
          r.alias,
          r.startTime,
          r.logTime,
          r.durationMs,
          r.billDuration,
          r.memoryMb,
          r.memUsageBytes,
          r.statusCode,
          r.retCode,
          r.retryNum,
          r.errorMessage,
          r.retMsg,
          r.coldStart?.totalMs ?? null,
          r.coldStart?.pullCodeMs ?? null,
          r.coldStart?.initRuntimeMs ?? null,
          r.coldStart?.initFunctionMs ?? null,
          first,
          r.lines.length,
        );
      }
    });
  }

  /** Writes `records` in one transaction; a throw writes none of them. */
  writeBatch(records: readonly InvocationRecord[]): void {
    this.writeTx(records);
  }

  /** The lines of one invocation, in the order they were written. */
  linesOf(row: Pick<InvocationRow, 'first_line' | 'line_count'>): LogLineRow[] {
    if (row.line_count === 0) return [];
    return this.linesStmt.all(row.first_line, row.first_line + row.line_count);
  }

  /** The id of the newest committed invocation (0 when there is none): a follow cursor that skips everything so far. */
  maxId(): number {
    return this.maxIdStmt.get()!.id ?? 0;
  }

  /**
   * One page of `query` and the number of rows matching without paging
   * (at most MAX_COUNT).
   * With `afterId` the rows come in commit (id) order and `orderBy` is ignored.
   */
  search(query: InvocationQuery): { rows: InvocationRow[]; total: number } {
    const where = ['namespace = ?', 'function_name = ?'];
    const args: unknown[] = [query.namespace, query.functionName];
    let shape = '';
    if (query.qualifier !== undefined) {
      where.push('(qualifier = ? OR version = ? OR alias = ?)');
      args.push(query.qualifier, query.qualifier, query.qualifier);
      shape += 'q';
    }
    if (query.requestId !== undefined) {
      where.push('request_id = ?');
      args.push(query.requestId);
      shape += 'r';
    }
    if (query.status) {
      const codes = 'in' in query.status ? query.status.in : query.status.notIn;
      // Status sets are tiny and fixed by the filter, so their size is part of the cached shape.
      where.push(`status_code ${'in' in query.status ? 'IN' : 'NOT IN'} (${codes.map(() => '?').join(', ')})`);
      args.push(...codes);
      shape += ('in' in query.status ? 'i' : 'n') + codes.length;
    }
    if (query.startTime !== undefined) {
      where.push('start_time >= ?');
      args.push(query.startTime);
      shape += 's';
    }
    if (query.endTime !== undefined) {
      where.push('start_time <= ?');
      args.push(query.endTime);
      shape += 'e';
    }
    if (query.afterId !== undefined) {
      where.push('id > ?');
      args.push(query.afterId);
      shape += 'a';
    }
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const orderBy = query.afterId !== undefined ? 'id ASC' : `${ORDER_COLUMNS[query.orderBy ?? 'start_time']} ${direction}, id ${direction}`;
    const key = `${shape}|${orderBy}`;
    let cached = this.searchCache.get(key);
    if (!cached) {
      const whereSql = where.join(' AND ');
      // Without ANALYZE statistics SQLite prefers the two-column function
      // index even for a request id (then it scans a function's whole
      // history), and sorts a follow query instead of walking new rowids.
      const access =
        query.requestId !== undefined ? 'INDEXED BY invocation_logs_by_request' : query.afterId !== undefined ? 'NOT INDEXED' : '';
      cached = {
        rows: this.db.prepare(`SELECT * FROM invocation_logs ${access} WHERE ${whereSql} ORDER BY ${orderBy} LIMIT ? OFFSET ?`),
        count: this.db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM invocation_logs ${access} WHERE ${whereSql} LIMIT ${MAX_COUNT})`),
      };
      this.searchCache.set(key, cached);
    }
    const limit = query.limit ?? 20;
    const rows = limit === 0 ? [] : (cached.rows.all(...args, limit, query.offset ?? 0) as InvocationRow[]);
    const total = (cached.count.get(...args) as { n: number }).n;
    return { rows, total };
  }

  /**
   * Deletes up to `limit` invocations older than `cutoff` (by log time) and up
   * to `limit` lines no remaining invocation points at, in one transaction.
   * Returns how many of each went; call again while either equals `limit`.
   */
  pruneStep(cutoff: number, limit: number): { invocations: number; lines: number } {
    return this.db.transaction(() => {
      const invocations = this.pruneInvocationsStmt.run(limit, cutoff).changes;
      const oldest = this.oldestFirstLineStmt.get();
      // With no invocation left every line is unreferenced.
      const below = oldest ? oldest.first_line : (this.maxLineStmt.get()!.id ?? 0) + 1;
      const lines = this.pruneLinesStmt.run(below, limit).changes;
      return { invocations, lines };
    })();
  }

  /** Runs `fn` in one read transaction: its statements see one snapshot, whatever another connection commits meanwhile. */
  read<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** The database file, or null for an in-memory or temporary database (which another connection cannot open). */
  get file(): string | null {
    return this.db.memory || this.db.name === '' ? null : this.db.name;
  }

  /** Row counts of both tables (tests, diagnostics). */
  counts(): { invocations: number; lines: number } {
    return this.countsStmt.get()!;
  }
}

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

const LATENCY_SAMPLES = 1024;
/** Longest a synchronous flush waits for the worker before giving up on it. */
const FLUSH_WAIT_MS = 10_000;

type ToWorker =
  | { type: 'batch'; seq: number; records: InvocationRecord[] }
  | { type: 'prune'; cutoff: number; batch: number }
  | { type: 'close' };
type FromWorker =
  | { type: 'ready' }
  | { type: 'unavailable'; error: string }
  | { type: 'committed'; seq: number; commitMs: number; error?: string }
  | { type: 'pruned'; invocations: number; lines: number; error?: string };

interface WorkerInit {
  isolaLogWriter: true;
  file: string;
  /** Int32Array over it: [0] = the highest batch seq the worker has finished (committed or failed). */
  control: SharedArrayBuffer;
  acks: MessagePort;
}

/**
 * Batches invocation records in memory and commits them off the request
 * path (see the header of this file for timing and the crash-loss bound).
 * `close()` flushes and stops; `destroy()` drops what is pending.
 */
export class LogWriter {
  private readonly options: Readonly<LogWriterOptions>;
  private pending: InvocationRecord[] = [];
  private oldestPendingAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private pruning = false;
  private closed = false;
  // Worker mode.
  private worker: Worker | null = null;
  /** Batches go to the worker only once it has opened the database; until then they are written inline. */
  private workerReady = false;
  private readonly started: Promise<void>;
  private markStarted: () => void = () => {};
  private acks: MessagePort | null = null;
  private control: Int32Array | null = null;
  private sentSeq = 0;
  private ackedSeq = 0;
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  private readonly inFlight = new Map<number, { records: InvocationRecord[]; oldestAt: number }>();
  private inFlightRecords = 0;

  private readonly latencies = new Float64Array(LATENCY_SAMPLES);
  private readonly counters = {
    batches: 0,
    records: 0,
    lines: 0,
    dropped: 0,
    failedBatches: 0,
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

  constructor(
    private readonly repo: LogsRepo,
    options: Partial<LogWriterOptions> = {},
  ) {
    this.options = resolveOptions(options);
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    if (this.options.thread === 'worker' && repo.file !== null) this.startWorker(repo.file);
    else this.markStarted();
    if (this.options.pruneIntervalMs > 0 && this.options.retentionMs > 0) {
      this.pruneTimer = setInterval(() => this.pruneInBackground(), this.options.pruneIntervalMs);
      this.pruneTimer.unref();
    }
  }

  get flushIntervalMs(): number {
    return this.options.flushIntervalMs;
  }

  /**
   * Resolves with the mode batches are written in once the worker thread has
   * opened the database (or failed to); until then batches are written inline.
   */
  async whenReady(): Promise<'worker' | 'inline'> {
    await this.started;
    return this.worker && this.workerReady ? 'worker' : 'inline';
  }

  /**
   * Queues a record: O(1), no I/O. Returns false when the record was dropped
   * (writer closed, or `maxPending` records already held).
   */
  append(record: InvocationRecord): boolean {
    if (this.closed || this.pending.length + this.inFlightRecords >= this.options.maxPending) {
      this.counters.dropped++;
      return false;
    }
    if (this.pending.length === 0) {
      this.oldestPendingAt = this.options.now();
      // Unref'd: pending records never keep a process alive; shutdown calls close().
      this.timer = setTimeout(() => this.send(), this.options.flushIntervalMs);
      this.timer.unref();
    }
    this.pending.push(record);
    if (this.pending.length >= this.options.maxBatch && !this.immediate) {
      this.immediate = setImmediate(() => this.send());
    }
    return true;
  }

  /**
   * Commits everything appended so far before returning (synchronous; for
   * shutdown and read-your-writes). In worker mode the thread blocks until
   * the worker has committed, at most 10 s.
   */
  flush(): void {
    this.send();
    if (this.worker && this.workerReady && this.control && this.acks) {
      const target = this.sentSeq;
      const deadline = Date.now() + FLUSH_WAIT_MS;
      for (;;) {
        const done = Atomics.load(this.control, 0);
        const remaining = deadline - Date.now();
        if (done >= target || remaining <= 0) break;
        Atomics.wait(this.control, 0, done, Math.min(remaining, 100));
      }
      this.drainAcks();
    }
  }

  /**
   * Resolves once everything appended so far is committed, without blocking
   * the event loop (reads that must see the caller's own invocations).
   */
  flushAsync(): Promise<void> {
    this.send();
    if (!(this.worker && this.workerReady) || this.ackedSeq >= this.sentSeq) return Promise.resolve();
    const seq = this.sentSeq;
    this.acks?.ref(); // an awaited flush keeps the process alive until its ack
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /** Runs one full pruning pass now on the caller's connection (synchronous; tests and maintenance). Returns the rows removed. */
  prune(): { invocations: number; lines: number } {
    const total = { invocations: 0, lines: 0 };
    if (this.options.retentionMs <= 0) return total;
    const cutoff = this.options.now() - this.options.retentionMs;
    for (;;) {
      const step = this.repo.pruneStep(cutoff, this.options.pruneBatch);
      total.invocations += step.invocations;
      total.lines += step.lines;
      if (step.invocations < this.options.pruneBatch && step.lines < this.options.pruneBatch) break;
    }
    this.counters.prunedInvocations += total.invocations;
    this.counters.prunedLines += total.lines;
    return total;
  }

  stats(): LogWriterStats {
    const c = this.counters;
    const n = Math.min(c.batches, LATENCY_SAMPLES);
    const recent = Array.from(this.latencies.subarray(0, n)).sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 1000) / 1000;
    return {
      thread: this.worker && this.workerReady ? 'worker' : 'inline',
      batches: c.batches,
      records: c.records,
      lines: c.lines,
      pending: this.pending.length,
      inFlight: this.inFlightRecords,
      dropped: c.dropped,
      failedBatches: c.failedBatches,
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

  /** Commits what is pending, stops the timers and the worker; later appends are dropped. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.stop();
    if (this.worker) {
      const worker = this.worker;
      this.worker = null;
      // The worker closes its connection and exits; nothing it could still say matters.
      worker.postMessage({ type: 'close' } satisfies ToWorker);
    }
    this.acks?.close();
    this.acks = null;
  }

  /** Stops at once, dropping what is pending or being written. Idempotent. */
  destroy(): void {
    this.counters.dropped += this.pending.length + this.inFlightRecords;
    this.pending = [];
    this.inFlight.clear();
    this.inFlightRecords = 0;
    this.stop();
    if (this.worker) {
      void this.worker.terminate();
      this.worker = null;
    }
    this.acks?.close();
    this.acks = null;
  }

  private startWorker(file: string): void {
    const control = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    const init: WorkerInit = { isolaLogWriter: true, file, control, acks: port2 };
    // execArgv: [] — the thread needs none of the process's flags or preloaded modules (test runners' loader hooks included).
    const worker = new Worker(__filename, { workerData: init, transferList: [port2], execArgv: [] });
    worker.unref();
    // The port stays ref'd until the worker reports in, so awaiting whenReady() keeps the process alive.
    port1.on('message', (message: FromWorker) => this.onWorkerMessage(message));
    worker.on('error', (err) => console.error(`[logs] log writer thread failed: ${err.message}`));
    worker.on('exit', () => {
      if (this.worker !== worker) return; // closed or destroyed on purpose
      // Batches it held may or may not have committed; later batches are written inline.
      this.worker = null;
      this.wake(() => true);
      this.acks?.unref();
      this.markStarted();
      this.counters.failedBatches += this.inFlight.size;
      this.counters.dropped += this.inFlightRecords;
      this.inFlight.clear();
      this.inFlightRecords = 0;
      console.error('[logs] log writer thread exited; writing on the main thread from now on');
    });
    this.worker = worker;
    this.acks = port1;
    this.control = new Int32Array(control);
  }

  /** Hands what is pending to the worker, or commits it here in inline mode. */
  private send(): void {
    this.clearFlushTimers();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    const oldestAt = this.oldestPendingAt;
    this.pending = [];
    if (this.worker && this.workerReady) {
      const seq = ++this.sentSeq;
      this.inFlight.set(seq, { records: batch, oldestAt });
      this.inFlightRecords += batch.length;
      this.worker.postMessage({ type: 'batch', seq, records: batch } satisfies ToWorker);
      return;
    }
    const started = performance.now();
    try {
      this.repo.writeBatch(batch);
    } catch (err) {
      this.failed(batch, (err as Error).message);
      return;
    }
    this.committed(batch, performance.now() - started, oldestAt);
  }

  private drainAcks(): void {
    if (!this.acks) return;
    for (let m = receiveMessageOnPort(this.acks); m; m = receiveMessageOnPort(this.acks)) this.onWorkerMessage(m.message as FromWorker);
  }

  private onWorkerMessage(message: FromWorker): void {
    if (message.type === 'ready') {
      this.workerReady = this.worker !== null;
      this.acks?.unref();
      this.markStarted();
      return;
    }
    if (message.type === 'unavailable') {
      if (!this.closed) console.error(`[logs] log writer thread unavailable, writing on the main thread: ${message.error}`);
      this.worker = null;
      this.acks?.unref();
      this.markStarted();
      return;
    }
    if (message.type === 'pruned') {
      this.pruning = false;
      this.counters.prunedInvocations += message.invocations;
      this.counters.prunedLines += message.lines;
      if (message.error) console.error(`[logs] pruning failed: ${message.error}`);
      return;
    }
    const entry = this.inFlight.get(message.seq);
    this.ackedSeq = Math.max(this.ackedSeq, message.seq);
    if (entry) {
      this.inFlight.delete(message.seq);
      this.inFlightRecords -= entry.records.length;
      if (message.error !== undefined) this.failed(entry.records, message.error);
      else this.committed(entry.records, message.commitMs, entry.oldestAt);
    }
    if (this.waiters.length > 0) this.wake((waiter) => waiter.seq <= this.ackedSeq);
  }

  /** Resolves the flushAsync() callers `due` selects; unrefs the port when none is left waiting. */
  private wake(due: (waiter: { seq: number }) => boolean): void {
    const waiting = [];
    for (const waiter of this.waiters) {
      if (due(waiter)) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
    if (waiting.length === 0 && this.workerReady) this.acks?.unref();
  }

  private failed(batch: readonly InvocationRecord[], message: string): void {
    // TODO(durability): retry a batch that failed with SQLITE_BUSY instead of dropping it.
    this.counters.failedBatches++;
    this.counters.dropped += batch.length;
    console.error(`[logs] dropped a batch of ${batch.length} records: ${message}`);
  }

  private committed(batch: readonly InvocationRecord[], commitMs: number, oldestAt: number): void {
    const c = this.counters;
    const ageMs = this.options.now() - oldestAt;
    this.latencies[c.batches % LATENCY_SAMPLES] = commitMs;
    c.batches++;
    c.records += batch.length;
    for (const record of batch) c.lines += record.lines.length;
    c.lastBatchSize = batch.length;
    c.maxBatchSize = Math.max(c.maxBatchSize, batch.length);
    c.lastCommitMs = commitMs;
    c.totalCommitMs += commitMs;
    c.maxCommitMs = Math.max(c.maxCommitMs, commitMs);
    c.lastAgeMs = ageMs;
    c.maxAgeMs = Math.max(c.maxAgeMs, ageMs);
    this.options.onCommit?.(batch, { commitMs });
  }

  private stop(): void {
    this.closed = true;
    this.wake(() => true);
    this.acks?.unref();
    this.markStarted();
    this.clearFlushTimers();
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = null;
  }

  private clearFlushTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }

  /** One pruning pass off the request path: on the worker, or here one small transaction per event-loop turn. */
  private pruneInBackground(): void {
    if (this.pruning || this.closed) return;
    this.pruning = true;
    const cutoff = this.options.now() - this.options.retentionMs;
    if (this.worker && this.workerReady) {
      this.worker.postMessage({ type: 'prune', cutoff, batch: this.options.pruneBatch } satisfies ToWorker);
      return;
    }
    pruneStepwise(this.repo, cutoff, this.options.pruneBatch, () => this.closed, (result) => this.onWorkerMessage({ type: 'pruned', ...result }));
  }
}

/** Prunes `pruneBatch` rows per transaction, yielding to the event loop between transactions. */
function pruneStepwise(
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

function resolveOptions(overrides: Partial<LogWriterOptions>): Readonly<LogWriterOptions> {
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
