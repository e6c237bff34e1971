'use strict';
// The proxy does not open a TCP connection per request: sequential requests to a web function's
// instance arrive on one kept-alive connection (the app sees one remote port), and N requests at
// once on an N-slot instance use at most N connections.
const t = require('tap');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

t.test('one connection for sequential requests, at most N for N at once', async (t) => {
  const { deploy, request } = webExecutor(t);
  const spec = deploy(WEB_APP, { instanceConcurrency: 3, timeoutMs: 10_000 });
  const seen = [];
  for (let i = 0; i < 20; i++) {
    const r = await request(spec, { path: '/hello' });
    t.equal(r.outcome.kind, 'ok', r.outcome.errorMessage);
    seen.push(JSON.parse(r.text).remotePort);
  }
  t.equal(new Set(seen).size, 1, `20 sequential requests on ${new Set(seen).size} connection(s)`);
  const parallel = [];
  for (let round = 0; round < 3; round++) {
    const rs = await Promise.all([1, 2, 3].map(() => request(spec, { path: '/hello' })));
    for (const r of rs) parallel.push(JSON.parse(r.text).remotePort);
  }
  t.ok(new Set(parallel).size <= 3, `9 requests, 3 at a time, on ${new Set(parallel).size} connection(s)`);
});
