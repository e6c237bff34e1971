'use strict';
// The client goes away while a web function works on its request: the call ends 499 (canceled),
// the upstream request is dropped, and the instance is free for the next request.
const t = require('tap');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

t.test('abort mid-request → canceled; the instance serves on', async (t) => {
  const { deploy, request, ex } = webExecutor(t);
  const spec = deploy(WEB_APP, { timeoutMs: 10_000 });
  const first = await request(spec, { path: '/hello' });
  t.equal(first.outcome.kind, 'ok', first.outcome.errorMessage);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 300);
  const t0 = Date.now();
  const gone = await request(spec, { path: '/slow?ms=5000', signal: ac.signal });
  t.equal(gone.outcome.kind, 'canceled');
  t.ok(Date.now() - t0 < 2000, 'ended when the client left');
  const next = await request(spec, { path: '/hello' });
  t.equal(next.outcome.kind, 'ok');
  t.equal(next.outcome.instanceId, first.outcome.instanceId, 'the same instance took the next request');
  t.equal(ex.instanceCount(spec.key), 1);
});
