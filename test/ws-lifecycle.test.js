'use strict';
// WebSocket functions (issue 6, platform-semantics §4) against a real server
// with the `ws` client: echo of text and binary, server push, the RequestId,
// every row of the ending-status table with its log lines and close code,
// the idle timeout (455) and the execution timeout (433), upgrades refused,
// and a graceful shutdown closing sockets with 1001.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');
const { connect, logOf, statusOf, CHAT, WS } = require('./helpers/ws');

t.test('echo, binary, server push, RequestId, logs', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'chat', { 'index.mjs': CHAT }, WS);
  const c = await connect(`ws://127.0.0.1:${server.port}/default/chat/room?x=1`);
  const rid = c.response.headers['x-scf-request-id'];
  t.match(rid, /^[0-9a-f-]{36}$/, 'the 101 carries X-Scf-Request-Id');
  t.equal(c.response.headers['x-custom'], 'yes', "the function's 101 headers pass");

  c.ws.send('id');
  const id = JSON.parse((await c.next()).data);
  t.equal(id.rid, rid, 'the handler sees the same RequestId (X-Scf-Request-Id)');

  c.ws.send('hello');
  t.same(await c.next(), { data: 'hello', binary: false }, 'text echoed as text');
  const bytes = Buffer.from([0, 1, 2, 250, 255]);
  c.ws.send(bytes);
  const bin = await c.next();
  t.ok(bin.binary, 'binary echoed as binary');
  t.same([...bin.data], [...bytes]);
  c.ws.send('ünïcödé ✓');
  t.equal((await c.next()).data, 'ünïcödé ✓');

  c.ws.send('push 3');
  t.same([(await c.next()).data, (await c.next()).data, (await c.next()).data], ['tick 3', 'tick 2', 'tick 1'], 'server push from a timer');
  c.ws.send('later');
  t.equal((await c.next()).data, 'later', 'a send after an await');

  c.ws.close(1000, 'done');
  t.same(await c.closed, { code: 1000, reason: 'done' });
  const log = await logOf(client, 'chat', rid);
  t.ok(log, 'one log record for the connection');
  t.match(log.Log, new RegExp(`^START RequestId: ${rid}`), 'START with the RequestId');
  t.match(log.Log, /echo hello/);
  t.match(log.Log, new RegExp(`${rid}\\tINFO\\tafter await`), 'a line after an await carries the RequestId');
  t.match(log.Log, /close event 1000 done/, 'the close event reached the function');
  t.match(log.Log, new RegExp(`END RequestId: ${rid}`));
  t.equal(statusOf(log), 200);

  // A plain request on the same route reaches the fetch handler as HTTP.
  const plain = await request(`${server.url}/default/chat/`);
  t.equal(plain.status, 426);
  t.equal(plain.body.toString(), 'use a WebSocket');
});

t.test('ending status table', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'ends', { 'index.mjs': CHAT }, WS);
  const url = `ws://127.0.0.1:${server.port}/default/ends/`;
  const cases = [
    // [name, what happens, status, close code the client sees]
    ['client 1000', (c) => c.ws.close(1000), 200, 1000],
    ['client 1010', (c) => c.ws.close(1010), 200, 1010],
    ['client 4001', (c) => c.ws.close(4001, 'app error'), 456, 4001],
    ['client drops the TCP connection', (c) => c.ws.terminate(), 456, 1006],
    ['server 1000', (c) => c.ws.send('close 1000 fine'), 200, 1000],
    ['server 1011', (c) => c.ws.send('close 1011 oops'), 200, 1011],
    ['server 4000', (c) => c.ws.send('close 4000 custom'), 439, 4000],
    ['server 1010 (a client code)', (c) => c.ws.send('close 1010 nope'), 439, 1010],
  ];
  const results = await Promise.all(cases.map(async ([name, act, status, code]) => {
    const c = await connect(url);
    c.ws.send('hello');
    await c.next();
    act(c);
    const closed = await c.closed;
    return { name, status, code, closed, rid: c.response.headers['x-scf-request-id'] };
  }));
  for (const r of results) {
    t.equal(r.closed.code, r.code, `${r.name}: the client sees ${r.code}`);
    const log = await logOf(client, 'ends', r.rid);
    t.equal(statusOf(log), r.status, `${r.name}: status ${r.status} in the log`);
    if (r.name !== 'client drops the TCP connection') t.match(log.Log, new RegExp(`close event ${r.code}`), `${r.name}: the function saw the close`);
    if (r.status !== 200) t.match(log.Log, /closed the WebSocket with code/, `${r.name}: the reason is logged`);
  }
  const metrics = (await request(`${server.url}/metrics`)).body.toString();
  t.match(metrics, /isola_websocket_accepted_total \d+/);
  t.match(metrics, /isola_function_http_4xx_total\{[^}]*function="ends"[^}]*\} 4/, 'the failures count as 4xx in metrics');
});

t.test('idle timeout 455 and execution timeout 433', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'short', { 'index.mjs': CHAT }, { ...WS, Timeout: 12, ProtocolParams: { WSParams: { IdleTimeOut: 10 } } });
  const url = `ws://127.0.0.1:${server.port}/default/short/`;
  const [idle, busy] = await Promise.all([connect(url), connect(url)]);
  const t0 = Date.now();
  // Keep the second one busy (a message every 2 s) so that it outlives the execution timeout instead.
  const keep = setInterval(() => busy.ws.readyState === 1 && busy.ws.send('ping'), 2000);
  const [idleClosed, busyClosed] = await Promise.all([idle.closed.then((c) => ({ ...c, at: Date.now() - t0 })), busy.closed.then((c) => ({ ...c, at: Date.now() - t0 }))]);
  clearInterval(keep);
  t.same([idleClosed.code, idleClosed.reason], [1001, 'idle timeout'], 'idle: closed by the platform with 1001');
  t.ok(idleClosed.at >= 9500 && idleClosed.at < 11_500, `idle: closed after ~10 s (${idleClosed.at} ms)`);
  t.same([busyClosed.code, busyClosed.reason], [1001, 'execution time limit reached'], 'busy: closed at the execution timeout');
  t.ok(busyClosed.at >= 11_500 && busyClosed.at < 14_000, `busy: closed after ~12 s (${busyClosed.at} ms)`);
  const idleLog = await logOf(client, 'short', idle.response.headers['x-scf-request-id']);
  t.equal(statusOf(idleLog), 455);
  t.match(idleLog.Log, /idle timeout/);
  t.match(idleLog.Log, /close event 1001 idle timeout/, 'the function saw the close');
  const busyLog = await logOf(client, 'short', busy.response.headers['x-scf-request-id']);
  t.equal(statusOf(busyLog), 433);
  t.match(busyLog.Log, /echo ping/);
});

t.test('upgrades refused', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'plain', { 'index.mjs': 'export default { fetch() { return new Response("plain"); } }' }, { Type: 'HTTP', Handler: 'index.fetch' });
  const err = await connect(`ws://127.0.0.1:${server.port}/default/plain/`).catch((e) => e);
  t.equal(err.statusCode, 426, 'a web function without WebSocket answers 426');
  t.same(JSON.parse(err.body), { errorCode: -1, errorMessage: 'UpgradeRequired', statusCode: 426 });
  const missing = await connect(`ws://127.0.0.1:${server.port}/default/nope/`).catch((e) => e);
  t.equal(missing.statusCode, 404, 'unknown function: 404');

  // A WS function that answers the upgrade with an HTTP response: passed through.
  await createFunction(client, 'deny', { 'index.mjs': 'export default { fetch() { return new Response("no entry", { status: 403 }); } }' }, WS);
  const denied = await connect(`ws://127.0.0.1:${server.port}/default/deny/`).catch((e) => e);
  t.equal(denied.statusCode, 403);
  t.equal(denied.body, 'no entry');

  // A non-WS function answering 101 to a plain request: 500 and a log line saying why.
  await createFunction(client, 'bogus', { 'index.mjs': CHAT }, { Type: 'HTTP', Handler: 'index.fetch' });
  const bogus = await request(`${server.url}/default/bogus/`, { headers: { upgrade: 'websocket' } });
  t.equal(bogus.status, 500);
  const log = await logOf(client, 'bogus', bogus.headers['x-scf-request-id']);
  t.match(log.Log, /not a WebSocket upgrade/);
});

t.test('graceful shutdown closes sockets with 1001 and ends their invocations', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'chat', { 'index.mjs': CHAT }, WS);
  const conns = await Promise.all([1, 2, 3].map(() => connect(`ws://127.0.0.1:${server.port}/default/chat/`)));
  for (const c of conns) { c.ws.send('hello'); await c.next(); }
  const stopped = server.stop();
  const closes = await Promise.all(conns.map((c) => c.closed));
  t.same(closes.map((c) => c.code), [1001, 1001, 1001], 'every socket closed with 1001');
  t.equal(closes[0].reason, 'server shutting down');
  t.equal((await stopped).code, 0, 'the server exits cleanly');

  const again = await startServer(t, { dataDir: server.dataDir });
  const c2 = again.client();
  for (const c of conns) {
    const log = await logOf(c2, 'chat', c.response.headers['x-scf-request-id']);
    t.ok(log, 'the invocation was logged before exit');
    t.match(log.Log, /close event 1001 server shutting down/);
    t.equal(statusOf(log), 439);
  }
});
