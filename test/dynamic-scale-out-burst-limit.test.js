'use strict';
// Issue 15: an instance the platform adds under dynamic per-instance concurrency
// (the Isolate runtime's default) because its isolates are behind is a new
// instance, so it spends a scale-out token like any cold start
// (platform-semantics §3: "new instances per minute"). Before, only calls
// beyond the free slots spent one, so a lagging function started instances
// past the burst limit. With no token left, the call is not refused — it
// needs no new instance — and waits on the least busy instance.
const fs = require('node:fs');
const path = require('node:path');
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');
const { BUSY } = require('./helpers/busy-module');
const { runningCalls } = require('./helpers/metrics');
const { until } = require('./helpers/wait');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

t.test('burst limit 2: the first cold start and one added instance spend it; the next lagging call waits', async (t) => {
  const cfg = path.join(t.testdir(), 'config.json');
  // Two tokens, refilled at one per 30 s: none comes back during the test.
  fs.writeFileSync(cfg, JSON.stringify({ burstPerMinute: 2 }));
  const server = await startServer(t, { args: ['--config', cfg] });
  await createFunction(server.client(), 'busy', { 'index.mjs': BUSY }, { Type: 'HTTP', Handler: 'index.fetch', Timeout: 10 });
  const url = `${server.url}/default/busy/`;
  const json = (r) => ({ status: r.status, ...JSON.parse(r.body.toString()) });

  const warm = json(await request(`${url}?ms=0`)); // token 1: the first instance
  t.equal(warm.status, 200, 'the cold start was admitted');
  // The first instance is held for 3 s; 200 ms after its call is running, it is far behind: a second
  // instance spends token 2. The waits start from /metrics, not from sending: on a loaded machine a
  // request can take longer than a fixed sleep to reach its isolate, and two calls then share one.
  const first = request(`${url}?ms=3000`);
  await until('the first call running', async () => (await runningCalls(server, 'busy')) >= 1);
  await sleep(200);
  const second = request(`${url}?ms=3000`);
  // Both are behind now, and no token is left: the third call stays on one of them.
  await until('the second call running', async () => (await runningCalls(server, 'busy')) >= 2);
  await sleep(300);
  const third = request(`${url}?ms=0`);
  const [a, b, c] = (await Promise.all([first, second, third])).map(json);
  t.equal(a.status, 200);
  t.equal(b.status, 200);
  t.not(b.instance, a.instance, 'with a token left, a lagging instance got a second one beside it');
  t.equal(c.status, 200, 'no token left: the call is not refused (it needed no new instance)');
  t.ok(c.instance === a.instance || c.instance === b.instance, 'no token left: no third instance, the call waited on one of the two');

  const metrics = (await request(`${server.url}/metrics`)).body.toString();
  t.match(metrics, /isola_admission_throttles_total\{code="429"\} 0\n/, 'no call was counted as throttled (429)');
});
