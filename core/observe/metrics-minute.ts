/**
 * The figures of one series (or of several merged) over one minute: what the
 * request path increments, what is stored as a `metric_minutes` row, and what
 * readers merge rows into. Field meanings are those of the row
 * (store/migrations/0003_metrics.ts).
 */
import type { MinuteRecord } from '../../store';
import { addEncoded, encodeBuckets, mergeBuckets, newBuckets, quantile } from './metrics-sketch';

export const MINUTE_MS = 60_000;

/** Status-class counters: every call counts in one or more (throttles included). */
const STATUS_COUNTS = ['http2xx', 'http4xx', 'http432', 'http433', 'http434', 'http5xx'] as const;

/** Figures a point reports as they were counted. */
const COUNTS = ['minute', 'invocations', 'errors', 'throttles', 'maxConcurrency', 'outFlow', 'coldStarts', ...STATUS_COUNTS] as const;

/** Figures a row stores as they were counted (durationMin and the histogram need care). */
const STORED = [...COUNTS, 'durationSum', 'durationMax', 'memMaxMb', 'memDuration', 'initSum', 'initMax'] as const;

/** Figures a merge adds up. Max concurrency too: series are counted apart, so the function's peak is at most their sum. */
const SUMMED = ['invocations', 'errors', 'throttles', 'durationSum', 'maxConcurrency', 'memDuration', 'outFlow', 'coldStarts', 'initSum', ...STATUS_COUNTS] as const;

/** One minute as GetFunctionMetrics reports it (durations ms, memory MB); counters mean what the row's do. */
export interface MetricPoint extends Pick<MinuteRecord, (typeof COUNTS)[number]> {
  /** True for a minute still being recorded (read from memory, not yet stored). */
  open: boolean;
  durationAvg: number;
  durationP50: number;
  durationP99: number;
  durationMax: number;
  memMaxMb: number;
  memDuration: number;
  initAvg: number;
  initMax: number;
}

/**
 * The counters a call adds to, kept per minute (MinuteTally) and since the
 * server started (core/observe/metrics-series.ts SeriesTotals). Meanings are those of the
 * row (store/metrics.ts MinuteRecord).
 */
export class CallCounts {
  invocations = 0;
  errors = 0;
  throttles = 0;
  durationSum = 0;
  memMaxMb = 0;
  memDuration = 0;
  outFlow = 0;
  coldStarts = 0;
  initSum = 0;
  http2xx = 0;
  http4xx = 0;
  http432 = 0;
  http433 = 0;
  http434 = 0;
  http5xx = 0;
}

/** One series' minute as the request path counts it; `toRecord` is its stored row, `toPoint` what readers get. */
export class MinuteTally extends CallCounts implements Pick<MinuteRecord, (typeof STORED)[number]> {
  minute = 0;
  durationMin = Infinity;
  durationMax = 0;
  readonly hist = newBuckets();
  maxConcurrency = 0;
  initMax = 0;

  constructor(minute: number) {
    super();
    this.minute = minute;
  }

  /** True when anything happened in the minute (a call ended, or one was running). */
  get active(): boolean {
    return this.invocations > 0 || this.throttles > 0 || this.maxConcurrency > 0;
  }

  /** Starts `minute` afresh in place; calls still running count as its starting concurrency. */
  reset(minute: number, running: number): void {
    for (const key of SUMMED) this[key] = 0;
    this.minute = minute;
    this.durationMin = Infinity;
    this.durationMax = this.memMaxMb = this.initMax = 0;
    this.hist.fill(0);
    this.maxConcurrency = running;
  }

  /** The row this minute is stored as. */
  toRecord(labels: { namespace: string; functionName: string; version: string; alias: string }): MinuteRecord {
    const active = this.invocations > 0;
    return {
      ...pick(this, STORED),
      namespace: labels.namespace,
      functionName: labels.functionName,
      version: labels.version,
      alias: labels.alias,
      durationMin: active ? this.durationMin : 0,
      durationHist: active ? encodeBuckets(this.hist) : null,
    };
  }

  /** Merges a stored row (or another tally) into this one. */
  add(other: MinuteRecord | MinuteTally): void {
    for (const key of SUMMED) this[key] += other[key];
    if (other.invocations > 0) {
      this.durationMin = Math.min(this.durationMin, other.durationMin);
      this.durationMax = Math.max(this.durationMax, other.durationMax);
    }
    if (other instanceof MinuteTally) mergeBuckets(this.hist, other.hist);
    else addEncoded(this.hist, other.durationHist);
    this.memMaxMb = Math.max(this.memMaxMb, other.memMaxMb);
    this.initMax = Math.max(this.initMax, other.initMax);
  }

  toPoint(open: boolean): MetricPoint {
    const n = this.invocations;
    const min = n > 0 ? this.durationMin : 0;
    return {
      ...pick(this, COUNTS),
      open,
      durationAvg: n > 0 ? round(this.durationSum / n) : 0,
      durationP50: round(quantile(this.hist, n, 0.5, min, this.durationMax)),
      durationP99: round(quantile(this.hist, n, 0.99, min, this.durationMax)),
      durationMax: round(this.durationMax),
      memMaxMb: round(this.memMaxMb),
      memDuration: round(this.memDuration),
      initAvg: this.coldStarts > 0 ? round(this.initSum / this.coldStarts) : 0,
      initMax: round(this.initMax),
    };
  }
}

function pick<T, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = from[key];
  return out;
}

const round = (n: number) => Math.round(n * 1000) / 1000;
