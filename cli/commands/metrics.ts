import type { Command } from 'commander';
import type { ApiResponse } from '../client';
import { addClientOptions, type ClientFlags, resolveClient } from '../config';
import { timeFlag } from '../flags';
import { formatTable, print, printJson } from '../output';

/** The GetFunctionMetrics point fields the table shows. */
interface MetricPoint {
  Timestamp?: string;
  Open?: boolean;
  Invocation?: number;
  Error?: number;
  Duration?: number;
  DurationP99?: number;
  ConcurrentExecutions?: number;
  Throttle?: number;
  ColdStart?: number;
  InitDuration?: number;
}

interface MetricsResponse extends ApiResponse {
  StartTime?: string;
  EndTime?: string;
  DataPoints?: MetricPoint[];
}

interface MetricsFlags extends ClientFlags {
  qualifier?: string;
  since?: string;
  until?: string;
}

/**
 * `isola metrics <fn>`: GetFunctionMetrics (an isola extension). One row per
 * minute with activity in the range (default: the last hour): invocations,
 * errors, average and p99 duration, max concurrency, throttles, cold starts.
 * The current minute, still being recorded, is marked `*`. With --json the
 * API response.
 */
export function registerMetrics(program: Command): void {
  addClientOptions(
    program
      .command('metrics')
      .description("show a function's per-minute metrics")
      .argument('<fn>', 'function name')
      .option('--qualifier <q>', 'only calls of this version or alias')
      .option('--since <time>', 'from (30s, 10m, 2h, 1d ago, or a date; default 1h)', timeFlag('--since'))
      .option('--until <time>', 'until (same forms as --since; default now)', timeFlag('--until')),
  ).action(async (name: string, opts: MetricsFlags) => {
    const { client, json, namespace } = resolveClient(opts);
    const response = await client.call<MetricsResponse>('GetFunctionMetrics', {
      FunctionName: name,
      Namespace: namespace,
      Qualifier: opts.qualifier,
      StartTime: opts.since,
      EndTime: opts.until,
      Period: 60,
    });
    if (json) return printJson(response);
    const points = response.DataPoints ?? [];
    if (points.length === 0) {
      print(`no calls of ${name} (namespace ${namespace}) from ${response.StartTime ?? '?'} to ${response.EndTime ?? '?'} UTC`);
      return;
    }
    print(
      formatTable(points, [
        { header: 'MINUTE (UTC)', value: (p) => `${(p.Timestamp ?? '').slice(0, 16)}${p.Open ? '*' : ''}` },
        { header: 'INVOCATIONS', value: (p) => p.Invocation, right: true },
        { header: 'ERRORS', value: (p) => p.Error, right: true },
        { header: 'AVG MS', value: (p) => ms(p.Duration), right: true },
        { header: 'P99 MS', value: (p) => ms(p.DurationP99), right: true },
        { header: 'MAX CONC', value: (p) => p.ConcurrentExecutions, right: true },
        { header: 'THROTTLES', value: (p) => p.Throttle, right: true },
        { header: 'COLD STARTS', value: (p) => p.ColdStart, right: true },
        { header: 'AVG INIT MS', value: (p) => (p.ColdStart ? ms(p.InitDuration) : ''), right: true },
      ]),
    );
    if (points.some((p) => p.Open)) print('* minute still in progress');
  });
}

const ms = (value: number | undefined) => (value === undefined ? '' : value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2));
