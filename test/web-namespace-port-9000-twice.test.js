'use strict';
// Two instances of an app that hard-codes port 9000 serve at the same time: each instance has its
// own network namespace, so the second bind does not collide with the first (as root with
// slirp4netns; skipped with the reason elsewhere — test/web-port-mode.test.js covers that mode).
const t = require('tap');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

t.test('two instances, both on 9000, answer concurrently', async (t) => {
  const { deploy, request, ex } = webExecutor(t);
  if (ex.network !== 'namespace') return t.skip(`network mode is ${ex.network}: ${ex.describe()}`);
  const spec = deploy(WEB_APP, { instanceConcurrency: 1, timeoutMs: 10_000 });
  // Two slow requests at once on a 1-slot function: two instances.
  const [a, b] = await Promise.all([request(spec, { path: '/slow?ms=600' }), request(spec, { path: '/slow?ms=600' })]);
  t.equal(a.outcome.kind, 'ok', a.outcome.errorMessage);
  t.equal(b.outcome.kind, 'ok', b.outcome.errorMessage);
  t.not(a.outcome.instanceId, b.outcome.instanceId, 'two instances');
  t.equal(ex.instanceCount(spec.key), 2);
  const [ha, hb] = await Promise.all([request(spec, { path: '/slow?ms=300' }), request(spec, { path: '/hello' })]);
  t.equal(ha.text, 'slept 300');
  const hello = JSON.parse(hb.text);
  t.equal(hello.port, 9000, 'the app listens on the port it hard-codes');
  t.equal(ex.instanceCount(spec.key), 2, 'both warm instances were reused');
});
