'use strict';
// The web server's process dies while it serves: every request on that instance ends 439 with the
// exit and its last words, the instance is gone, and the next request cold-starts a new one.
const t = require('tap');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

t.test('exit mid-request → 439 for every request on the instance', async (t) => {
  const { deploy, request, ex } = webExecutor(t);
  const spec = deploy(WEB_APP, { instanceConcurrency: 4, timeoutMs: 10_000 });
  const warm = await request(spec, { path: '/hello' });
  t.equal(warm.outcome.kind, 'ok', warm.outcome.errorMessage);
  const slow = request(spec, { path: '/slow?ms=3000' });
  await new Promise((r) => setTimeout(r, 200));
  const crash = await request(spec, { path: '/crash' });
  t.equal(crash.outcome.kind, 'process_exit');
  t.match(crash.outcome.errorMessage, /the web function's process exited \(code 3\)/);
  const other = await slow;
  t.equal(other.outcome.kind, 'process_exit', 'the request sharing the instance ended with it');
  // Under concurrency the instance's output goes to the request that ends first (README, "Logs").
  t.ok([...crash.outcome.logs, ...other.outcome.logs].some((l) => l.message === 'crashing on purpose'), 'its last words are in a log');
  t.equal(ex.instanceCount(spec.key), 0, 'the instance is gone');
  const next = await request(spec, { path: '/hello' });
  t.equal(next.outcome.kind, 'ok');
  t.ok(next.outcome.coldStart, 'a new instance cold-started');
  t.not(JSON.parse(next.text).pid, undefined);
});
