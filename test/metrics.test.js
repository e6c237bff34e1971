'use strict';
// Function metrics in-process: recording, minute rollover on an injected
// clock, quantiles against their stated error bound, rollups persisted to
// SQLite and read back, retention, the series cap, the Prometheus text, and
// the recording cost per call.
const t = require('tap');
const { MetricsService, minuteOf } = require('../dist/core/observe/metrics');
const { bucketOf, quantile, newBuckets, RELATIVE_ERROR, MIN_MS } = require('../dist/core/observe/metrics-sketch');
const { openDatabase } = require('../dist/store/db');
const { MetricsRepo } = require('../dist/store/metrics');

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0); // a minute boundary
const MB = 1024 * 1024;

function clock(start = T0 + 5_000) {
  const c = { now: start, fn: () => c.now };
  return c;
}

/** A service on an in-process store in a test dir; closed at teardown. */
function withStore(t, options = {}) {
  const db = openDatabase(t.testdir());
  t.teardown(() => db.close());
  const repo = new MetricsRepo(db);
  const service = new MetricsService(repo, { timer: false, ...options });
  t.teardown(() => service.close());
  return { db, repo, service };
}

const fn = (version = '$LATEST', alias) => ({ namespace: 'default', functionName: 'hello', version, ...(alias ? { alias } : {}) });

t.test('records invocations, errors, throttles, status classes, memory, cold starts and concurrency', async (t) => {
  const c = clock();
  const m = new MetricsService(null, { timer: false, now: c.fn });
  const labels = fn();
  const a = m.begin(labels, c.now);
  const b = m.begin(labels, c.now);
  m.record(labels, c.now, 200, 10, 20 * MB, 128, 150, 5);
  m.end(a);
  m.record(labels, c.now, 200, 30, 40 * MB, 128, undefined, 7);
  m.end(b);
  m.end(m.begin(labels, c.now));
  m.record(labels, c.now, 430, 5, 10 * MB, 128);
  m.record(labels, c.now, 433, 1000, 30 * MB, 128, 250);
  m.record(labels, c.now, 434, 50, 130 * MB, 128);
  m.record(labels, c.now, 500, 2, 0, 128);
  m.record(labels, c.now, 432, 0, 0, 128);
  m.record(labels, c.now, 429, 0, 0, 128);

  const [p, ...rest] = m.query({ namespace: 'default', functionName: 'hello', from: T0, to: T0 + 59_999 });
  t.equal(rest.length, 0, 'one minute');
  t.equal(p.minute, T0);
  t.equal(p.open, true, 'the current minute comes from memory');
  t.equal(p.invocations, 6, 'throttled calls are not invocations');
  t.equal(p.errors, 4, '430, 433, 434, 500');
  t.equal(p.throttles, 2, '432 and 429');
  t.equal(p.http2xx, 2);
  t.equal(p.http4xx, 5, '430, 433, 434, 432, 429');
  t.equal(p.http432, 1);
  t.equal(p.http433, 1);
  t.equal(p.http434, 1);
  t.equal(p.http5xx, 1);
  t.equal(p.durationAvg, Math.round(((10 + 30 + 5 + 1000 + 50 + 2) / 6) * 1000) / 1000, 'ms, to the microsecond');
  t.equal(p.durationMax, 1000);
  t.equal(p.maxConcurrency, 2, 'two calls overlapped');
  t.equal(p.memMaxMb, 130);
  t.equal(p.memDuration, 128 * (10 + 30 + 5 + 1000 + 50 + 2));
  t.equal(p.outFlow, 12);
  t.equal(p.coldStarts, 2);
  t.equal(p.initAvg, 200);
  t.equal(p.initMax, 250);
  t.equal(m.counts().running, 0, 'every begin was ended');

  t.same(m.query({ namespace: 'default', functionName: 'other', from: T0, to: T0 + 60_000 }), [], 'other functions see nothing');
});

t.test('series are per version and alias; a qualifier selects by either', async (t) => {
  const c = clock();
  const m = new MetricsService(null, { timer: false, now: c.fn });
  m.record(fn('$LATEST'), c.now, 200, 1, 0, 128);
  m.record(fn('$LATEST', '$DEFAULT'), c.now, 200, 1, 0, 128);
  m.record(fn('1', 'prod'), c.now, 200, 1, 0, 128);
  m.record(fn('1', 'prod'), c.now, 200, 1, 0, 128);
  // A different object with the same labels is the same series.
  m.record({ ...fn('1', 'prod') }, c.now, 200, 1, 0, 128);
  const q = (qualifier) => m.query({ namespace: 'default', functionName: 'hello', qualifier, from: T0, to: T0 + 60_000 })[0]?.invocations ?? 0;
  t.equal(m.counts().series, 3);
  t.equal(q(undefined), 5, 'all series merged');
  t.equal(q('$LATEST'), 2, 'version $LATEST, with or without alias');
  t.equal(q('$DEFAULT'), 1);
  t.equal(q('prod'), 3);
  t.equal(q('1'), 3);
  t.equal(q('2'), 0);
});

t.test('minutes roll over on the injected clock; concurrency carries into the next minute', async (t) => {
  const c = clock();
  const written = [];
  const sink = { writeMinutes: (rows) => written.push(...rows), range: () => [], pruneStep: () => 0 };
  const m = new MetricsService(sink, { timer: false, now: c.fn, retentionMs: 0 });
  const labels = fn();
  m.record(labels, c.now, 200, 4, 0, 128);
  m.record(labels, c.now, 200, 6, 0, 128);
  const running = m.begin(labels, c.now); // still running when the minute ends

  c.now = T0 + 60_000 + 1; // next minute
  m.tick();
  t.equal(written.length, 1, 'the closed minute is written at the tick');
  t.match(written[0], { minute: T0, invocations: 2, durationSum: 10, maxConcurrency: 1 });
  m.tick();
  t.equal(written.length, 1, 'a minute is written once');

  m.record(labels, c.now, 200, 8, 0, 128);
  m.end(running);
  c.now = T0 + 3 * 60_000; // minute 1 rolls on the next call, not on the tick
  m.record(labels, c.now, 200, 2, 0, 128);
  t.equal(written.length, 1, 'a rollover on the request path only queues');
  m.tick();
  t.equal(written.length, 2);
  t.match(written[1], { minute: T0 + 60_000, invocations: 1, maxConcurrency: 1 }, 'the call running across the boundary counts in both minutes');

  m.close();
  t.equal(written.length, 3, 'close writes the open minute');
  t.match(written[2], { minute: T0 + 3 * 60_000, invocations: 1, maxConcurrency: 0 });
  m.record(labels, c.now, 200, 1, 0, 128);
  t.equal(m.query({ namespace: 'default', functionName: 'hello', from: T0, to: T0 + 10 * 60_000 }).length, 0, 'nothing is recorded after close');
});

t.test('idle minutes write nothing', async (t) => {
  const c = clock();
  const written = [];
  const m = new MetricsService({ writeMinutes: (rows) => written.push(...rows), range: () => [], pruneStep: () => 0 }, { timer: false, now: c.fn });
  m.record(fn(), c.now, 200, 1, 0, 128);
  for (let i = 1; i <= 5; i++) {
    c.now = T0 + i * 60_000 + 100;
    m.tick();
  }
  t.equal(written.length, 1, 'only the minute with calls');
});

t.test(`p50/p99 are within ${(RELATIVE_ERROR * 100).toFixed(1)}% of the exact nearest-rank values`, async (t) => {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const distributions = {
    lognormal: () => Math.exp(Math.log(20) + 1.5 * Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random())),
    uniform: () => 0.2 + random() * 900,
    bimodal: () => (random() < 0.9 ? 1 + random() : 800 + random() * 400),
    tiny: () => random() * 0.02,
  };
  for (const [name, draw] of Object.entries(distributions)) {
    for (const n of [1, 7, 100, 5000]) {
      const samples = Array.from({ length: n }, draw);
      const buckets = newBuckets();
      for (const s of samples) buckets[bucketOf(s)]++;
      const sorted = samples.slice().sort((a, b) => a - b);
      for (const q of [0.5, 0.99]) {
        const exact = sorted[Math.max(1, Math.ceil(q * n)) - 1];
        const estimate = quantile(buckets, n, q, sorted[0], sorted[n - 1]);
        const bound = exact <= MIN_MS ? MIN_MS : exact * (RELATIVE_ERROR + 1e-9);
        t.ok(Math.abs(estimate - exact) <= bound, `${name} n=${n} q=${q}: ${estimate} vs ${exact}`);
      }
    }
  }
  t.equal(bucketOf(0), 0);
  t.equal(bucketOf(NaN), 0);
  t.equal(bucketOf(1e12), bucketOf(1e6), 'huge values land in the last bucket');
});

t.test('the service reports the sketch quantiles per minute', async (t) => {
  const c = clock();
  const m = new MetricsService(null, { timer: false, now: c.fn });
  for (let i = 1; i <= 100; i++) m.record(fn(), c.now, 200, i, 0, 128);
  const [p] = m.query({ namespace: 'default', functionName: 'hello', from: T0, to: T0 + 60_000 });
  t.ok(Math.abs(p.durationP50 - 50) <= 50 * RELATIVE_ERROR, `p50 ${p.durationP50}`);
  t.ok(Math.abs(p.durationP99 - 99) <= 99 * RELATIVE_ERROR, `p99 ${p.durationP99}`);
  t.equal(p.durationAvg, 50.5);
});

t.test('closed minutes persist to SQLite and read back merged with the open one, across a restart', async (t) => {
  const c = clock();
  const { db, repo, service } = withStore(t, { now: c.fn });
  service.record(fn(), c.now, 200, 10, 5 * MB, 128);
  service.record(fn('$LATEST', '$DEFAULT'), c.now, 200, 20, 6 * MB, 128);
  c.now = T0 + 60_000 + 10;
  service.record(fn(), c.now, 433, 1000, 7 * MB, 128);
  service.tick();
  t.equal(repo.count(), 2, 'two series of the closed minute, one transaction');

  const points = service.query({ namespace: 'default', functionName: 'hello', from: T0, to: T0 + 120_000 });
  t.equal(points.length, 2);
  t.match(points[0], { minute: T0, open: false, invocations: 2, durationAvg: 15, memMaxMb: 6 });
  t.match(points[1], { minute: T0 + 60_000, open: true, invocations: 1, errors: 1, http433: 1 });
  t.ok(Math.abs(points[0].durationP99 - 20) <= 20 * RELATIVE_ERROR, 'quantiles come from the stored histograms');

  // A restart inside minute 1: close writes the open minute, the next process goes on recording it.
  service.close();
  t.equal(repo.count(), 3);
  const next = new MetricsService(repo, { timer: false, now: c.fn });
  t.teardown(() => next.close());
  next.record(fn(), c.now, 200, 3, 0, 128);
  const merged = next.query({ namespace: 'default', functionName: 'hello', from: T0 + 60_000, to: T0 + 60_000 });
  t.match(merged, [{ minute: T0 + 60_000, open: true, invocations: 2, errors: 1, http2xx: 1, http433: 1, durationMax: 1000 }]);
  t.ok(db.open);
});

t.test('retention prunes stored minutes older than retentionMs', async (t) => {
  const c = clock();
  const { repo, service } = withStore(t, { now: c.fn, retentionMs: 10 * 60_000 });
  for (let i = 0; i < 30; i++) {
    c.now = T0 + i * 60_000 + 1;
    service.record(fn(), c.now, 200, 1, 0, 128);
    service.tick();
  }
  // Minutes 0..28 are closed; the tick at minute 29 keeps those within 10 minutes.
  const kept = service.query({ namespace: 'default', functionName: 'hello', from: T0, to: T0 + 30 * 60_000 }).filter((p) => !p.open);
  t.equal(kept[0].minute, minuteOf(c.now - 10 * 60_000), 'the oldest minute kept is 10 minutes old');
  t.equal(repo.count(), kept.length);
  t.ok(service.counts().rowsPruned >= 18, `pruned ${service.counts().rowsPruned}`);
});

t.test('the series cap counts further series as overflow', async (t) => {
  const c = clock();
  const m = new MetricsService(null, { timer: false, now: c.fn, maxSeries: 2 });
  m.record(fn('1'), c.now, 200, 1, 0, 128);
  m.record(fn('2'), c.now, 200, 1, 0, 128);
  const third = fn('3');
  m.record(third, c.now, 200, 1, 0, 128);
  m.record(third, c.now, 200, 1, 0, 128);
  m.end(m.begin(third, c.now));
  t.match(m.counts(), { series: 2, overflow: 3, running: 0 });
  t.match(m.prometheus(), /^isola_metrics_overflow_total 3$/m);
  t.throws(() => new MetricsService(null, { maxseries: 3 }), /did you mean `maxSeries`/);
  t.throws(() => new MetricsService(null, { maxSeries: 0 }), /positive integer/);
});

t.test('Prometheus text: HELP/TYPE, labels, escaping, histogram', async (t) => {
  const c = clock();
  const m = new MetricsService(null, {
    timer: false,
    now: c.fn,
    executorStats: () => [{ executor: 'isolate', processes: [{ index: 0, pid: 1, alive: true, restarts: 2, instances: 3, inFlight: 0 }, { index: 1, pid: 2, alive: false, restarts: 0, instances: 0, inFlight: 0 }], instances: { k: { busy: 1, idle: 2 } } }],
    admissionStats: () => ({ accountMb: 1000, floorMb: 100, reservedMb: 0, sharedCapacityMb: 1000, sharedInUseMb: 128, inUseMb: 128, leases: 1, functions: [], throttled: { concurrency432: 4, burst429: 5 }, coldStarts: { admitted: 0, burstPerMinute: 0, tokens: 0 } }),
  });
  m.record(fn(), c.now, 200, 3, 0, 128);
  m.record(fn(), c.now, 200, 7, 0, 128);
  m.record(fn('1', 'pr"od'), c.now, 432, 0, 0, 128);
  const running = m.begin(fn(), c.now);
  const text = m.prometheus();
  m.end(running);
  const L = 'namespace="default",function="hello",version="$LATEST"';
  t.match(text, /^# HELP isola_function_invocations_total .+\n# TYPE isola_function_invocations_total counter$/m);
  t.match(text, new RegExp(`^isola_function_invocations_total\\{${escapeRe(L)}\\} 2$`, 'm'));
  t.match(text, /^isola_function_throttles_total\{namespace="default",function="hello",version="1",alias="pr\\"od"\} 1$/m, 'alias label, quote escaped');
  t.match(text, new RegExp(`^isola_function_concurrent_executions\\{${escapeRe(L)}\\} 1$`, 'm'));
  t.match(text, /^# TYPE isola_function_duration_milliseconds histogram$/m);
  t.match(text, new RegExp(`^isola_function_duration_milliseconds_bucket\\{${escapeRe(L)},le="1"\\} 0$`, 'm'));
  t.match(text, new RegExp(`^isola_function_duration_milliseconds_bucket\\{${escapeRe(L)},le="5"\\} 1$`, 'm'));
  t.match(text, new RegExp(`^isola_function_duration_milliseconds_bucket\\{${escapeRe(L)},le="\\+Inf"\\} 2$`, 'm'));
  t.match(text, new RegExp(`^isola_function_duration_milliseconds_sum\\{${escapeRe(L)}\\} 10$`, 'm'));
  t.match(text, /^isola_executor_processes\{executor="isolate"\} 2$/m);
  t.match(text, /^isola_executor_processes_alive\{executor="isolate"\} 1$/m);
  t.match(text, /^isola_executor_process_restarts_total\{executor="isolate"\} 2$/m);
  t.match(text, /^isola_instances\{state="busy"\} 1$/m);
  t.match(text, /^isola_instances\{state="idle"\} 2$/m);
  t.match(text, /^isola_admission_in_use_megabytes 128$/m);
  t.match(text, /^isola_admission_throttles_total\{code="429"\} 5$/m);
  // Every sample line belongs to a family declared with # TYPE before it.
  const declared = new Set();
  for (const line of text.trimEnd().split('\n')) {
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary)$/.exec(line);
    if (type) declared.add(type[1]);
    else if (!line.startsWith('# HELP ')) {
      const name = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line)[1];
      t.ok(declared.has(name) || declared.has(name.replace(/_(bucket|sum|count)$/, '')), `${name} is declared`);
    }
  }
});

t.test('recording cost per call', async (t) => {
  const c = clock();
  const m = new MetricsService(null, { timer: false });
  const labels = fn();
  const n = 1_000_000;
  for (let i = 0; i < 100_000; i++) m.end(m.begin(labels, c.now)), m.record(labels, c.now, i % 50 ? 200 : 430, i % 300, 20 * MB, 128, undefined, 10);
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const s = m.begin(labels, c.now);
    m.end(s);
    m.record(labels, c.now, i % 50 ? 200 : 430, i % 300, 20 * MB, 128, undefined, 10);
  }
  const ns = Number(process.hrtime.bigint() - started) / n;
  t.comment(`begin + end + record: ${ns.toFixed(0)} ns per call`);
  t.ok(ns < 2000, `well under the request budget (${ns.toFixed(0)} ns)`);
});

t.test('Prometheus duration buckets are exact at their bounds', async (t) => {
  const c = clock();
  const m = new MetricsService(null, { timer: false, now: c.fn });
  const values = [0, 0.5, 1, 1 + 1e-12, 5, 5 - 1e-12, 99.999, 100, 100 + 1e-11, 100.001, 250, 250 * (1 + 1e-15), 899_999, 900_000, 900_001, 5e6];
  for (const v of values) m.record(fn(), c.now, 200, v, 0, 128);
  const text = m.prometheus();
  for (const le of [1, 5, 10, 100, 250, 900_000]) {
    const expected = values.filter((v) => v <= le).length;
    t.match(text, new RegExp(`_bucket\\{[^}]*,le="${le}"\\} ${expected}$`, 'm'), `le=${le}: ${expected}`);
  }
  t.match(text, new RegExp(`_bucket\\{[^}]*,le="\\+Inf"\\} ${values.length}$`, 'm'));
});

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
