/**
 * Metric rollups: the `metric_minutes` table of migration 0003. The core
 * (core/observe/metrics.ts) hands over the minutes it closed, at most once a minute,
 * and they are written in one transaction; readers get a function's rows for
 * a time range and merge them themselves (a minute may hold several rows per
 * series, see the migration). Statements are prepared once.
 */
import type { Db } from './db';

/** One series' figures for one minute, as stored. Times are epoch ms, durations ms. */
export interface MinuteRecord {
  minute: number;
  namespace: string;
  functionName: string;
  version: string;
  /** '' when no alias routed the calls. */
  alias: string;
  invocations: number;
  errors: number;
  throttles: number;
  durationSum: number;
  durationMin: number;
  durationMax: number;
  /** Sparse histogram bytes (core/observe/metrics-sketch.ts), null when there was no invocation. */
  durationHist: Uint8Array | null;
  maxConcurrency: number;
  memMaxMb: number;
  memDuration: number;
  outFlow: number;
  coldStarts: number;
  initSum: number;
  initMax: number;
  http2xx: number;
  http4xx: number;
  http432: number;
  http433: number;
  http434: number;
  http5xx: number;
}

export interface MinuteQuery {
  namespace: string;
  functionName: string;
  /** Only rows whose version or alias is this. */
  qualifier?: string;
  /** Inclusive bounds on `minute`. */
  from: number;
  to: number;
}

interface MinuteRow {
  minute: number;
  namespace: string;
  function_name: string;
  version: string;
  alias: string;
  invocations: number;
  errors: number;
  throttles: number;
  duration_sum: number;
  duration_min: number;
  duration_max: number;
  duration_hist: Buffer | null;
  max_concurrency: number;
  mem_max_mb: number;
  mem_duration: number;
  out_flow: number;
  cold_starts: number;
  init_sum: number;
  init_max: number;
  http_2xx: number;
  http_4xx: number;
  http_432: number;
  http_433: number;
  http_434: number;
  http_5xx: number;
}

const COLUMNS =
  'minute, namespace, function_name, version, alias, invocations, errors, throttles, duration_sum, duration_min, duration_max, ' +
  'duration_hist, max_concurrency, mem_max_mb, mem_duration, out_flow, cold_starts, init_sum, init_max, ' +
  'http_2xx, http_4xx, http_432, http_433, http_434, http_5xx';

export class MetricsRepo {
  private readonly insertStmt;
  private readonly rangeStmt;
  private readonly rangeQualifiedStmt;
  private readonly pruneStmt;
  private readonly countStmt;
  private readonly writeTx;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(`INSERT INTO metric_minutes (${COLUMNS}) VALUES (${COLUMNS.split(',').map(() => '?').join(', ')})`);
    this.rangeStmt = db.prepare<[string, string, number, number], MinuteRow>(
      `SELECT ${COLUMNS} FROM metric_minutes WHERE namespace = ? AND function_name = ? AND minute >= ? AND minute <= ? ORDER BY minute, id`,
    );
    this.rangeQualifiedStmt = db.prepare<[string, string, number, number, string, string], MinuteRow>(
      `SELECT ${COLUMNS} FROM metric_minutes WHERE namespace = ? AND function_name = ? AND minute >= ? AND minute <= ?
         AND (version = ? OR alias = ?) ORDER BY minute, id`,
    );
    // Bounded: a long backlog goes in several steps, never one long transaction.
    this.pruneStmt = db.prepare<[number, number]>(
      'DELETE FROM metric_minutes WHERE id IN (SELECT id FROM metric_minutes WHERE minute < ? ORDER BY minute LIMIT ?)',
    );
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM metric_minutes');
    this.writeTx = db.transaction((records: readonly MinuteRecord[]) => {
      for (const r of records) {
        this.insertStmt.run(
          r.minute,
          r.namespace,
          r.functionName,
          r.version,
          r.alias,
          r.invocations,
          r.errors,
          r.throttles,
          r.durationSum,
          r.durationMin,
          r.durationMax,
          r.durationHist,
          r.maxConcurrency,
          r.memMaxMb,
          r.memDuration,
          r.outFlow,
          r.coldStarts,
          r.initSum,
          r.initMax,
          r.http2xx,
          r.http4xx,
          r.http432,
          r.http433,
          r.http434,
          r.http5xx,
        );
      }
    });
  }

  /** Writes `records` in one transaction; a throw writes none of them. */
  writeMinutes(records: readonly MinuteRecord[]): void {
    if (records.length > 0) this.writeTx(records);
  }

  /** A function's rows with `from ≤ minute ≤ to`, oldest first. */
  range(query: MinuteQuery): MinuteRecord[] {
    const rows =
      query.qualifier === undefined
        ? this.rangeStmt.all(query.namespace, query.functionName, query.from, query.to)
        : this.rangeQualifiedStmt.all(query.namespace, query.functionName, query.from, query.to, query.qualifier, query.qualifier);
    return rows.map(toRecord);
  }

  /** Deletes up to `limit` rows older than `cutoff`; returns how many went (call again while it equals `limit`). */
  pruneStep(cutoff: number, limit: number): number {
    return this.pruneStmt.run(cutoff, limit).changes;
  }

  /** Rows stored (tests, diagnostics). */
  count(): number {
    return this.countStmt.get()!.n;
  }
}

function toRecord(row: MinuteRow): MinuteRecord {
  return {
    minute: row.minute,
    namespace: row.namespace,
    functionName: row.function_name,
    version: row.version,
    alias: row.alias,
    invocations: row.invocations,
    errors: row.errors,
    throttles: row.throttles,
    durationSum: row.duration_sum,
    durationMin: row.duration_min,
    durationMax: row.duration_max,
    durationHist: row.duration_hist,
    maxConcurrency: row.max_concurrency,
    memMaxMb: row.mem_max_mb,
    memDuration: row.mem_duration,
    outFlow: row.out_flow,
    coldStarts: row.cold_starts,
    initSum: row.init_sum,
    initMax: row.init_max,
    http2xx: row.http_2xx,
    http4xx: row.http_4xx,
    http432: row.http_432,
    http433: row.http_433,
    http434: row.http_434,
    http5xx: row.http_5xx,
  };
}
