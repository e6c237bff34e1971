'use strict';
// native/custom: the custom runtime API's state machine over real HTTP (spec: runtime-api.md,
// "Custom runtime"): ready, long-poll next with the event and its headers, the same event when
// asked again, the first response/error final, 400 out of order, 404 unknown, abandon and close,
// and serving on an adopted server (a socket listening in an instance's network namespace).
const t = require('tap');
const net = require('node:net');
const { RuntimeApiServer } = require('../dist/native');
const { startApi, call } = require('./helpers/runtime-api');

const INV = { requestId: 'req-1', event: '{"a":1}', memoryMb: 128, timeoutMs: 3000 };

t.test('out of order and unknown calls', async (t) => {
  const { api, port } = await startApi(t);
  const early = await call(port, 'GET', '/runtime/invocation/next');
  t.equal(early.status, 400, 'next before ready is out of order');
  t.match(early.json, { error: /ready/ });
  const stray = await call(port, 'POST', '/runtime/invocation/response', 'x');
  t.equal(stray.status, 400, 'a response with no invocation in progress');
  t.match(stray.json, { error: /no invocation in progress/ });
  t.equal((await call(port, 'GET', '/runtime/nothing')).status, 404, 'unknown path');
  const wrongMethod = await call(port, 'GET', '/runtime/init/ready');
  t.equal(wrongMethod.status, 404, 'a known path with another method is no route either');
  t.match(wrongMethod.json, { error: 'no route GET /runtime/init/ready' });
  t.equal((await call(port, 'POST', '/runtime/init/ready', 'anything')).status, 200);
  await api.ready;
  t.equal((await call(port, 'POST', '/runtime/init/ready')).status, 200, 'repeats are ignored');
  t.equal((await call(port, 'POST', '/runtime/invocation/error', 'e')).status, 400, 'an error with no invocation in progress');
});

t.test('long poll, same event on re-ask, the first answer is final', async (t) => {
  const { api, port } = await startApi(t);
  await call(port, 'POST', '/runtime/init/ready');
  const polled = call(port, 'GET', '/runtime/invocation/next');
  await new Promise((r) => setTimeout(r, 50));
  const result = api.invoke(INV);
  const got = await polled;
  t.equal(got.status, 200);
  t.equal(got.body, INV.event, 'the raw event');
  t.equal(got.headers.request_id, 'req-1');
  t.equal(got.headers.memory_limit_in_mb, '128');
  t.equal(got.headers.time_limit_in_ms, '3000');
  t.notOk('deadline' in got.headers, 'no deadline header');
  const again = await call(port, 'GET', '/runtime/invocation/next');
  t.equal(again.body, INV.event, 'asked again during the same invocation: the same event');
  t.equal(again.headers.request_id, 'req-1');
  t.equal((await call(port, 'POST', '/runtime/invocation/response', '{"ok":true}')).status, 200);
  t.same(await result, { kind: 'response', body: '{"ok":true}' });
  const late = await call(port, 'POST', '/runtime/invocation/error', 'too late');
  t.equal(late.status, 400, 'a post after the first is not taken');

  // The next invocation, handed to a poll that comes after it.
  const second = api.invoke({ ...INV, requestId: 'req-2', event: '"two"' });
  const next = await call(port, 'GET', '/runtime/invocation/next');
  t.equal(next.headers.request_id, 'req-2');
  t.equal(next.body, '"two"');
  t.equal((await call(port, 'POST', '/runtime/invocation/error', 'it broke')).status, 200);
  t.same(await second, { kind: 'error', body: 'it broke' });
});

t.test('one invocation at a time; abandon; a body over the limit', async (t) => {
  const { api, port } = await startApi(t, { allowedUid: null, maxBodyBytes: 16 });
  await call(port, 'POST', '/runtime/init/ready');
  const first = api.invoke(INV);
  await t.rejects(api.invoke({ ...INV, requestId: 'req-x' }), { code: 'ERR_RUNTIME_API_BUSY' });
  await call(port, 'GET', '/runtime/invocation/next');
  api.abandon();
  await t.rejects(first, { code: 'ERR_RUNTIME_API_ABANDONED' });
  t.equal((await call(port, 'POST', '/runtime/invocation/response', '{}')).status, 400, 'a post for the abandoned invocation');

  const big = api.invoke({ ...INV, requestId: 'req-big' });
  await call(port, 'GET', '/runtime/invocation/next');
  const over = await call(port, 'POST', '/runtime/invocation/response', 'x'.repeat(100));
  t.equal(over.status, 413);
  t.same(await big, { kind: 'too_large', body: '' });
});

t.test('close rejects what waits and ends the long poll', async (t) => {
  const { api, port } = await startApi(t);
  const neverReady = startApi(t).then(({ api: other }) => other.close().then(() => other.ready));
  await t.rejects(neverReady, { code: 'ERR_RUNTIME_API_CLOSED' }, 'ready rejects when closed before it');
  await call(port, 'POST', '/runtime/init/ready');
  const poll = call(port, 'GET', '/runtime/invocation/next').then(() => 'answered', () => 'socket closed');
  await new Promise((r) => setTimeout(r, 30));
  await api.close();
  t.equal(await poll, 'socket closed');
  await t.rejects(api.invoke(INV), { code: 'ERR_RUNTIME_API_CLOSED' });
  await api.close();
  t.pass('close is idempotent');
});

t.test('adopt: serves on a server listening elsewhere (an instance\'s namespace), never with a uid check', async (t) => {
  const listening = () => new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => resolve(s)); });
  const checked = new RuntimeApiServer({ allowedUid: 0 });
  const refusedServer = await listening();
  t.teardown(() => refusedServer.close());
  t.throws(() => checked.adopt(refusedServer), { code: 'ERR_RUNTIME_API_ADOPT' }, 'a uid check cannot apply to an adopted server');
  const api = new RuntimeApiServer({ allowedUid: null });
  const server = await listening();
  const { host, port } = api.adopt(server);
  t.equal(host, '127.0.0.1');
  t.equal(port, server.address().port);
  t.throws(() => api.adopt(server), { code: 'ERR_RUNTIME_API_ADOPT' }, 'once');
  t.equal((await call(port, 'POST', '/runtime/init/ready')).status, 200);
  await api.ready;
  const polled = call(port, 'GET', '/runtime/invocation/next');
  const result = api.invoke(INV);
  t.equal((await polled).body, INV.event);
  t.equal((await call(port, 'POST', '/runtime/invocation/response', '"ok"')).status, 200);
  t.same(await result, { kind: 'response', body: '"ok"' });
  await api.close();
  t.notOk(server.listening, 'close() closes the adopted server');
});
