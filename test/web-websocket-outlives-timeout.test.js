'use strict';
// A WebSocket through a process web function that stays busy past the execution timeout: the
// platform closes it (1001) and the invocation ends 433, however lively the connection was.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { connect, logOf, statusOf } = require('./helpers/ws');
const { wsAppEntries } = require('./helpers/web-samples');

t.test('a connection past the execution timeout → closed by the platform, 433', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'wslong', wsAppEntries(), { Runtime: 'Nodejs18.15', Type: 'HTTP', Handler: undefined, Timeout: 10, ProtocolType: 'WS', ProtocolParams: { WSParams: { IdleTimeOut: 10 } } });
  const c = await connect(`ws://127.0.0.1:${server.port}/default/wslong/`);
  const rid = c.response.headers['x-scf-request-id'];
  await c.next();
  const t0 = Date.now();
  // A message every 2 s: never idle.
  const ping = setInterval(() => c.ws.readyState === 1 && c.ws.send('tick'), 2000);
  const closed = await c.closed;
  clearInterval(ping);
  t.ok(Date.now() - t0 >= 8500, `closed after ${Date.now() - t0} ms`);
  t.equal(closed.code, 1001, `the platform's close (${closed.reason})`);
  t.equal(statusOf(await logOf(client, 'wslong', rid)), 433, 'the invocation ended at the execution timeout');
});
