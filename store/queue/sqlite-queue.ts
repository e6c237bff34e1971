/**
 * The embedded `EventQueue`: SQLite in its own file, `<dataDir>/queue.db`.
 *
 * Why its own file: the queue's promise is "what the API acknowledged
 * survives", so enqueues commit with `synchronous = FULL` (each commit syncs
 * the WAL: an acknowledged event survives a power loss too, not only a
 * process crash), while isola.db keeps `NORMAL` for metadata and logs.
 * Leases and settles commit with `NORMAL` (no sync of their own; the next
 * enqueue's sync carries them): they survive a process crash, and a power
 * loss can only undo them, which means one more run of an event —
 * at-least-once allows it — never a lost one. A separate
 * file also has its own write lock, so the log writer's thread and control
 * API writes never make an enqueue wait, nor the other way round.
 *
 * Every method is one synchronous transaction; the caller batches (core's
 * group commit turns many concurrent enqueues into one `enqueue` call, so
 * they share one sync). Statements are prepared once. Per-function depths
 * are kept in memory (this class is the file's only writer), loaded at open.
 */
import type Database from 'better-sqlite3';
import { openSqliteFile } from '../sqlite-file';
import path from 'node:path';
import { applyMigrations } from '../db';
import { MultiInsert } from '../multi-insert';
import { queueMigrations } from './schema';
import type {
  DeadLetterRecord, EnqueueResult, EventQueue, EventStatusRecord, FireResult, LeasedEvent, NewEvent, QueueStats, SettleOp, StatusQuery,
  TimerFiring,
} from './types';

export interface SqliteQueueOptions {
  /** Events one function may hold (waiting or running); more are refused ('full'). */
  maxPerFunction: number;
}

/** The columns an event keeps wherever it is (waiting, or in a dead-letter queue). */
interface QueuedRow {
  request_id: string;
  namespace: string;
  function_name: string;
  qualifier: string;
  payload: string;
  invoke_type: string;
  lease_ms: number;
  enqueued_at: number;
}

interface EventRow extends QueuedRow {
  id: number;
  attempt: number;
  failures: number;
  throttles: number;
  last_error: string | null;
}

interface StatusRow {
  request_id: string;
  namespace: string;
  function_name: string;
  qualifier: string;
  invoke_type: string;
  status: EventStatusRecord['status'];
  status_code: number;
  start_time: number;
  end_time: number | null;
  attempt: number;
  error: string | null;
}

interface DeadRow extends QueuedRow {
  id: number;
  queue: string;
  failed_at: number;
  attempts: number;
  status_code: number;
  error: string;
}

const depthKey = (namespace: string, functionName: string) => `${namespace}\u0000${functionName}`;

/**
 * Rows one INSERT statement carries on the enqueue path: a group commit of n events costs ⌈n/32⌉
 * statement runs per table (plus one per row of the remainder) instead of n, parameters positional
 * (cheaper to bind than named ones); 9 × 32 parameters stay far below SQLite's limit.
 */
const ROWS_PER_INSERT = 32;

export class SqliteEventQueue implements EventQueue {
  private readonly db: Database.Database;
  private readonly depths = new Map<string, number>();
  private depth = 0;
  private commits = 0;
  private syncs = 0;
  private enqueued = 0;
  private closed = false;
  /** Runs a function in one transaction; made once (better-sqlite3 builds its wrappers on every `transaction()` call). */
  private readonly inTransaction: (fn: () => unknown) => unknown;
  /** An event's row in `events`, and its RUNNING status in `event_status` (a re-driven event's old one reset). */
  private readonly insertEvents: MultiInsert;
  private readonly insertStatuses: MultiInsert;
  /** The connection's current `synchronous` setting: FULL (true) or NORMAL. */
  private durable: boolean;
  private readonly s;

  constructor(dataDir: string, private readonly options: SqliteQueueOptions) {
    this.db = openSqliteFile(path.join(dataDir, 'queue.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.durable = true;
    this.db.pragma('busy_timeout = 5000');
    applyMigrations(this.db, queueMigrations);
    this.inTransaction = this.db.transaction((fn: () => unknown) => fn());
    this.insertEvents = new MultiInsert(
      this.db,
      'INSERT INTO events (request_id, namespace, function_name, qualifier, payload, invoke_type, lease_ms, enqueued_at, visible_at)',
      9,
      ROWS_PER_INSERT,
    );
    this.insertStatuses = new MultiInsert(
      this.db,
      'INSERT INTO event_status (request_id, namespace, function_name, qualifier, invoke_type, status, start_time, traced)',
      8,
      ROWS_PER_INSERT,
      `ON CONFLICT(request_id) DO UPDATE SET status = 'RUNNING', status_code = 0, end_time = NULL, attempt = 0, error = NULL,
         invoke_type = excluded.invoke_type, traced = excluded.traced`,
    );
    this.s = {
      visible: this.db.prepare<[number, number], EventRow>(
        `SELECT id, request_id, namespace, function_name, qualifier, payload, invoke_type, lease_ms, enqueued_at, attempt, failures, throttles, last_error
         FROM events WHERE visible_at <= ? ORDER BY visible_at, id LIMIT ?`,
      ),
      take: this.db.prepare('UPDATE events SET visible_at = @visibleAt, attempt = attempt + 1 WHERE id = @id'),
      statusAttempt: this.db.prepare('UPDATE event_status SET attempt = @attempt WHERE request_id = @requestId'),
      get: this.db.prepare<[number], EventRow>('SELECT * FROM events WHERE id = ?'),
      byRequest: this.db.prepare<[string, string], EventRow>('SELECT * FROM events WHERE namespace = ? AND request_id = ?'),
      delete: this.db.prepare('DELETE FROM events WHERE id = ?'),
      retry: this.db.prepare(
        `UPDATE events SET visible_at = @visibleAt, last_error = @error,
           failures = failures + @failure, throttles = throttles + @throttle, attempt = attempt - @throttle WHERE id = @id`,
      ),
      statusAttemptDown: this.db.prepare('UPDATE event_status SET attempt = attempt - 1 WHERE request_id = ?'),
      finish: this.db.prepare(
        'UPDATE event_status SET status = @status, status_code = @statusCode, end_time = @now, error = @error WHERE request_id = @requestId',
      ),
      lastCode: this.db.prepare('UPDATE event_status SET status_code = @statusCode, error = @error WHERE request_id = @requestId'),
      deadInsert: this.db.prepare(
        `INSERT INTO dead_letters (queue, request_id, namespace, function_name, qualifier, payload, invoke_type, lease_ms, enqueued_at, failed_at, attempts, status_code, error)
         VALUES (@queue, @request_id, @namespace, @function_name, @qualifier, @payload, @invoke_type, @lease_ms, @enqueued_at, @now, @attempt, @statusCode, @error)`,
      ),
      nextVisible: this.db.prepare<[], { t: number | null }>('SELECT min(visible_at) AS t FROM events'),
      status: this.db.prepare<[string, string], StatusRow>('SELECT * FROM event_status WHERE namespace = ? AND request_id = ?'),
      prune: this.db.prepare(
        'DELETE FROM event_status WHERE end_time IS NOT NULL AND (end_time < @before OR (traced = 0 AND end_time < @untracedBefore))',
      ),
      deadCount: this.db.prepare<[string | null, string | null], { n: number }>('SELECT count(*) AS n FROM dead_letters WHERE (? IS NULL OR queue = ?)'),
      deadPage: this.db.prepare<[string | null, string | null, number, number], DeadRow>(
        'SELECT * FROM dead_letters WHERE (? IS NULL OR queue = ?) ORDER BY id LIMIT ? OFFSET ?',
      ),
      deadOfQueue: this.db.prepare<[string], DeadRow>('SELECT * FROM dead_letters WHERE queue = ? ORDER BY id'),
      deadDelete: this.db.prepare('DELETE FROM dead_letters WHERE id = ?'),
      lastFired: this.db.prepare<[string], { last_fired: number }>('SELECT last_fired FROM timer_fires WHERE timer_key = ?'),
      setFired: this.db.prepare(
        `INSERT INTO timer_fires (timer_key, last_fired) VALUES (@timerKey, @scheduledAt)
         ON CONFLICT(timer_key) DO UPDATE SET last_fired = excluded.last_fired`,
      ),
      timerKeys: this.db.prepare<[], { timer_key: string }>('SELECT timer_key FROM timer_fires'),
      forgetTimer: this.db.prepare('DELETE FROM timer_fires WHERE timer_key = ?'),
    };
    for (const row of this.db.prepare<[], { namespace: string; function_name: string; n: number }>(
      'SELECT namespace, function_name, count(*) AS n FROM events GROUP BY namespace, function_name',
    ).all()) {
      this.depths.set(depthKey(row.namespace, row.function_name), row.n);
      this.depth += row.n;
    }
  }

  enqueue(events: readonly NewEvent[], now: number): EnqueueResult[] {
    const results = this.commit(() => {
      const results = events.map((e): EnqueueResult => (this.admit(e, true) ? (this.gather(e, now), 'ok') : 'full'));
      this.flushInserts();
      return results;
    }, true);
    for (const r of results) if (r === 'ok') this.enqueued += 1;
    return results;
  }

  lease(now: number, limit: number): LeasedEvent[] {
    return this.commit(() => {
      const rows = this.s.visible.all(now, limit);
      return rows.map((row) => {
        const attempt = row.attempt + 1;
        this.s.take.run({ id: row.id, visibleAt: now + row.lease_ms });
        this.s.statusAttempt.run({ requestId: row.request_id, attempt });
        return { ...toNewEvent(row), id: row.id, enqueuedAt: row.enqueued_at, attempt, failures: row.failures, throttles: row.throttles, lastError: row.last_error };
      });
    });
  }

  settle(ops: readonly SettleOp[], now: number): void {
    if (ops.length === 0) return;
    this.commit(() => {
      for (const op of ops) this.settleOne(op, now);
    });
  }

  fire(firings: readonly TimerFiring[], now: number): FireResult[] {
    if (firings.length === 0) return [];
    const results = this.commit(() => firings.map((f): FireResult => {
      const last = this.s.lastFired.get(f.timerKey)?.last_fired;
      if (last !== undefined && last >= f.scheduledAt) return 'duplicate';
      this.s.setFired.run({ timerKey: f.timerKey, scheduledAt: f.scheduledAt });
      if (!f.event) return 'skipped';
      return this.insertOne(f.event, now, true) ? 'ok' : 'full';
    }), true);
    for (const r of results) if (r === 'ok') this.enqueued += 1;
    return results;
  }

  lastFired(timerKeys: readonly string[]): Map<string, number> {
    const found = new Map<string, number>();
    for (const key of timerKeys) {
      const row = this.s.lastFired.get(key);
      if (row) found.set(key, row.last_fired);
    }
    return found;
  }

  forgetTimers(keep: ReadonlySet<string>): number {
    const gone = this.s.timerKeys.all().filter((r) => !keep.has(r.timer_key));
    if (gone.length === 0) return 0;
    return this.commit(() => {
      for (const r of gone) this.s.forgetTimer.run(r.timer_key);
      return gone.length;
    });
  }

  abort(namespace: string, requestId: string, now: number): boolean {
    return this.commit(() => {
      const row = this.s.byRequest.get(namespace, requestId);
      if (!row) return false;
      this.remove(row);
      this.s.finish.run({ requestId, status: 'ABORTED', statusCode: 0, now, error: 'terminated by TerminateAsyncEvent' });
      return true;
    }, true);
  }

  nextVisibleAt(): number | undefined {
    return this.s.nextVisible.get()?.t ?? undefined;
  }

  depthOf(namespace: string, functionName: string): number {
    return this.depths.get(depthKey(namespace, functionName)) ?? 0;
  }

  status(namespace: string, requestId: string): EventStatusRecord | undefined {
    const row = this.s.status.get(namespace, requestId);
    return row && toStatus(row);
  }

  listStatus(q: StatusQuery): { total: number; items: EventStatusRecord[] } {
    const where = ['namespace = @namespace', 'function_name = @functionName'];
    const args: Record<string, unknown> = { namespace: q.namespace, functionName: q.functionName };
    if (q.qualifier !== undefined) (where.push('qualifier = @qualifier'), (args['qualifier'] = q.qualifier));
    if (q.requestId !== undefined) (where.push('request_id = @requestId'), (args['requestId'] = q.requestId));
    if (q.startFrom !== undefined) (where.push('start_time >= @startFrom'), (args['startFrom'] = q.startFrom));
    if (q.startTo !== undefined) (where.push('start_time < @startTo'), (args['startTo'] = q.startTo));
    if (q.endFrom !== undefined) (where.push('end_time >= @endFrom'), (args['endFrom'] = q.endFrom));
    if (q.endTo !== undefined) (where.push('end_time < @endTo'), (args['endTo'] = q.endTo));
    inList(where, args, 'status', q.statuses);
    inList(where, args, 'invoke_type', q.invokeTypes);
    const clause = where.join(' AND ');
    // Column and direction come from closed lists (StatusQuery's types), never from the caller's text.
    const order = `${q.orderBy === 'end_time' ? 'end_time' : 'start_time'} ${q.order === 'asc' ? 'ASC' : 'DESC'}, rowid ${q.order === 'asc' ? 'ASC' : 'DESC'}`;
    const total = (this.db.prepare(`SELECT count(*) AS n FROM event_status WHERE ${clause}`).get(args) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM event_status WHERE ${clause} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
      .all({ ...args, limit: q.limit, offset: q.offset }) as StatusRow[];
    return { total, items: rows.map(toStatus) };
  }

  pruneStatus(before: number, untracedBefore: number): number {
    return this.commit(() => this.s.prune.run({ before, untracedBefore }).changes);
  }

  listDeadLetters(queue: string | undefined, offset: number, limit: number): { total: number; items: DeadLetterRecord[] } {
    const q = queue ?? null;
    return { total: this.s.deadCount.get(q, q)?.n ?? 0, items: this.s.deadPage.all(q, q, limit, offset).map(toDead) };
  }

  redrive(queue: string, ids: readonly number[] | undefined, now: number): DeadLetterRecord[] {
    const wanted = ids && new Set(ids);
    return this.commit(() => {
      const moved: DeadLetterRecord[] = [];
      for (const row of this.s.deadOfQueue.all(queue)) {
        if (wanted && !wanted.has(row.id)) continue;
        const dead = toDead(row);
        // A re-driven event keeps its RequestId; it is not refused by the cap (it was accepted once already).
        this.insertOne(toNewEvent(row), now, false);
        this.s.deadDelete.run(row.id);
        moved.push(dead);
      }
      return moved;
    }, true);
  }

  stats(): QueueStats {
    return { depth: this.depth, commits: this.commits, syncs: this.syncs, enqueued: this.enqueued };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  /**
   * Runs `fn` in one transaction, counting the commit; depth changes made
   * inside are undone if it throws. `durable`: the commit syncs the WAL
   * (what an API answer acknowledges); otherwise it survives a process
   * crash but not a power loss.
   */
  private commit<T>(fn: () => T, durable = false): T {
    if (durable !== this.durable) {
      this.db.pragma(`synchronous = ${durable ? 'FULL' : 'NORMAL'}`);
      this.durable = durable;
    }
    const saved = new Map(this.depths);
    const savedDepth = this.depth;
    try {
      const result = this.inTransaction(fn) as T;
      this.commits += 1;
      if (durable) this.syncs += 1;
      return result;
    } catch (err) {
      // Rows gathered by the failed transaction must not be written by the next one.
      this.insertEvents.reset();
      this.insertStatuses.reset();
      this.depths.clear();
      for (const [k, v] of saved) this.depths.set(k, v);
      this.depth = savedDepth;
      throw err;
    }
  }

  /** Inserts one event and its RUNNING status; false when `capped` and its function's queue is full. */
  private insertOne(e: NewEvent, now: number, capped: boolean): boolean {
    if (!this.admit(e, capped)) return false;
    this.gather(e, now);
    this.flushInserts();
    return true;
  }

  /** Counts `e` into its function's depth; false (nothing counted) when `capped` and that queue is full. */
  private admit(e: NewEvent, capped: boolean): boolean {
    const key = depthKey(e.namespace, e.functionName);
    const depth = this.depths.get(key) ?? 0;
    if (capped && depth >= this.options.maxPerFunction) return false;
    this.depths.set(key, depth + 1);
    this.depth += 1;
    return true;
  }

  /** Adds an admitted event's two rows to the multi-row inserts (written when a full set has gathered, or by flushInserts). */
  private gather(e: NewEvent, now: number): void {
    const { requestId, namespace, functionName, qualifier, invokeType } = e;
    this.insertEvents.pushRow(requestId, namespace, functionName, qualifier, e.payload, invokeType, e.leaseMs, now, now);
    this.insertStatuses.pushRow(requestId, namespace, functionName, qualifier, invokeType, 'RUNNING', now, e.traced === false ? 0 : 1);
  }

  /** Writes the rows still gathered; inside the transaction that gathered them. */
  private flushInserts(): void {
    this.insertEvents.flush();
    this.insertStatuses.flush();
  }

  private remove(row: EventRow): void {
    this.s.delete.run(row.id);
    const key = depthKey(row.namespace, row.function_name);
    const depth = (this.depths.get(key) ?? 1) - 1;
    if (depth > 0) this.depths.set(key, depth);
    else this.depths.delete(key);
    this.depth -= 1;
  }

  private settleOne(op: SettleOp, now: number): void {
    const row = this.s.get.get(op.id);
    // Already settled (a lease that expired and was run and settled by another consumer), or
    // terminated — and its row id possibly re-used by a newer event, which this must not touch.
    if (!row || row.request_id !== op.requestId) return;
    if (op.kind === 'ack') {
      this.remove(row);
      this.s.finish.run({ requestId: row.request_id, status: op.status, statusCode: op.statusCode, now, error: null });
      return;
    }
    if (op.kind === 'retry') {
      const throttle = op.as === 'throttle' ? 1 : 0;
      this.s.retry.run({ id: op.id, visibleAt: op.visibleAt, error: op.error, failure: op.as === 'failure' ? 1 : 0, throttle });
      if (throttle) this.s.statusAttemptDown.run(row.request_id);
      this.s.lastCode.run({ requestId: row.request_id, statusCode: op.statusCode, error: op.error });
      return;
    }
    this.remove(row);
    this.s.finish.run({ requestId: row.request_id, status: 'FAILED', statusCode: op.statusCode, now, error: op.error });
    if (op.target.kind === 'queue') {
      this.s.deadInsert.run({
        queue: op.target.queue, request_id: row.request_id, namespace: row.namespace, function_name: row.function_name,
        qualifier: row.qualifier, payload: row.payload, invoke_type: row.invoke_type, lease_ms: row.lease_ms,
        enqueued_at: row.enqueued_at, now, attempt: row.attempt, statusCode: op.statusCode, error: op.error,
      });
    } else if (op.target.kind === 'function') {
      this.insertOne(op.target.event, now, false);
    }
  }
}

function inList(where: string[], args: Record<string, unknown>, column: string, values: readonly string[] | undefined): void {
  if (!values || values.length === 0) return;
  const names = values.map((v, i) => {
    args[`${column}${i}`] = v;
    return `@${column}${i}`;
  });
  where.push(`${column} IN (${names.join(', ')})`);
}

function toNewEvent(row: QueuedRow): NewEvent {
  return {
    requestId: row.request_id, namespace: row.namespace, functionName: row.function_name, qualifier: row.qualifier,
    payload: row.payload, invokeType: row.invoke_type, leaseMs: row.lease_ms,
  };
}

function toStatus(row: StatusRow): EventStatusRecord {
  return {
    requestId: row.request_id, namespace: row.namespace, functionName: row.function_name, qualifier: row.qualifier,
    invokeType: row.invoke_type, status: row.status, statusCode: row.status_code, startTime: row.start_time,
    endTime: row.end_time, attempt: row.attempt, error: row.error,
  };
}

function toDead(row: DeadRow): DeadLetterRecord {
  return {
    ...toNewEvent(row), id: row.id, queue: row.queue, enqueuedAt: row.enqueued_at, failedAt: row.failed_at,
    attempts: row.attempts, statusCode: row.status_code, error: row.error,
  };
}
