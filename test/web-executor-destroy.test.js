'use strict';
// The web executor is destroyed with requests in flight: they end at once as internal (not as the
// process exit the kill causes), the instances' processes are gone, and close() after it is quiet.
const fs = require('node:fs');
const t = require('tap');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

t.test('destroy() ends in-flight requests as internal, at once', async (t) => {
  const { deploy, request, ex } = webExecutor(t);
  const spec = deploy(WEB_APP, { instanceConcurrency: 2, timeoutMs: 20_000 });
  const warm = await request(spec, { path: '/hello' });
  t.equal(warm.outcome.kind, 'ok', warm.outcome.errorMessage);
  const { pid } = JSON.parse(warm.text);
  const inFlight = [request(spec, { path: '/slow?ms=10000' }), request(spec, { path: '/slow?ms=10000' })];
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  ex.destroy();
  const ended = await Promise.all(inFlight);
  t.same(ended.map((r) => r.outcome.kind), ['internal', 'internal']);
  t.match(ended[0].outcome.errorMessage, /destroyed/);
  t.ok(Date.now() - t0 < 1500, `ended ${Date.now() - t0} ms after destroy()`);
  const gone = await new Promise((resolve) => {
    const until = Date.now() + 3000;
    const check = () => (!fs.existsSync(`/proc/${pid}`) ? resolve(true) : Date.now() > until ? resolve(false) : setTimeout(check, 50));
    check();
  });
  t.ok(gone, 'the instance\'s process is gone');
});
