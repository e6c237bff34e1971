/**
 * Invocation logs at rest: the `invocation_logs` and `log_lines` tables of
 * migration 0002 (`LogsRepo`) and the record types written to them. Lines of
 * one invocation are consecutive `log_lines` ids (`first_line`,
 * `line_count`), so reading them is one range scan and retention deletes from
 * the front of both tables. Fixed statements are prepared once; searches
 * cache one statement per filter shape. The batch writer is log-writer.ts.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';
import { MultiInsert } from './multi-insert';

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

/** The status of a successful call: the rows the status index leaves out (migration 0004). */
const SUCCESS_STATUS = 200;

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
    this.insertInvocation = new MultiInsert(
      db,
      `INSERT INTO invocation_logs (request_id, namespace, function_name, qualifier, version, alias, start_time, log_time,
         duration_ms, bill_duration, memory_mb, mem_usage, status_code, ret_code, retry_num, error_message, ret_msg,
         coldstart_ms, pull_code_ms, init_runtime_ms, init_function_ms, first_line, line_count)`,
      23,
    );
    this.insertLine = new MultiInsert(db, 'INSERT INTO log_lines (id, request_id, time, level, type, message)', 6);
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
      const lines = this.insertLine;
      const inv = this.insertInvocation;
      // What an earlier, failed transaction gathered is not this one's.
      lines.reset();
      inv.reset();
      // Explicit ids, never below what a stored invocation points at, so a
      // line-less invocation's `first_line` stays a valid pruning bound.
      let next = this.nextLineStmt.get()!.next;
      for (const r of records) {
        const first = next;
        for (const line of r.lines) {
          lines.push(next++);
          lines.push(r.requestId);
          lines.push(line.time);
          lines.push(line.level);
          lines.push(line.type);
          lines.push(line.message);
        }
        const cold = r.coldStart;
        inv.push(r.requestId);
        inv.push(r.namespace);
        inv.push(r.functionName);
        inv.push(r.qualifier);
        inv.push(r.version);
        inv.push(r.alias);
        inv.push(r.startTime);
        inv.push(r.logTime);
        inv.push(r.durationMs);
        inv.push(r.billDuration);
        inv.push(r.memoryMb);
        inv.push(r.memUsageBytes);
        inv.push(r.statusCode);
        inv.push(r.retCode);
        inv.push(r.retryNum);
        inv.push(r.errorMessage);
        inv.push(r.retMsg);
        inv.push(cold?.totalMs ?? null);
        inv.push(cold?.pullCodeMs ?? null);
        inv.push(cold?.initRuntimeMs ?? null);
        inv.push(cold?.initFunctionMs ?? null);
        inv.push(first);
        inv.push(r.lines.length);
      }
      lines.flush();
      inv.flush();
    });
  }

  /**
   * Writes `records` in one transaction; a throw writes none of them. Deferred,
   * unlike Store.transaction: the log writer turns SQLITE_BUSY into its own
   * retries and counts them (log-writer.ts), which a BEGIN IMMEDIATE's busy wait would hide.
   */
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
      // The status index holds the rows that are not 200 (migration 0004): SQLite uses a partial
      // index only when the query states its condition, so a filter that excludes 200 says so.
      const excludes200 = 'in' in query.status ? !codes.includes(SUCCESS_STATUS) : codes.includes(SUCCESS_STATUS);
      if (excludes200) {
        where.push(`status_code <> ${SUCCESS_STATUS}`);
        shape += 'x';
      }
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
