/**
 * GetFunctionMetrics — an isola extension: the SCF API (spec/scf-api.md) has
 * no metrics action (the cloud serves them from its monitor service's
 * GetMonitorData, namespace QCE/SCF_V2). Metric names follow that service's
 * SCF metrics (Invocation, Error, Duration, ConcurrentExecutions, Throttle,
 * Mem, MemDuration, OutFlow, Syserr, Http2xx, Http4xx, Http432, Http433,
 * Http434) plus isola's own (DurationP50/P99/Max, ColdStart, InitDuration,
 * InitDurationMax).
 *
 * Params: FunctionName, Namespace (default "default"), Qualifier (a version
 * or alias: only calls that ran that version or came through that alias),
 * StartTime/EndTime (`YYYY-MM-DD HH:MM:SS`, UTC; default the last hour, at
 * most one day apart), MetricName (one name, case and `_` ignored; default
 * all), Period (60, the only granularity).
 *
 * Response: { FunctionName, Namespace, Qualifier, Period, StartTime, EndTime,
 * MetricNames, TotalCount, DataPoints: [{ Timestamp, Open, <metric>: value… }] }
 * — one point per minute that had activity, oldest first; Timestamp is the
 * start of the minute; Open marks the current minute, read from memory.
 */
import { ApiError } from '../../../core';
import type { MetricPoint } from '../../../core';
import { DEFAULT_NAMESPACE } from '../../../core';
import { formatTime, optionalInteger, optionalString, optionalTime, requiredString } from '../../../core';
import type { ActionParams, ActionTable } from '../types';

/** Every metric by its API name, in the order points list them. */
const METRICS: ReadonlyArray<readonly [string, (p: MetricPoint) => number]> = [
  ['Invocation', (p) => p.invocations],
  ['Error', (p) => p.errors],
  ['Throttle', (p) => p.throttles],
  ['Duration', (p) => p.durationAvg],
  ['DurationP50', (p) => p.durationP50],
  ['DurationP99', (p) => p.durationP99],
  ['DurationMax', (p) => p.durationMax],
  ['ConcurrentExecutions', (p) => p.maxConcurrency],
  ['Mem', (p) => p.memMaxMb],
  ['MemDuration', (p) => p.memDuration],
  ['OutFlow', (p) => p.outFlow],
  ['ColdStart', (p) => p.coldStarts],
  ['InitDuration', (p) => p.initAvg],
  ['InitDurationMax', (p) => p.initMax],
  ['Http2xx', (p) => p.http2xx],
  ['Http4xx', (p) => p.http4xx],
  ['Http432', (p) => p.http432],
  ['Http433', (p) => p.http433],
  ['Http434', (p) => p.http434],
  ['Syserr', (p) => p.http5xx],
];

/** Lower-case, `_`-less spellings (the spec's `concurrent_executions`, `http_2xx`…) → API name. */
const BY_LOOSE_NAME = new Map<string, string>([...METRICS.map(([name]) => [loose(name), name] as [string, string]), ['http5xx', 'Syserr']]);

function loose(name: string): string {
  return name.toLowerCase().replace(/_/g, '');
}

const PERIOD = 60;
const HOUR = 3_600_000;
const MAX_RANGE = 24 * HOUR;
function metricNames(params: ActionParams): string[] {
  const value = optionalString(params, 'MetricName', 'InvalidParameterValue.MetricName');
  if (value === undefined || value === '') return METRICS.map(([name]) => name);
  const name = BY_LOOSE_NAME.get(loose(value));
  if (!name) {
    throw new ApiError('InvalidParameterValue.MetricName', `MetricName must be one of ${METRICS.map(([n]) => n).join(', ')}, got ${JSON.stringify(value)}.`);
  }
  return [name];
}

export const metricsActions: ActionTable = {
  GetFunctionMetrics(params, { platform }) {
    const functionName = requiredString(params, 'FunctionName', 'InvalidParameterValue.FunctionName');
    const namespace = optionalString(params, 'Namespace', 'InvalidParameterValue.Namespace') || DEFAULT_NAMESPACE;
    const qualifier = optionalString(params, 'Qualifier', 'InvalidParameterValue.Qualifier') || undefined;
    platform.functions.get(namespace, functionName);
    const period = optionalInteger(params, 'Period', 'InvalidParameterValue.Period') ?? PERIOD;
    if (period !== PERIOD) throw new ApiError('InvalidParameterValue.Period', `Period must be ${PERIOD} (seconds), got ${period}.`);
    const names = metricNames(params);
    const now = Date.now();
    // The bound is a whole second: include the minute it falls in.
    const endTime = (optionalTime(params, 'EndTime') ?? now - (now % 1000)) + 999;
    const startTime = optionalTime(params, 'StartTime') ?? endTime - 999 - HOUR;
    if (endTime < startTime) throw new ApiError('InvalidParameterValue.EndTime', 'EndTime must not be earlier than StartTime.');
    if (endTime - startTime > MAX_RANGE) throw new ApiError('InvalidParameterValue.StartTime', 'StartTime and EndTime may be at most one day apart.');

    const points = platform.metrics.query({ namespace, functionName, qualifier, from: startTime, to: endTime });
    const getters = METRICS.filter(([name]) => names.includes(name));
    return {
      FunctionName: functionName,
      Namespace: namespace,
      Qualifier: qualifier ?? '',
      Period: PERIOD,
      StartTime: formatTime(startTime),
      EndTime: formatTime(endTime),
      MetricNames: names,
      TotalCount: points.length,
      DataPoints: points.map((point) => {
        const out: Record<string, unknown> = { Timestamp: formatTime(point.minute), Open: point.open };
        for (const [name, get] of getters) out[name] = get(point);
        return out;
      }),
    };
  },
};
