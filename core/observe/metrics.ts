/**
 * Function metrics (platform-semantics §7): per series — namespace ×
 * function × version × alias (the alias that routed the call, if any) — in
 * memory, in 1-minute buckets, rolled up to SQLite once per closed minute.
 *
 * Request path. `record()` is called once per finished call (throttles
 * included) by the invocation pipeline (core/invoke/pipeline.ts), `begin()`/`end()` around each
 * call that runs. Each is a WeakMap lookup on the caller's resolved-version
 * object (a string-keyed Map the first time an object is seen) and counter
 * increments into a preallocated tally: no I/O, no allocation except once
 * per series per minute when the minute rolls over. Calls are counted in the
 * minute they END (the end time the caller passes), so a stored minute is
 * never written to again by this process (the counting itself is in
 * metrics-series.ts). The caller passes the times it
 * already read (start, start + duration): on this machine one clock read
 * (~60 ns) costs more than the rest of `record()`.
 *
 * Definitions. invocations: calls that ran (throttled calls are not
 * invocations); errors: calls that ran and ended with a status other than
 * 200; throttles: 432 and 429; duration avg/p50/p99/max over invocations
 * (sketch and error bound in core/observe/metrics-sketch.ts: ±4.9 %); max concurrent
 * executions: the most calls of the series running at once in the minute;
 * mem max: highest memory a call used (MB); mem_duration: Σ configured MB ×
 * duration ms; out_flow: bytes of results returned; cold starts: calls that
 * paid for one, init duration = its Coldstart figure; status classes count
 * every call, throttles included: http_4xx is every 4xx, http_432/433/434
 * are parts of it, http_5xx is the spec's syserr.
 *
 * Persistence. A timer fires just after each minute boundary: minutes that
 * ended are turned into rows and written in ONE transaction on the main
 * thread, then a bounded retention step runs. A tick writes at most one row
 * per active series, once a minute: measured here ~8-17 µs a row, so a few
 * dozen series cost well under 1 ms, and the worst case (all 2000 series of
 * the default cap active) stalls the event loop ~17-34 ms once a minute.
 * TODO(perf): hand the rows to the log writer's worker thread once its batch
 * writer is generic (store/logs.ts is being split), if that case matters.
 * `close()` also writes the open minute. A crash loses at most the current minute and the one before
 * it, if the crash hits before the tick.
 *
 * Cardinality. At most `maxSeries` series are tracked (a series lives until
 * the process ends, as Prometheus counters must); calls of further series are
 * counted in `overflow` only.
 */
import { resolveOptions, type Schema } from '../../lib';
import type { AdmissionStats } from '../capacity';
import type { LogWriterStats } from './logs';
import type { ExecutorStats } from '../../executor';
import type { MinuteQuery, MinuteRecord } from '../../store';
import { MINUTE_MS, MinuteTally, type MetricPoint } from './metrics-minute';
import { countCall, Series, SeriesTotals } from './metrics-series';
import { renderPrometheus, type AsyncQueueGauges } from './metrics-prometheus';
import type { WebSocketCounters } from './websocket-counters';

export type { MetricPoint } from './metrics-minute';
export { Series, SeriesTotals } from './metrics-series';

/** What identifies a series. The invocation path passes its cached ResolvedVersion (its identity is the fast-path key). */
export interface SeriesLabels {
  readonly namespace: string;
  readonly functionName: string;
  readonly version: string;
  readonly alias?: string | null;
}

/** Where closed minutes go (store/metrics.ts MetricsRepo). */
export interface MinuteSink {
  writeMinutes(records: readonly MinuteRecord[]): void;
  range(query: MinuteQuery): MinuteRecord[];
  pruneStep(cutoff: number, limit: number): number;
}

export interface MetricsOptions {
  /** Stored minutes older than this are pruned (ms). Default 7 days; 0 keeps everything. */
  retentionMs: number;
  /** Series tracked at most; calls of further series only count in `overflow`. Default 2000. */
  maxSeries: number;
  /** Run the per-minute timer (default true); false: call `tick()` yourself (tests). */
  timer: boolean;
  /** Clock (tests). */
  now: () => number;
  /** Process gauges for /metrics. */
  executorStats: (() => ExecutorStats[]) | null;
  admissionStats: (() => AdmissionStats) | null;
  /** The log writer's batch figures for /metrics. */
  logStats: (() => LogWriterStats) | null;
  /** The gateway's WebSocket counters for /metrics. */
  webSocketStats: (() => WebSocketCounters) | null;
  /** The async queue's figures for /metrics. */
  asyncStats: (() => AsyncQueueGauges) | null;
}

/** Each option's type, range and default, for the one options validator. */
const SCHEMA: Schema<MetricsOptions> = {
  retentionMs: { type: 'number', min: 0, default: 7 * 24 * 3600 * 1000 },
  maxSeries: { type: 'number', integer: true, min: 1, default: 2000 },
  timer: { type: 'boolean', default: true },
  now: { type: 'function', default: Date.now },
  executorStats: { type: 'function', nullable: true, default: null },
  admissionStats: { type: 'function', nullable: true, default: null },
  logStats: { type: 'function', nullable: true, default: null },
  webSocketStats: { type: 'function', nullable: true, default: null },
  asyncStats: { type: 'function', nullable: true, default: null },
};

/** Rows deleted per retention transaction. */
const PRUNE_BATCH = 5000;
/** How long after a minute boundary the tick runs (lets calls ending right at the boundary land first). */
const TICK_DELAY_MS = 200;

export interface MetricsCounters {
  series: number;
  /** Calls not attributed to a series because `maxSeries` were tracked. */
  overflow: number;
  rowsWritten: number;
  /** Rows lost to failed transactions. */
  rowsDropped: number;
  writeFailures: number;
  rowsPruned: number;
  /** Calls running now, all series. */
  running: number;
}

export interface MetricsQuery {
  namespace: string;
  functionName: string;
  /** Only series whose version or alias is this. */
  qualifier?: string;
  /** Inclusive epoch-ms bounds; minutes starting in [from, to] are returned. */
  from: number;
  to: number;
}

const OVERFLOW = Symbol('overflow');

/**
 * The metrics service. Built by startPlatform; `close()` it before the store.
 * Without a sink (tests) nothing is stored and queries see memory only.
 */
export class MetricsService {
  private readonly options: Readonly<MetricsOptions>;
  private readonly byObject = new WeakMap<object, Series | typeof OVERFLOW>();
  private readonly byKey = new Map<string, Series>();
  private pending: MinuteRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private running = 0;
  private readonly counters = { overflow: 0, rowsWritten: 0, rowsDropped: 0, writeFailures: 0, rowsPruned: 0 };

  constructor(
    private readonly sink: MinuteSink | null,
    options: Partial<MetricsOptions> = {},
  ) {
    this.options = resolveOptions(SCHEMA, options, { noun: 'metrics option' });
    if (this.options.timer) this.schedule();
  }

  /**
   * Counts one finished call (any status, throttles included) in its series'
   * current minute and in the totals. `endTime` (epoch ms) is when it ended,
   * from the caller's own clock reading (start + duration): a clock read
   * costs as much as the rest of this method on this machine. Positional
   * arguments so the request path allocates nothing. `coldStartMs` is the
   * call's Coldstart figure when it paid for one; `outFlowBytes` the size of
   * what it returned.
   */
  record(
    labels: SeriesLabels,
    endTime: number,
    statusCode: number,
    durationMs: number,
    memUsageBytes: number,
    memoryMb: number,
    coldStartMs?: number,
    outFlowBytes = 0,
  ): void {
    const s = this.seriesOf(labels);
    if (s === null) return;
    const m = this.currentOf(s, endTime);
    countCall(m, s.totals, statusCode, durationMs, memUsageBytes, memoryMb, coldStartMs, outFlowBytes);
  }

  /** A call of this series starts running at `now` (epoch ms); pass the result to `end()` when it stops (null is fine). */
  begin(labels: SeriesLabels, now: number): Series | null {
    const s = this.seriesOf(labels);
    if (s === null) return null;
    const m = this.currentOf(s, now);
    s.running++;
    this.running++;
    if (s.running > m.maxConcurrency) m.maxConcurrency = s.running;
    return s;
  }

  /** The call `begin()` counted has stopped. */
  end(series: Series | null): void {
    if (series === null) return;
    series.running--;
    this.running--;
  }

  /**
   * Closes every minute that has ended and writes the closed minutes in one
   * transaction, then runs a bounded retention step. Runs from the timer;
   * readers call it so that what they read is current.
   */
  tick(): void {
    const minute = minuteOf(this.options.now());
    for (const s of this.byKey.values()) if (s.current.minute < minute) this.roll(s, minute);
    this.write();
  }

  /**
   * Per-minute points of one function for [from, to], stored minutes merged
   * with the open one from memory; only minutes with activity. Series merge
   * per minute: counters add, maxima take the max (max concurrency adds: an
   * upper bound of the function's peak), quantiles come from the merged
   * histograms.
   */
  query(q: MetricsQuery): MetricPoint[] {
    if (!this.closed) this.tick();
    const from = minuteOf(q.from);
    const to = q.to;
    const byMinute = new Map<number, { tally: MinuteTally; open: boolean }>();
    const slot = (minute: number) => {
      let entry = byMinute.get(minute);
      if (!entry) byMinute.set(minute, (entry = { tally: new MinuteTally(minute), open: false }));
      return entry;
    };
    if (this.sink) {
      const rows = this.sink.range({ namespace: q.namespace, functionName: q.functionName, qualifier: q.qualifier, from, to });
      for (const row of rows) slot(row.minute).tally.add(row);
    }
    for (const s of this.byKey.values()) {
      if (s.namespace !== q.namespace || s.functionName !== q.functionName) continue;
      if (q.qualifier !== undefined && s.version !== q.qualifier && s.alias !== q.qualifier) continue;
      const m = s.current;
      if (!m.active || m.minute < from || m.minute > to) continue;
      const entry = slot(m.minute);
      entry.tally.add(m);
      entry.open = true;
    }
    return [...byMinute.values()].sort((a, b) => a.tally.minute - b.tally.minute).map((e) => e.tally.toPoint(e.open));
  }

  /** Every tracked series (Prometheus rendering, tests). */
  series(): IterableIterator<Series> {
    return this.byKey.values();
  }

  counts(): MetricsCounters & { maxSeries: number } {
    return { series: this.byKey.size, maxSeries: this.options.maxSeries, running: this.running, ...this.counters };
  }

  /** The Prometheus text exposition of the totals and the process gauges (GET /metrics). */
  prometheus(): string {
    return renderPrometheus(this, {
      executors: this.options.executorStats?.() ?? null,
      admission: this.options.admissionStats?.() ?? null,
      logs: this.options.logStats?.() ?? null,
      webSockets: this.options.webSocketStats?.() ?? null,
      asyncQueue: this.options.asyncStats?.() ?? null,
    });
  }

  /** Writes every minute, the open one included, and stops the timer; later calls are ignored. Idempotent. */
  close(): void {
    if (this.closed) return;
    for (const s of this.byKey.values()) this.roll(s, Infinity);
    this.write();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Stops at once, dropping what is not written. Idempotent. */
  destroy(): void {
    this.closed = true;
    this.pending = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private seriesOf(labels: SeriesLabels): Series | null {
    if (this.closed) return null;
    const cached = this.byObject.get(labels);
    if (cached !== undefined) return cached === OVERFLOW ? this.overflowed() : cached;
    const alias = labels.alias ?? '';
    const key = `${labels.namespace}\u0000${labels.functionName}\u0000${labels.version}\u0000${alias}`;
    let s = this.byKey.get(key);
    if (!s) {
      if (this.byKey.size >= this.options.maxSeries) {
        this.byObject.set(labels, OVERFLOW);
        return this.overflowed();
      }
      s = new Series(labels.namespace, labels.functionName, labels.version, alias, minuteOf(this.options.now()));
      this.byKey.set(key, s);
    }
    this.byObject.set(labels, s);
    return s;
  }

  private overflowed(): null {
    this.counters.overflow++;
    return null;
  }

  /** The series' tally for the minute of `now`, rolling over when the minute has changed. */
  private currentOf(s: Series, now: number): MinuteTally {
    // A time before the current minute (a clock stepping back, a call ending just before a tick) counts in the current minute.
    if (now >= s.current.minute + MINUTE_MS) this.roll(s, minuteOf(now));
    return s.current;
  }

  /** Queues the series' minute (when anything happened in it) and starts `minute`. */
  private roll(s: Series, minute: number): void {
    if (s.current.active) this.pending.push(s.current.toRecord(s));
    s.current.reset(minute, s.running);
  }

  private write(): void {
    if (this.pending.length > 0) {
      const rows = this.pending;
      this.pending = [];
      if (this.sink) {
        try {
          this.sink.writeMinutes(rows);
          this.counters.rowsWritten += rows.length;
        } catch (err) {
          this.counters.writeFailures++;
          this.counters.rowsDropped += rows.length;
          console.error(`[metrics] dropped ${rows.length} minute rows: ${(err as Error).message}`);
        }
      }
    }
    this.prune();
  }

  private prune(): void {
    if (!this.sink || this.options.retentionMs <= 0) return;
    // Whole minutes: the minute holding the cutoff is kept.
    const cutoff = minuteOf(this.options.now() - this.options.retentionMs);
    try {
      // Normally one small step a minute; a long backlog (a server off for weeks) goes PRUNE_BATCH rows per transaction.
      for (let n = PRUNE_BATCH; n === PRUNE_BATCH; ) {
        n = this.sink.pruneStep(cutoff, PRUNE_BATCH);
        this.counters.rowsPruned += n;
      }
    } catch (err) {
      console.error(`[metrics] pruning failed: ${(err as Error).message}`);
    }
  }

  private schedule(): void {
    const now = this.options.now();
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed) return;
      this.tick();
      this.schedule();
    }, minuteOf(now) + MINUTE_MS + TICK_DELAY_MS - now);
    // Never keeps the process alive; shutdown calls close().
    this.timer.unref();
  }
}

/** Start of the minute holding `ms`. */
export const minuteOf = (ms: number): number => ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);

