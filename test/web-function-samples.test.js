'use strict';
// Done-when of issue 16 (web functions): the Express sample and the Python sample, written for the
// cloud (port 9000, scf_bootstrap), deploy unchanged with `isola deploy` and answer through
// /<namespace>/<function>/…: routes, query strings, JSON bodies, streamed responses, the X-Scf-*
// headers, and (Express + ws) a WebSocket echo.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { isola } = require('./helpers/cli');
const { request } = require('./helpers/http');
const { connect, logOf, statusOf } = require('./helpers/ws');
const { stageSample } = require('./helpers/web-samples');

t.test('the Express sample', async (t) => {
  const server = await startServer(t);
  const dir = stageSample(t, 'web-express', ['express', 'ws']);
  const deployed = await isola(server, ['deploy', dir, '--name', 'web-express', '--runtime', 'Nodejs18.15', '--type', 'HTTP', '--ws', '--ws-idle', '30', '--timeout', '60']);
  t.equal(deployed.code, 0, deployed.stderr);
  const base = `${server.url}/default/web-express`;

  const root = await request(`${base}/`);
  t.equal(root.status, 200, root.body.toString());
  const hello = JSON.parse(root.body);
  t.equal(hello.hello, 'express');
  t.equal(hello.requestId, root.headers['x-scf-request-id'], 'the app saw the X-Scf-Request-Id the caller gets');

  const user = await request(`${base}/users/7?x=1&y=%C3%A9`);
  t.same(JSON.parse(user.body), { id: '7', query: { x: '1', y: 'é' } });

  const echo = await request(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: [1, 2], b: 'ü' }) });
  t.equal(echo.status, 201);
  t.same(JSON.parse(echo.body), { received: { a: [1, 2], b: 'ü' }, type: 'application/json' });

  const stream = await request(`${base}/stream?n=5`);
  t.equal(stream.body.toString(), 'chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n');
  t.ok(stream.chunkTimes.length >= 2, `streamed in ${stream.chunkTimes.length} pieces, not buffered whole`);
  t.ok(stream.chunkTimes.at(-1) - stream.chunkTimes[0] >= 100, 'the pieces arrived over time');

  const c = await connect(`ws://127.0.0.1:${server.port}/default/web-express/ws`);
  // Not a speed check: the echo crosses the gateway, slirp4netns and the app's process, and a CI
  // run under load once took over the helper's default 5 s for the first one.
  const FRAME_WAIT_MS = 20_000;
  c.ws.send('hi');
  t.same(await c.next(FRAME_WAIT_MS), { data: 'echo: hi', binary: false });
  c.ws.send(Buffer.from([1, 2, 3]));
  const bin = await c.next(FRAME_WAIT_MS);
  t.ok(bin.binary);
  t.same([...bin.data], [1, 2, 3]);
  const requestId = c.response.headers['x-scf-request-id'];
  c.ws.close(1000, 'bye');
  await c.closed;
  const log = await logOf(server.client(), 'web-express', requestId);
  t.equal(statusOf(log), 200, 'the connection was one successful invocation');
});

t.test('the Python (http.server) sample', async (t) => {
  const server = await startServer(t);
  const dir = stageSample(t, 'web-python');
  const deployed = await isola(server, ['deploy', dir, '--name', 'web-python', '--runtime', 'Python3.9', '--type', 'HTTP']);
  t.equal(deployed.code, 0, deployed.stderr);
  const base = `${server.url}/default/web-python`;
  const root = await request(`${base}/`);
  t.equal(root.status, 200, root.body.toString());
  t.same(JSON.parse(root.body), { hello: 'python', requestId: root.headers['x-scf-request-id'] });
  const echo = await request(`${base}/echo`, { method: 'POST', body: '{"n": 42}' });
  t.equal(echo.status, 201);
  t.same(JSON.parse(echo.body), { received: { n: 42 } });
  const stream = await request(`${base}/stream`);
  t.equal(stream.body.toString(), 'chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n');
  t.ok(stream.chunkTimes.length >= 2, `streamed in ${stream.chunkTimes.length} pieces`);
  const missing = await request(`${base}/nope`);
  t.equal(missing.status, 404, 'the app\'s own statuses pass through');
  const log = await logOf(server.client(), 'web-python', echo.headers['x-scf-request-id']);
  t.match(log?.Log ?? '', /POST \/echo/, 'the app\'s output is in the request\'s log');
});
