'use strict';
// A client that does not read a web function's large response: the proxy stops reading from the
// instance — the sink gets one chunk and the proxy's process holds no more of the body (what the app
// already wrote waits in kernel socket buffers and slirp4netns, which a ≤ 6 MB response can fill
// without stalling the app) — and when the client drains, the rest flows, byte for byte.
const t = require('tap');
const { recordingSink } = require('./fixtures/runtime/http');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

t.test('a paused client holds the app back', async (t) => {
  const { ex, deploy, request } = webExecutor(t);
  const spec = deploy(WEB_APP, { instanceConcurrency: 2, timeoutMs: 20_000 });
  t.equal((await request(spec, { path: '/hello' })).outcome.kind, 'ok');
  const before = process.memoryUsage().arrayBuffers;
  const sink = recordingSink({ paused: true });
  const big = ex.serveHttp({ requestId: 'bp-1', spec, request: { method: 'GET', url: 'http://fn.test/big?mb=5', headers: [['host', 'fn.test']], body: null } }, sink);
  await new Promise((r) => setTimeout(r, 1500));
  const held = sink.body.length;
  const grown = process.memoryUsage().arrayBuffers - before;
  const written = Number((await request(spec, { path: '/big/progress' })).text);
  t.ok(written > held, `the app wrote ${written} bytes meanwhile`);
  t.ok(held <= 256 * 1024, `the sink got ${held} bytes while paused (one chunk, then the proxy waited)`);
  t.ok(grown < 2 * 1024 * 1024, `the proxy's process buffers grew by ${grown} bytes, not by the ${written - held} bytes still on their way`);
  sink.release();
  const o = await big;
  t.equal(o.kind, 'ok', o.errorMessage);
  t.equal(sink.body.length, 5 * 1024 * 1024, 'then the whole body, byte for byte');
  t.equal(o.responseBytes, 5 * 1024 * 1024);
});
