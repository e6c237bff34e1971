/**
 * GET /metrics: Prometheus text exposition format 0.0.4. Per-series families
 * carry the labels namespace, function, version (and alias, only on series an
 * alias routed); counters are cumulative since the server started. Process
 * families come from the runtime and admission snapshots.
 */
import type { AdmissionStats } from '../capacity';
import type { LogWriterStats } from './logs';
import type { ExecutorStats } from '../../executor';
import { OUTCOMES } from '../outcomes';
import type { MetricsCounters } from './metrics';
import type { Series, SeriesTotals } from './metrics-series';
import type { WebSocketCounters } from './websocket-counters';

/** Prometheus bucket bounds of the duration histogram, ms. */
export const DURATION_BOUNDS_MS: readonly number[] = Object.freeze([1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000, 900_000]);

export interface PrometheusSource {
  series(): Iterable<Series>;
  counts(): MetricsCounters & { maxSeries: number };
}

type Family = readonly [name: string, type: 'counter' | 'gauge', help: string, value: (t: SeriesTotals, s: Series) => number];

const SERIES_FAMILIES: readonly Family[] = [
  ['isola_function_invocations_total', 'counter', 'Calls that ran (throttled calls are not invocations).', (t) => t.invocations],
  ['isola_function_errors_total', 'counter', 'Calls that ran and ended with a status other than 200.', (t) => t.errors],
  ['isola_function_throttles_total', 'counter', 'Calls refused by admission (432 concurrency, 429 scale-out).', (t) => t.throttles],
  ['isola_function_cold_starts_total', 'counter', 'Calls that paid for a cold start.', (t) => t.coldStarts],
  ['isola_function_mem_duration_mb_milliseconds_total', 'counter', 'Configured memory (MB) times duration (ms), summed.', (t) => t.memDuration],
  ['isola_function_out_flow_bytes_total', 'counter', 'Bytes of results returned.', (t) => t.outFlow],
  ['isola_function_http_2xx_total', 'counter', 'Calls that ended 2xx.', (t) => t.http2xx],
  ['isola_function_http_4xx_total', 'counter', 'Calls that ended 4xx (432, 433 and 434 included).', (t) => t.http4xx],
  ['isola_function_http_432_total', 'counter', 'Calls that ended 432 ResourceLimitReached.', (t) => t.http432],
  ['isola_function_http_433_total', 'counter', 'Calls that ended 433 TimeLimitReached.', (t) => t.http433],
  ['isola_function_http_434_total', 'counter', 'Calls that ended 434 MemoryLimitReached.', (t) => t.http434],
  ['isola_function_http_5xx_total', 'counter', 'Calls that ended 5xx (system errors).', (t) => t.http5xx],
  ['isola_function_concurrent_executions', 'gauge', 'Calls running now.', (_t, s) => s.running],
  ['isola_function_memory_max_megabytes', 'gauge', 'Highest memory one call used since the server started, MB.', (t) => round(t.memMaxMb)],
];

/** The async queue's figures for /metrics (core/async's stats). */
export interface AsyncQueueGauges {
  depth: number;
  running: number;
  enqueued: number;
  commits: number;
  syncs: number;
}

/** The async queue's families: name, counter (else gauge), help, field. */
const ASYNC_QUEUE_FAMILIES: ReadonlyArray<readonly [string, boolean, string, keyof AsyncQueueGauges]> = [
  ['isola_async_queue_depth', false, 'Async events queued (waiting or running), all functions.', 'depth'],
  ['isola_async_running', false, 'Async events running now.', 'running'],
  ['isola_async_enqueued_total', true, 'Async events accepted (committed before their RequestId was answered).', 'enqueued'],
  ['isola_async_queue_commits_total', true, 'Transactions committed to the queue database: enqueue batches, leases, settles.', 'commits'],
  ['isola_async_queue_syncs_total', true, 'Queue commits that synced the WAL (enqueue batches, re-drives: what an answer acknowledges).', 'syncs'],
];

/** Renders the whole exposition. */
export function renderPrometheus(
  source: PrometheusSource,
  gauges: {
    executors: ExecutorStats[] | null;
    admission: AdmissionStats | null;
    logs: LogWriterStats | null;
    webSockets?: WebSocketCounters | null;
    asyncQueue?: AsyncQueueGauges | null;
  },
): string {
  const all = [...source.series()];
  const labels = all.map(labelsOf);
  const out: string[] = [];
  for (const [name, type, help, value] of SERIES_FAMILIES) {
    head(out, name, type, help);
    for (let i = 0; i < all.length; i++) out.push(`${name}{${labels[i]}} ${num(value(all[i]!.totals, all[i]!))}`);
  }

  const h = 'isola_function_duration_milliseconds';
  head(out, h, 'histogram', 'Duration of calls that ran, ms.');
  for (let i = 0; i < all.length; i++) {
    const t = all[i]!.totals;
    let cumulative = 0;
    for (let b = 0; b < DURATION_BOUNDS_MS.length; b++) {
      cumulative += t.durationBuckets[b]!;
      out.push(`${h}_bucket{${labels[i]},le="${DURATION_BOUNDS_MS[b]}"} ${cumulative}`);
    }
    cumulative += t.durationBuckets[DURATION_BOUNDS_MS.length]!;
    out.push(`${h}_bucket{${labels[i]},le="+Inf"} ${cumulative}`);
    out.push(`${h}_sum{${labels[i]}} ${num(t.durationSum)}`);
    out.push(`${h}_count{${labels[i]}} ${t.invocations}`);
  }
  const init = 'isola_function_init_duration_milliseconds';
  head(out, init, 'summary', 'Cold start (init) duration, ms.');
  for (let i = 0; i < all.length; i++) {
    const t = all[i]!.totals;
    out.push(`${init}_sum{${labels[i]}} ${num(t.initSum)}`);
    out.push(`${init}_count{${labels[i]}} ${t.coldStarts}`);
  }

  const counts = source.counts();
  gauge(out, 'isola_concurrent_executions', 'Calls running now, all functions.', counts.running);
  if (gauges.executors) {
    const processes: Record<string, number> = {};
    const alive: Record<string, number> = {};
    const restarts: Record<string, number> = {};
    let busy = 0;
    let idle = 0;
    for (const e of gauges.executors) {
      processes[e.executor] = e.processes.length;
      alive[e.executor] = e.processes.filter((x) => x.alive).length;
      restarts[e.executor] = e.processes.reduce((n, x) => n + x.restarts, 0);
      for (const pool of Object.values(e.instances)) {
        busy += pool.busy;
        idle += pool.idle;
      }
    }
    family(out, 'isola_executor_processes', 'gauge', 'Worker processes configured, by executor (isolate hosts, runners).', 'executor', processes);
    family(out, 'isola_executor_processes_alive', 'gauge', 'Worker processes alive, by executor.', 'executor', alive);
    family(out, 'isola_executor_process_restarts_total', 'counter', 'Worker process restarts, by executor.', 'executor', restarts);
    family(out, 'isola_instances', 'gauge', 'Function instances by state.', 'state', { busy, idle });
  }
  if (gauges.admission) {
    const a = gauges.admission;
    gauge(out, 'isola_admission_account_megabytes', 'Account concurrency quota, MB.', a.accountMb);
    gauge(out, 'isola_admission_reserved_megabytes', 'Sum of reserved concurrency, MB.', a.reservedMb);
    gauge(out, 'isola_admission_in_use_megabytes', 'Concurrency in use, MB.', a.inUseMb);
    gauge(out, 'isola_admission_leases', 'Admission leases held (running calls or busy instances).', a.leases);
    family(out, 'isola_admission_throttles_total', 'counter', 'Throttles decided by admission, by status code.', 'code', {
      [OUTCOMES.throttled.status]: a.throttled.concurrency432,
      [OUTCOMES.scale_limited.status]: a.throttled.burst429,
    });
  }
  if (gauges.webSockets) {
    const w = gauges.webSockets;
    gauge(out, 'isola_websocket_connections', 'WebSocket connections open.', w.open);
    counter(out, 'isola_websocket_accepted_total', 'WebSocket connections accepted.', w.accepted);
    const c = w.limitCloses;
    family(out, 'isola_websocket_limit_closes_total', 'counter', 'WebSocket connections the platform closed over a limit, by limit.', 'limit', {
      message_size: c.messageSize,
      message_rate: c.messageRate,
      byte_rate: c.byteRate,
      backpressure: c.backpressure,
      send_window: c.sendWindow,
    });
  }
  if (gauges.asyncQueue) {
    const q = gauges.asyncQueue;
    for (const [name, isCounter, help, key] of ASYNC_QUEUE_FAMILIES) (isCounter ? counter : gauge)(out, name, help, q[key]);
  }
  if (gauges.logs) {
    const l = gauges.logs;
    counter(out, 'isola_log_batches_total', 'Log batches committed.', l.batches);
    counter(out, 'isola_log_records_total', 'Invocation log records committed.', l.records);
    counter(out, 'isola_log_dropped_total', 'Invocation log records dropped (queue full, appended after close, or given up at close).', l.dropped);
    counter(out, 'isola_log_commit_failures_total', 'Log batch transactions that failed (SQLITE_BUSY, disk full...); the batch is retried while the writer is open.', l.commitFailures);
    counter(out, 'isola_log_commit_retries_total', 'Failed log batch transactions tried again (their records kept, not lost).', l.commitRetries);
    gauge(out, 'isola_log_batch_size_max', 'Largest log batch committed, records.', l.maxBatchSize);
    head(out, 'isola_log_commit_milliseconds', 'summary', 'Time one log batch transaction took, ms.');
    out.push(
      `isola_log_commit_milliseconds{quantile="0.99"} ${num(l.p99CommitMs)}`,
      `isola_log_commit_milliseconds_sum ${num(l.avgCommitMs * l.batches)}`,
      `isola_log_commit_milliseconds_count ${l.batches}`,
    );
    gauge(out, 'isola_log_commit_milliseconds_max', 'Longest log batch transaction, ms.', l.maxCommitMs);
    gauge(out, 'isola_log_commit_age_milliseconds_max', 'Oldest record age when its batch committed (the crash-loss window seen), ms.', l.maxAgeMs);
  }
  gauge(out, 'isola_metrics_series', 'Metric series tracked.', counts.series);
  gauge(out, 'isola_metrics_series_limit', 'Metric series tracked at most.', counts.maxSeries);
  counter(out, 'isola_metrics_overflow_total', 'Calls not attributed to a series because the series limit was reached.', counts.overflow);
  counter(out, 'isola_metrics_rows_written_total', 'Minute rollup rows written to the store.', counts.rowsWritten);
  counter(out, 'isola_metrics_write_failures_total', 'Rollup transactions that failed (their rows are lost).', counts.writeFailures);
  const memory = process.memoryUsage();
  gauge(out, 'process_resident_memory_bytes', 'Resident memory of the gateway process, bytes.', memory.rss);
  gauge(out, 'nodejs_heap_used_bytes', 'V8 heap used by the gateway process, bytes.', memory.heapUsed);
  gauge(out, 'isola_uptime_seconds', 'Seconds since the gateway process started.', Math.round(process.uptime()));
  return out.join('\n') + '\n';
}

function labelsOf(s: Series): string {
  const base = `namespace="${esc(s.namespace)}",function="${esc(s.functionName)}",version="${esc(s.version)}"`;
  return s.alias ? `${base},alias="${esc(s.alias)}"` : base;
}

function head(out: string[], name: string, type: string, help: string): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
}

function gauge(out: string[], name: string, help: string, value: number): void {
  head(out, name, 'gauge', help);
  out.push(`${name} ${num(value)}`);
}

function counter(out: string[], name: string, help: string, value: number): void {
  head(out, name, 'counter', help);
  out.push(`${name} ${num(value)}`);
}

/** A family with one label: a sample per `values` key (label value), in insertion order (integer-like keys first). */
function family(out: string[], name: string, type: string, help: string, label: string, values: Record<string, number>): void {
  head(out, name, type, help);
  for (const [value, n] of Object.entries(values)) out.push(`${name}{${label}="${esc(value)}"} ${num(n)}`);
}

/** Label values: backslash, double quote and newline escaped (exposition format). */
const esc = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const round = (n: number) => Math.round(n * 1000) / 1000;
const num = (n: number) => (Number.isFinite(n) ? String(round(n)) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN');
