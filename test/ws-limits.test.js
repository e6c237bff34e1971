'use strict';
// WebSocket limits and scale (issue 6, platform-semantics §4): message size
// (1009), messages and bytes per second upstream (1008), each counted in
// /metrics; one connection per instance by default, N per instance with
// per-instance concurrency N; an out-of-memory closes every connection of
// its instance with 1011 and logs 434.
const fs = require('node:fs');
const path = require('node:path');
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');
const { connect, logOf, statusOf, CHAT, WS } = require('./helpers/ws');

t.test('message size, message rate and byte rate', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'chat', { 'index.mjs': CHAT }, WS);
  const url = `ws://127.0.0.1:${server.port}/default/chat/`;

  const fits = await connect(url);
  fits.ws.send('x'.repeat(256 * 1024));
  t.equal((await fits.next()).data.length, 256 * 1024, 'a 256 KB message passes (and is echoed)');
  fits.ws.close(1000);

  const big = await connect(url);
  big.ws.send(Buffer.alloc(256 * 1024 + 1));
  const bigClose = await big.closed;
  t.equal(bigClose.code, 1009, 'one byte over 256 KB: closed with 1009');
  t.match(bigClose.reason, /262145 bytes is over the 262144-byte limit/);

  const fast = await connect(url);
  for (let i = 0; i < 11; i++) fast.ws.send(`m${i}`);
  const fastClose = await fast.closed;
  t.equal(fastClose.code, 1008, '11 messages at once: closed with 1008');
  t.match(fastClose.reason, /more than 10 messages per second/);
  const fastLog = await logOf(client, 'chat', fast.response.headers['x-scf-request-id']);
  t.equal(statusOf(fastLog), 439, 'a platform close with another code is 439');
  t.match(fastLog.Log, /echo m9/, 'the first 10 messages reached the function');
  t.notMatch(fastLog.Log, /echo m10/, 'the 11th did not');

  const heavy = await connect(url);
  for (let i = 0; i < 3; i++) heavy.ws.send(Buffer.alloc(100 * 1024));
  const heavyClose = await heavy.closed;
  t.equal(heavyClose.code, 1008, '300 KB in one go: closed with 1008');
  t.match(heavyClose.reason, /more than 131072 bytes per second/);

  // Within the rates, a steady stream is fine: 5 messages/s of 20 KB for 2 s.
  const steady = await connect(url);
  for (let i = 0; i < 10; i++) {
    steady.ws.send(`s${i}`.padEnd(20 * 1024, '.'));
    await steady.next();
    await new Promise((r) => setTimeout(r, 200));
  }
  t.equal(steady.ws.readyState, 1, 'a connection within the limits stays open');
  steady.ws.close(1000);

  const metrics = (await request(`${server.url}/metrics`)).body.toString();
  t.match(metrics, /isola_websocket_limit_closes_total\{limit="message_size"\} 1/);
  t.match(metrics, /isola_websocket_limit_closes_total\{limit="message_rate"\} 1/);
  t.match(metrics, /isola_websocket_limit_closes_total\{limit="byte_rate"\} 1/);
});

t.test('a client that does not read is closed (1008) once 1 MB waits for it', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'chat', { 'index.mjs': CHAT }, WS);
  const c = await connect(`ws://127.0.0.1:${server.port}/default/chat/`);
  const rid = c.response.headers['x-scf-request-id'];
  c.ws.send('stream');
  c.ws._socket.pause(); // stop reading: the kernel buffers fill, then the gateway's
  let log;
  for (let i = 0; i < 100 && !log; i++) {
    await new Promise((r) => setTimeout(r, 200));
    log = await logOf(client, 'chat', rid, 0);
  }
  t.ok(log, 'the connection ended on the server while the client was not reading');
  t.equal(statusOf(log), 439);
  t.match(log.Log, /closed the WebSocket with code 1008: more than 1048576 bytes waiting for the client/);
  const metrics = (await request(`${server.url}/metrics`)).body.toString();
  t.match(metrics, /isola_websocket_limit_closes_total\{limit="backpressure"\} 1/);
  c.ws.terminate();
});

t.test("the function's send window: 1 MB in one go passes, more closes with 1008", async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'chat', { 'index.mjs': CHAT }, WS);
  const ok = await connect(`ws://127.0.0.1:${server.port}/default/chat/`);
  ok.ws.send('flood 15');
  for (let i = 0; i < 15; i++) t.equal((await ok.next()).data.length, 64 * 1024, `chunk ${i}`);
  ok.ws.close(1000);
  const over = await connect(`ws://127.0.0.1:${server.port}/default/chat/`);
  over.ws.send('flood 40');
  const closed = await over.closed;
  t.equal(closed.code, 1008);
  t.match(closed.reason, /send buffer over 1048576 bytes/);
  const log = await logOf(client, 'chat', over.response.headers['x-scf-request-id']);
  t.equal(statusOf(log), 439);
  t.match(log.Log, /the platform closed the WebSocket with code 1008: send buffer over/, 'a platform limit, not the function closing');
  const metrics = (await request(`${server.url}/metrics`)).body.toString();
  t.match(metrics, /isola_websocket_limit_closes_total\{limit="send_window"\} 1/);
});

t.test('limits are configurable', async (t) => {
  const cfg = path.join(fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'isola-ws-')), 'cfg.json');
  fs.writeFileSync(cfg, JSON.stringify({ wsMaxMessagesPerSecond: 1000, wsMaxMessageBytes: 1024 }));
  const server = await startServer(t, { args: ['--config', cfg] });
  const client = server.client();
  await createFunction(client, 'chat', { 'index.mjs': CHAT }, WS);
  const c = await connect(`ws://127.0.0.1:${server.port}/default/chat/`);
  for (let i = 0; i < 50; i++) c.ws.send(`m${i}`);
  for (let i = 0; i < 50; i++) t.equal((await c.next()).data, `m${i}`, `message ${i}`);
  c.ws.send('y'.repeat(1025));
  t.equal((await c.closed).code, 1009, 'a 1025-byte message over a 1024-byte limit');
});

t.test('one connection per instance with concurrency 1; N per instance with concurrency N', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  // The Isolate runtime's default is dynamic concurrency: MaxConcurrency 1 is how a function asks for one per instance.
  await createFunction(client, 'single', { 'index.mjs': CHAT }, { ...WS, InstanceConcurrencyConfig: { MaxConcurrency: 1 } });
  await createFunction(client, 'shared', { 'index.mjs': CHAT }, { ...WS, InstanceConcurrencyConfig: { MaxConcurrency: 20 } });

  async function open(name, n) {
    const conns = await Promise.all(Array.from({ length: n }, () => connect(`ws://127.0.0.1:${server.port}/default/${name}/`)));
    const ids = await Promise.all(conns.map(async (c) => {
      c.ws.send('id');
      return JSON.parse((await c.next(15_000)).data).instance;
    }));
    return { conns, ids };
  }
  const single = await open('single', 200);
  t.equal(new Set(single.ids).size, 200, '200 connections, 200 instances');
  const shared = await open('shared', 200);
  const perInstance = new Map();
  for (const id of shared.ids) perInstance.set(id, (perInstance.get(id) ?? 0) + 1);
  t.equal(perInstance.size, 10, '200 connections over 10 instances with concurrency 20');
  t.same([...new Set(perInstance.values())], [20], '20 connections on each');

  // Every connection still works independently.
  const all = [...single.conns, ...shared.conns];
  await Promise.all(all.map(async (c, i) => {
    c.ws.send(`hi ${i}`);
    const f = await c.next(15_000);
    if (f.data !== `hi ${i}`) t.fail(`connection ${i} got ${f.data}`);
  }));
  const metrics = (await request(`${server.url}/metrics`)).body.toString();
  t.match(metrics, /isola_websocket_connections 400/, '400 open connections in /metrics');
  for (const c of all) c.ws.close(1000);
  await Promise.all(all.map((c) => c.closed));
});

t.test('out of memory closes every connection of the instance with 1011 and logs 434', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'greedy', { 'index.mjs': CHAT }, { ...WS, MemorySize: 64, InstanceConcurrencyConfig: { MaxConcurrency: 2 } });
  const url = `ws://127.0.0.1:${server.port}/default/greedy/`;
  const [a, b] = await Promise.all([connect(url), connect(url)]);
  a.ws.send('id');
  b.ws.send('id');
  const [ia, ib] = [JSON.parse((await a.next()).data), JSON.parse((await b.next()).data)];
  t.equal(ia.instance, ib.instance, 'both connections on one instance');
  a.ws.send('oom');
  const [ca, cb] = await Promise.all([a.closed, b.closed]);
  t.same([ca.code, cb.code], [1011, 1011], 'both closed with 1011');
  t.equal(ca.reason, 'memory limit reached');
  for (const c of [a, b]) t.equal(statusOf(await logOf(client, 'greedy', c.response.headers['x-scf-request-id'])), 434, 'logged as 434');

  // The instance is replaced: a new connection works.
  const c = await connect(url);
  c.ws.send('id');
  t.not(JSON.parse((await c.next()).data).instance, ia.instance, 'a fresh instance serves the next connection');
  c.ws.close(1000);
});
