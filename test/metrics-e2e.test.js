'use strict';
// Function metrics end to end on a real server: successful calls, a throw, a
// timeout and a throttle, then GET /metrics, GetFunctionMetrics and
// `isola metrics --json` report them with the right labels and values.
const t = require('tap');
const http = require('node:http');
const { isola } = require('./helpers/cli');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');
const { sample } = require('./helpers/metrics');

const CODE = `exports.main_handler = async (event) => {
  if (event.throw) throw new Error('boom');
  if (event.loop) for (;;) {}
  return { ok: true };
};`;

function get(server, path) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: server.port, path }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

t.test('a throw, a timeout and a throttle show in /metrics, GetFunctionMetrics and isola metrics', async (t) => {
  const server = await startServer(t, { args: ['--isolate-hosts', '1'] });
  const client = server.client();
  await createFunction(client, 'metered', { 'index.js': CODE }, { Timeout: 1 });

  for (let i = 0; i < 3; i++) t.equal((await invoke(client, 'metered')).InvokeResult, 0, `call ${i + 1} succeeds`);
  t.equal((await invoke(client, 'metered', { throw: true })).InvokeResult, 430, 'the throw');
  t.equal((await invoke(client, 'metered', { loop: true })).InvokeResult, 433, 'the timeout');
  const viaAlias = await client.InvokeFunction({ FunctionName: 'metered', Event: '{}' });
  t.equal(viaAlias.Result.InvokeResult, 0, 'InvokeFunction runs $LATEST through the $DEFAULT alias');
  await client.PutReservedConcurrencyConfig({ FunctionName: 'metered', ReservedConcurrencyMem: 0 });
  t.equal((await invoke(client, 'metered')).InvokeResult, 432, 'the throttle');

  const res = await get(server, '/metrics');
  t.equal(res.status, 200);
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const text = res.body;
  const L = 'namespace="default",function="metered",version="$LATEST"';
  const A = `${L},alias="$DEFAULT"`;
  t.match(text, /^# TYPE isola_function_invocations_total counter$/m);
  t.equal(sample(text, 'isola_function_invocations_total', L), 5, '3 ok + throw + timeout (the throttle is not an invocation)');
  t.equal(sample(text, 'isola_function_errors_total', L), 2);
  t.equal(sample(text, 'isola_function_throttles_total', L), 1);
  t.equal(sample(text, 'isola_function_http_2xx_total', L), 3);
  t.equal(sample(text, 'isola_function_http_4xx_total', L), 3, '430, 433, 432');
  t.equal(sample(text, 'isola_function_http_432_total', L), 1);
  t.equal(sample(text, 'isola_function_http_433_total', L), 1);
  t.equal(sample(text, 'isola_function_http_434_total', L), 0);
  t.equal(sample(text, 'isola_function_http_5xx_total', L), 0);
  t.equal(sample(text, 'isola_function_duration_milliseconds_count', L), 5);
  t.ok(sample(text, 'isola_function_duration_milliseconds_sum', L) >= 1000, 'the timeout ran about 1 s');
  t.equal(sample(text, 'isola_function_duration_milliseconds_bucket', `${L},le="+Inf"`), 5);
  // The first call starts cold, and so does the next one after the timeout (the InvokeFunction call, alias series).
  t.ok(sample(text, 'isola_function_cold_starts_total', L) >= 1, 'the first call started cold');
  t.ok(sample(text, 'isola_function_cold_starts_total', L) + sample(text, 'isola_function_cold_starts_total', A) >= 2, 'the call after the timeout started cold');
  t.ok(sample(text, 'isola_function_init_duration_milliseconds_count', L) >= 1);
  t.equal(sample(text, 'isola_function_concurrent_executions', L), 0);
  t.equal(sample(text, 'isola_function_invocations_total', A), 1, 'the alias series');
  t.equal(sample(text, 'isola_function_errors_total', A), 0);
  t.match(text, /^isola_executor_processes_alive\{executor="isolate"\} 1$/m);
  t.match(text, /^isola_admission_in_use_megabytes 0$/m);
  t.match(text, /^isola_instances\{state="idle"\} \d+$/m);
  t.match(text, /^isola_admission_throttles_total\{code="432"\} 1$/m);

  // GetFunctionMetrics (an isola extension; the SDK's generic request() sends any action).
  const all = await client.request('GetFunctionMetrics', { FunctionName: 'metered' });
  t.equal(all.Period, 60);
  t.ok(all.DataPoints.length >= 1 && all.DataPoints.length <= 2, 'one minute, two if the calls crossed a minute boundary');
  const sum = (points, name) => points.reduce((n, p) => n + p[name], 0);
  t.equal(sum(all.DataPoints, 'Invocation'), 6, 'both series');
  t.equal(sum(all.DataPoints, 'Error'), 2);
  t.equal(sum(all.DataPoints, 'Throttle'), 1);
  t.equal(sum(all.DataPoints, 'Http433'), 1);
  t.equal(sum(all.DataPoints, 'Http432'), 1);
  t.equal(sum(all.DataPoints, 'Http2xx'), 4);
  t.ok(all.DataPoints.every((p) => /^\d{4}-\d\d-\d\d \d\d:\d\d:00$/.test(p.Timestamp)), 'minute timestamps');
  t.equal(all.DataPoints.at(-1).Open, true, 'the current minute is read from memory');
  t.ok(Math.max(...all.DataPoints.map((p) => p.DurationMax)) >= 1000);
  t.ok(sum(all.DataPoints, 'ColdStart') >= 2);
  t.ok(Math.max(...all.DataPoints.map((p) => p.InitDurationMax)) > 0, 'init duration is recorded');

  const viaDefault = await client.request('GetFunctionMetrics', { FunctionName: 'metered', Qualifier: '$DEFAULT', MetricName: 'invocation' });
  t.same(viaDefault.MetricNames, ['Invocation'], 'MetricName is matched loosely');
  t.equal(sum(viaDefault.DataPoints, 'Invocation'), 1);
  t.notOk('Error' in viaDefault.DataPoints[0], 'only the metric asked for');
  await expectApiError(t, client.request('GetFunctionMetrics', { FunctionName: 'metered', Period: 300 }), 'InvalidParameterValue.Period');
  await expectApiError(t, client.request('GetFunctionMetrics', { FunctionName: 'metered', MetricName: 'Nope' }), 'InvalidParameterValue.MetricName');
  await expectApiError(t, client.request('GetFunctionMetrics', { FunctionName: 'missing' }), 'ResourceNotFound.Function');

  const cli = await isola(server, ['metrics', 'metered', '--json']);
  t.equal(cli.code, 0, cli.stderr);
  const parsed = JSON.parse(cli.stdout);
  t.equal(sum(parsed.DataPoints, 'Invocation'), 6);
  t.equal(sum(parsed.DataPoints, 'Throttle'), 1);
  const minuteOf = (ms) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  const before = minuteOf(Date.now());
  const table = await isola(server, ['metrics', 'metered', '--since', '10m']);
  const after = minuteOf(Date.now());
  t.equal(table.code, 0, table.stderr);
  t.match(table.stdout, /^MINUTE \(UTC\)\s+INVOCATIONS\s+ERRORS\s+AVG MS\s+P99 MS\s+MAX CONC\s+THROTTLES\s+COLD STARTS/);
  // The calls above ran moments ago; their minute is still open unless the clock has crossed into
  // the next one since — then no row is open and the footnote rightly goes.
  if (before !== after) t.comment(`the minute turned (${before} → ${after}) while the table was read; the open mark is not checked`);
  else if (table.stdout.includes(before)) {
    t.ok(table.stdout.includes(`${before}*`), `the current minute's row (${before}) is marked open`);
    t.match(table.stdout, /\* minute still in progress/);
  } else t.comment(`no call fell in the current minute ${before}: no row is open`);
});

t.test('closed minutes survive a restart', async (t) => {
  const server = await startServer(t, { args: ['--isolate-hosts', '1'] });
  const client = server.client();
  await createFunction(client, 'metered', { 'index.js': CODE });
  await invoke(client, 'metered');
  await invoke(client, 'metered');
  await server.stop(); // close() writes the open minute

  const again = await startServer(t, { args: ['--isolate-hosts', '1'], dataDir: server.dataDir });
  const res = await again.client().request('GetFunctionMetrics', { FunctionName: 'metered', MetricName: 'Invocation' });
  t.equal(res.DataPoints.reduce((n, p) => n + p.Invocation, 0), 2, 'read back from SQLite');
  t.equal(sample((await get(again, '/metrics')).body, 'isola_function_invocations_total', 'namespace="default",function="metered",version="$LATEST"'), undefined, '/metrics counters start at zero with the process');
});
