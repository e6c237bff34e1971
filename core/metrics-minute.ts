/**
 * The figures of one series (or of several merged) over one minute: what the
 * request path increments, what is stored as a `metric_minutes` row, and what
 * readers merge rows into. Field meanings are those of the row
 * (store/migrations/0003_metrics.ts).
 */
import type { MinuteRecord } from '../store';
import { addEncoded, encodeBuckets, mergeBuckets, newBuckets, quantile } from './metrics-sketch';

export const MINUTE_MS = 60_000;

/** One minute as GetFunctionMetrics reports it (durations ms, memory MB). */
export interface MetricPoint {
  /** Start of the minute, epoch ms. */
  minute: number;
  /** True for a minute still being recorded (read from memory, not yet stored). */
  open: boolean;
  invocations: number;
  errors: number;
  throttles: number;
  durationAvg: number;
  durationP50: number;
  durationP99: number;
  durationMax: number;
  maxConcurrency: number;
  memMaxMb: number;
  memDuration: number;
  outFlow: number;
  coldStarts: number;
  initAvg: number;
  initMax: number;
  http2xx: number;
  http4xx: number;
  http432: number;
  http433: number;
  http434: number;
  http5xx: number;
}

export class MinuteTally {
  minute = 0;
  invocations = 0;
  errors = 0;
  throttles = 0;
  durationSum = 0;
  durationMin = Infinity;
  durationMax = 0;
  readonly hist = newBuckets();
  maxConcurrency = 0;
  memMaxMb = 0;
  memDuration = 0;
  outFlow = 0;
  coldStarts = 0;
  initSum = 0;
  initMax = 0;
  http2xx = 0;
  http4xx = 0;
  http432 = 0;
  http433 = 0;
  http434 = 0;
  http5xx = 0;

  constructor(minute: number) {
    this.minute = minute;
  }

  /** True when anything happened in the minute (a call ended, or one was running). */
  get active(): boolean {
    return this.invocations > 0 || this.throttles > 0 || this.maxConcurrency > 0;
  }

  /** Starts `minute` afresh in place; calls still running count as its starting concurrency. */
  reset(minute: number, running: number): void {
    this.minute = minute;
    this.invocations = this.errors = this.throttles = 0;
    this.durationSum = this.durationMax = 0;
    this.durationMin = Infinity;
    this.hist.fill(0);
    this.maxConcurrency = running;
    this.memMaxMb = this.memDuration = this.outFlow = 0;
    this.coldStarts = this.initSum = this.initMax = 0;
    this.http2xx = this.http4xx = this.http432 = this.http433 = this.http434 = this.http5xx = 0;
  }

  /** The row this minute is stored as. */
  toRecord(labels: { namespace: string; functionName: string; version: string; alias: string }): MinuteRecord {
    return {
      minute: this.minute,
      namespace: labels.namespace,
      functionName: labels.functionName,
      version: labels.version,
      alias: labels.alias,
      invocations: this.invocations,
      errors: this.errors,
      throttles: this.throttles,
      durationSum: this.durationSum,
      durationMin: this.invocations > 0 ? this.durationMin : 0,
      durationMax: this.durationMax,
      durationHist: this.invocations > 0 ? encodeBuckets(this.hist) : null,
      maxConcurrency: this.maxConcurrency,
      memMaxMb: this.memMaxMb,
      memDuration: this.memDuration,
      outFlow: this.outFlow,
      coldStarts: this.coldStarts,
      initSum: this.initSum,
      initMax: this.initMax,
      http2xx: this.http2xx,
      http4xx: this.http4xx,
      http432: this.http432,
      http433: this.http433,
      http434: this.http434,
      http5xx: this.http5xx,
    };
  }

  /** Merges a stored row (or another tally) into this one. */
  add(other: MinuteRecord | MinuteTally): void {
    this.invocations += other.invocations;
    this.errors += other.errors;
    this.throttles += other.throttles;
    this.durationSum += other.durationSum;
    if (other.invocations > 0) {
      this.durationMin = Math.min(this.durationMin, other.durationMin);
      this.durationMax = Math.max(this.durationMax, other.durationMax);
    }
    if (other instanceof MinuteTally) mergeBuckets(this.hist, other.hist);
    else addEncoded(this.hist, other.durationHist);
    // Series are counted apart, so the function's peak is at most their sum; the sum is the reported bound.
    this.maxConcurrency += other.maxConcurrency;
    this.memMaxMb = Math.max(this.memMaxMb, other.memMaxMb);
    this.memDuration += other.memDuration;
    this.outFlow += other.outFlow;
    this.coldStarts += other.coldStarts;
    this.initSum += other.initSum;
    this.initMax = Math.max(this.initMax, other.initMax);
    this.http2xx += other.http2xx;
    this.http4xx += other.http4xx;
    this.http432 += other.http432;
    this.http433 += other.http433;
    this.http434 += other.http434;
    this.http5xx += other.http5xx;
  }

  toPoint(open: boolean): MetricPoint {
    const n = this.invocations;
    const min = n > 0 ? this.durationMin : 0;
    return {
      minute: this.minute,
      open,
      invocations: n,
      errors: this.errors,
      throttles: this.throttles,
      durationAvg: n > 0 ? round(this.durationSum / n) : 0,
      durationP50: round(quantile(this.hist, n, 0.5, min, this.durationMax)),
      durationP99: round(quantile(this.hist, n, 0.99, min, this.durationMax)),
      durationMax: round(this.durationMax),
      maxConcurrency: this.maxConcurrency,
      memMaxMb: round(this.memMaxMb),
      memDuration: round(this.memDuration),
      outFlow: this.outFlow,
      coldStarts: this.coldStarts,
      initAvg: this.coldStarts > 0 ? round(this.initSum / this.coldStarts) : 0,
      initMax: round(this.initMax),
      http2xx: this.http2xx,
      http4xx: this.http4xx,
      http432: this.http432,
      http433: this.http433,
      http434: this.http434,
      http5xx: this.http5xx,
    };
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
