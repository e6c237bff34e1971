'use strict';
// WebSocket through a process web function (ProtocolType WS): frames are proxied both ways and
// the lifecycle statuses of platform-semantics §4 apply to the connection's invocation — the
// function closing with 4000 → 439, the client closing with 4001 → 456, no frame for the idle
// timeout → 455 — and a plain request to the same function is still plain HTTP.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');
const { connect, logOf, statusOf } = require('./helpers/ws');
const { wsAppEntries } = require('./helpers/web-samples');

t.test('WebSocket lifecycle through a process web function', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'wsapp', wsAppEntries(), { Runtime: 'Nodejs18.15', Type: 'HTTP', Handler: undefined, Timeout: 60, ProtocolType: 'WS', ProtocolParams: { WSParams: { IdleTimeOut: 10 } }, InstanceConcurrencyConfig: { MaxConcurrency: 10 } });
  const url = `ws://127.0.0.1:${server.port}/default/wsapp/chat`;

  const plain = await request(`${server.url}/default/wsapp/`);
  t.equal(plain.body.toString(), 'plain http', 'a request without an upgrade is plain HTTP');

  const byFunction = await connect(url);
  const rid1 = byFunction.response.headers['x-scf-request-id'];
  t.same(await byFunction.next(), { data: `hello ${rid1}`, binary: false }, 'the function saw the X-Scf-Request-Id');
  byFunction.ws.send('ping');
  t.same(await byFunction.next(), { data: 'ping', binary: false });
  byFunction.ws.send('close 4000');
  t.same(await byFunction.closed, { code: 4000, reason: 'asked to' }, 'the function\'s close code reaches the client');
  t.equal(statusOf(await logOf(client, 'wsapp', rid1)), 439, 'closed by the function with 4000 → 439');

  const byClient = await connect(url);
  const rid2 = byClient.response.headers['x-scf-request-id'];
  await byClient.next();
  byClient.ws.close(4001, 'leaving');
  await byClient.closed;
  t.equal(statusOf(await logOf(client, 'wsapp', rid2)), 456, 'closed by the client with 4001 → 456');

  const idle = await connect(url);
  const rid3 = idle.response.headers['x-scf-request-id'];
  await idle.next();
  const t0 = Date.now();
  const closed = await idle.closed;
  t.ok(Date.now() - t0 >= 9000, `closed after the idle timeout (${Date.now() - t0} ms, code ${closed.code})`);
  t.equal(statusOf(await logOf(client, 'wsapp', rid3)), 455, 'idle → 455');
});
