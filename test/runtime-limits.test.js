'use strict';
// Limits and failures on a shared isolate host: 433 timeouts (sync, promise chain, timer callback) and 434 memory
// without harm to neighbours, host crash containment, per-instance concurrency of events, hosts stopped on close.
// The outcomes every executor shares (timeout, oom, canceled, close) are in test/conformance/.
const t = require('tap');
const { createIsolateRuntime } = require('../dist/runtime');
const { writeTree, spec, req, fnTree, dataDir } = require('./fixtures/runtime/util');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 2, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

const healthy = spec(fnTree('return "ok";'));
/** A host restart is awaited this long: a start takes ~100 ms quiet, but over 2 s was seen under a loaded suite. */
const RESTART_BOUND_MS = 10_000;

/** Runs `fn` while calling the healthy function in a loop; returns the healthy latencies and failures. */
async function withSteadyTraffic(fn, s = healthy) {
  let stop = false;
  const lat = [], failures = [];
  const loop = (async () => {
    while (!stop) {
      const t0 = performance.now();
      const o = await rt.invoke(req(s));
      lat.push(performance.now() - t0);
      if (o.kind !== 'ok') failures.push(o);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const result = await fn();
  stop = true;
  await loop;
  return { result, lat, failures };
}

const p50 = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];

t.test('433: sync infinite loop, promise-chain loop, timer-callback loop; the instance is replaced', async (t) => {
  await rt.invoke(req(healthy));
  const base = [];
  for (let i = 0; i < 20; i++) { const t0 = performance.now(); await rt.invoke(req(healthy)); base.push(performance.now() - t0); }
  const dir = writeTree({
    'index.js': `let calls = 0;
      exports.sync = () => { calls++; for (;;) {} };
      exports.chain = () => { function f() { return Promise.resolve().then(f); } return f(); };
      exports.timer = () => new Promise(() => setTimeout(() => { for (;;) {} }, 10));
      exports.never = () => new Promise(() => {});
      exports.count = () => ++calls;`,
  });
  for (const h of ['sync', 'chain', 'timer', 'never']) {
    const s = spec(dir, { handler: `index.${h}`, timeoutMs: 300 });
    const { result: o, lat, failures } = await withSteadyTraffic(() => rt.invoke(req(s)));
    t.equal(o.kind, 'timeout', h);
    t.equal(o.kind, 'timeout');
    t.equal(o.errorMessage, 'time out');
    t.ok(o.durationMs >= 290 && o.durationMs < 1500, `${h}: duration ${o.durationMs}`);
    t.same(failures, [], `${h}: healthy function saw no errors`);
    t.ok(p50(lat) < Math.max(20, 2 * p50(base) + 10), `${h}: healthy p50 ${p50(lat).toFixed(2)} ms vs baseline ${p50(base).toFixed(2)} ms`);
    // The runaway instance is disposed: the next call of the same version cold-starts.
    const again = await rt.invoke(req(spec(dir, { handler: 'index.count', key: s.key })));
    t.ok(again.coldStart, `${h}: replaced by a fresh instance`);
  }
});

t.test('434: allocation bomb inside the isolate limit', async (t) => {
  const dir = fnTree('const a = []; for (;;) a.push({ x: Math.random(), y: [1, 2, 3] });');
  const { result: o, failures } = await withSteadyTraffic(() => rt.invoke(req(spec(dir, { memoryMb: 16, timeoutMs: 10_000 }))));
  t.equal(o.kind, 'oom', o.errorMessage);
  t.equal(o.kind, 'oom');
  t.same(failures, []);
  t.equal((await rt.invoke(req(healthy))).result, '"ok"');
});

for (const [name, body] of [
  ['new Array(6e7).fill(0)', 'new Array(6e7).fill(0); return 1;'],
  ['a Map grown without end', 'const m = new Map(); for (let i = 0; ; i++) m.set(i, { i });'],
]) {
  t.test(`host crash containment: ${name}`, async (t) => {
    // Find a healthy function that lives on another host than the bomb.
    const bomb = spec(fnTree(body), { memoryMb: 16, timeoutMs: 20_000 });
    const before = rt.stats().processes.map((h) => h.restarts);
    const { result: o, failures } = await withSteadyTraffic(() => rt.invoke(req(bomb)));
    t.equal(o.kind, 'oom', `${o.kind}: ${o.errorMessage}`);
    t.same(failures.filter((f) => f.kind !== 'oom' && f.kind !== 'internal'), [], 'others see no errors beyond in-flight work on the dead host');
    // Whether the host died or the isolate was contained, every host must be serving again. A dead
    // host restarts at once (no back-off for a first exit); how long a host start takes is the
    // bench's business — under a loaded suite a start alone has taken 2 s, so the bound is loose.
    const t0 = Date.now();
    while (!rt.stats().processes.every((h) => h.alive) && Date.now() - t0 < RESTART_BOUND_MS) await new Promise((r) => setTimeout(r, 20));
    t.ok(rt.stats().processes.every((h) => h.alive), `all hosts alive after ${Date.now() - t0} ms`);
    const after = rt.stats().processes.map((h) => h.restarts);
    t.comment(`restarts before ${before} after ${after}`);
    const again = await rt.invoke(req(healthy));
    t.equal(again.result, '"ok"');
  });
}

t.test('a host killed from outside: its in-flight work fails with 500, it is restarted at once', async (t) => {
  const s = spec(fnTree('await new Promise((r) => setTimeout(r, 3000)); return 1;'), { timeoutMs: 5000 });
  const p = rt.invoke(req(s));
  await new Promise((r) => setTimeout(r, 200));
  const victim = rt.stats().processes.find((h) => h.inFlight > 0);
  t.ok(victim, 'found the host running it');
  const restartsBefore = victim.restarts;
  process.kill(victim.pid, 'SIGKILL');
  const o = await p;
  t.equal(o.kind, 'internal');
  t.equal(o.kind, 'internal');
  t.match(o.errorMessage, /isolate host exited \(signal SIGKILL\)/);
  const t0 = Date.now();
  while (!rt.stats().processes[victim.index].alive && Date.now() - t0 < RESTART_BOUND_MS) await new Promise((r) => setTimeout(r, 10));
  const h = rt.stats().processes[victim.index];
  t.ok(h.alive, `restarted in ${Date.now() - t0} ms`);
  t.equal(h.restarts, restartsBefore + 1);
  t.not(h.pid, victim.pid);
  t.equal((await rt.invoke(req(s.key === healthy.key ? healthy : healthy))).result, '"ok"');
});

t.test('concurrent requests on one instance: timeout ends that request; logs attributed', async (t) => {
  const dir = writeTree({ 'index.js': `exports.main_handler = async (e, ctx) => { console.log('start', e.i); await new Promise(r => setTimeout(r, e.wait)); console.log('end', e.i); return e.i; };` });
  const s = spec(dir, { instanceConcurrency: 4, timeoutMs: 300 });
  const rs = [0, 1, 2].map((i) => req(s, { i, wait: 20 + i * 10 }));
  const outs = await Promise.all(rs.map((r) => rt.invoke(r)));
  t.same(outs.map((o) => o.result), ['0', '1', '2']);
  t.equal(new Set(outs.map((o) => o.instanceId)).size, 1, 'one instance served all three');
  outs.forEach((o, i) => {
    t.same(o.logs.map((l) => l.message), [`start ${i}`, `end ${i}`]);
    t.ok(o.logs.every((l) => l.requestId === rs[i].requestId));
  });
});

t.test('concurrent requests on one instance: a timeout ends only that request, the instance is then retired', async (t) => {
  const dir = writeTree({ 'index.js': `exports.main_handler = async (e) => { await new Promise(r => setTimeout(r, e.wait)); return e.wait; };` });
  const s = spec(dir, { instanceConcurrency: 4, timeoutMs: 300 });
  await rt.invoke(req(s, { wait: 1 }));
  const slow = rt.invoke(req(s, { wait: 5000 }));
  await new Promise((r) => setTimeout(r, 150));
  const fast = rt.invoke(req(s, { wait: 250 }));
  const [a, b] = await Promise.all([slow, fast]);
  t.equal(a.kind, 'timeout');
  t.equal(b.kind, 'ok', b.errorMessage);
  t.equal(b.result, '250');
  t.equal(a.instanceId, b.instanceId);
  const next = await rt.invoke(req(s, { wait: 1 }));
  t.not(next.instanceId, a.instanceId, 'the instance that saw a timeout is not reused');
});

t.test('close() stops the host processes (finishing in-flight work, refusing after: test/conformance/lifecycle)', async (t) => {
  const rt2 = await createIsolateRuntime({ hosts: 1, dataDir });
  t.equal((await rt2.invoke(req(healthy))).result, '"ok"');
  const pid = rt2.stats().processes[0].pid;
  await rt2.close();
  t.notOk(rt2.stats().processes[0].alive);
  t.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the host process is gone');
});
