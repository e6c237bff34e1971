/**
 * A metrics series (namespace × function × version × alias) and how one
 * finished call is counted into it: the current minute's tally and the
 * totals since start. Runs once per call on the request path: counter
 * increments into preallocated tallies, no allocation.
 */
import { OUTCOMES, rowOfStatus } from '../outcomes';
import { BUCKETS, bucketOf, upperBoundOf } from './metrics-sketch';
import { CallCounts, MinuteTally } from './metrics-minute';
import { DURATION_BOUNDS_MS } from './metrics-prometheus';

/** Cumulative since start: what /metrics shows per series. */
export class SeriesTotals extends CallCounts {
  /** Per DURATION_BOUNDS_MS bucket (last = +Inf), not cumulative. */
  readonly durationBuckets = new Float64Array(DURATION_BOUNDS_MS.length + 1);
}

export class Series {
  /** Calls of this series running now. */
  running = 0;
  readonly current: MinuteTally;
  readonly totals = new SeriesTotals();
  readonly alias: string;

  constructor(
    readonly namespace: string,
    readonly functionName: string,
    readonly version: string,
    alias: string,
    minute: number,
  ) {
    this.alias = alias;
    this.current = new MinuteTally(minute);
  }
}

/** For each fine bucket, the Prometheus bucket holding its upper bound. */
const COARSE_OF_FINE = Uint8Array.from({ length: BUCKETS }, (_, i) => {
  const upper = upperBoundOf(i);
  let b = 0;
  while (b < DURATION_BOUNDS_MS.length && upper > DURATION_BOUNDS_MS[b]!) b++;
  return b;
});

/**
 * Counts one finished call (any outcome, throttles included) into the
 * minute tally `m` and the totals `t`. Throttles are not invocations; the
 * metric class comes from the outcome table; the http_* counters go by the
 * status's class as the spec names them.
 */
export function countCall(
  m: MinuteTally,
  t: SeriesTotals,
  statusCode: number,
  durationMs: number,
  memUsageBytes: number,
  memoryMb: number,
  coldStartMs: number | undefined,
  outFlowBytes: number,
): void {
  const row = rowOfStatus(statusCode);
  if (row.metricClass === 'throttle') {
    m.throttles++;
    t.throttles++;
  } else {
    m.invocations++;
    t.invocations++;
    if (row.metricClass === 'error') {
      m.errors++;
      t.errors++;
    }
    const d = durationMs > 0 ? durationMs : 0;
    m.durationSum += d;
    t.durationSum += d;
    if (d < m.durationMin) m.durationMin = d;
    if (d > m.durationMax) m.durationMax = d;
    const fine = bucketOf(d);
    m.hist[fine]!++;
    // The Prometheus bucket from the fine one: a fine bucket straddles at most one
    // bound; the fix-ups make it exact (floating-point edges included).
    let coarse = COARSE_OF_FINE[fine]!;
    if (coarse > 0 && d <= DURATION_BOUNDS_MS[coarse - 1]!) coarse--;
    else if (coarse < DURATION_BOUNDS_MS.length && d > DURATION_BOUNDS_MS[coarse]!) coarse++;
    t.durationBuckets[coarse]!++;
    const mb = memUsageBytes / 1048576;
    if (mb > m.memMaxMb) m.memMaxMb = mb;
    if (mb > t.memMaxMb) t.memMaxMb = mb;
    m.memDuration += memoryMb * d;
    t.memDuration += memoryMb * d;
    m.outFlow += outFlowBytes;
    t.outFlow += outFlowBytes;
    if (coldStartMs !== undefined) {
      m.coldStarts++;
      t.coldStarts++;
      m.initSum += coldStartMs;
      t.initSum += coldStartMs;
      if (coldStartMs > m.initMax) m.initMax = coldStartMs;
    }
  }
  // The spec's http_2xx / http_4xx / http_5xx counters go by the status's class.
  const statusClass = Math.trunc(statusCode / 100);
  if (statusClass <= 2) {
    m.http2xx++;
    t.http2xx++;
  } else if (statusClass <= 4) {
    m.http4xx++;
    t.http4xx++;
    if (statusCode === OUTCOMES.throttled.status) {
      m.http432++;
      t.http432++;
    } else if (statusCode === OUTCOMES.timeout.status) {
      m.http433++;
      t.http433++;
    } else if (statusCode === OUTCOMES.oom.status) {
      m.http434++;
      t.http434++;
    }
  } else {
    m.http5xx++;
    t.http5xx++;
  }
}
