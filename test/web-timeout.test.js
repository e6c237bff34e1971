'use strict';
// A web function's request overruns the execution timeout: it ends 433 (the connection to the
// instance is dropped), and only that request — the instance keeps serving the others.
const t = require('tap');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

t.test('a slow request → 433; the instance serves on', async (t) => {
  const { deploy, request, ex } = webExecutor(t);
  const spec = deploy(WEB_APP, { instanceConcurrency: 2, timeoutMs: 1500 });
  const first = await request(spec, { path: '/hello' });
  t.equal(first.outcome.kind, 'ok', first.outcome.errorMessage);
  const t0 = Date.now();
  const [slow, quick] = await Promise.all([request(spec, { path: '/slow?ms=5000' }), request(spec, { path: '/slow?ms=100' })]);
  t.equal(slow.outcome.kind, 'timeout');
  t.equal(slow.outcome.errorMessage, 'time out');
  t.equal(slow.outcome.responseStarted, false, 'nothing was answered: the gateway writes the 433 body');
  t.ok(Date.now() - t0 < 4000, `ended at the timeout (${Date.now() - t0} ms)`);
  t.equal(quick.outcome.kind, 'ok');
  t.equal(quick.outcome.instanceId, slow.outcome.instanceId, 'both ran on the one instance');
  const after = await request(spec, { path: '/hello' });
  t.equal(after.outcome.kind, 'ok');
  t.equal(after.outcome.instanceId, first.outcome.instanceId, 'the same instance, still warm');
  t.equal(ex.instanceCount(spec.key), 1);
});
