'use strict';
// Per-instance concurrency of a web function (1 = off, up to 100): N requests at once make N
// instances with one slot each, and one instance with N slots; each instance's keep-alive agent
// reuses its connections instead of opening one per request.
const t = require('tap');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

const burst = (request, spec, n) => Promise.all(Array.from({ length: n }, () => request(spec, { path: '/slow?ms=400' })));

t.test('concurrency 1: one instance per request in flight', async (t) => {
  const { deploy, request, ex } = webExecutor(t);
  const spec = deploy(WEB_APP, { instanceConcurrency: 1, timeoutMs: 15_000, initTimeoutMs: 10_000 });
  const results = await burst(request, spec, 3);
  t.same(results.map((r) => r.outcome.kind), ['ok', 'ok', 'ok']);
  t.equal(new Set(results.map((r) => r.outcome.instanceId)).size, 3);
  t.equal(ex.instanceCount(spec.key), 3);
});

t.test('concurrency 4: one instance serves four at once', async (t) => {
  const { deploy, request, ex } = webExecutor(t);
  const spec = deploy(WEB_APP, { instanceConcurrency: 4, timeoutMs: 15_000, initTimeoutMs: 10_000 });
  const results = await burst(request, spec, 4);
  t.same(results.map((r) => r.outcome.kind), ['ok', 'ok', 'ok', 'ok']);
  t.equal(new Set(results.map((r) => r.outcome.instanceId)).size, 1);
  t.equal(results.filter((r) => r.outcome.coldStart).length, 1, 'one cold start, shared by the four');
  const again = await burst(request, spec, 4);
  t.same(again.map((r) => r.outcome.kind), ['ok', 'ok', 'ok', 'ok']);
  t.equal(ex.instanceCount(spec.key), 1);
});
