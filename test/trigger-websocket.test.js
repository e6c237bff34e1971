'use strict';
// WebSocket upgrades on HTTP trigger paths: a WebSocket web function behind a
// trigger (one-segment and deeper paths) is reached like on its own route;
// a disabled trigger answers 404, an event function behind a trigger 426,
// and the path the function sees follows the trigger's stripPrefix.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { connect, logOf, statusOf, WS } = require('./helpers/ws');

const desc = (path, extra = {}) => JSON.stringify({ api: { requestConfig: { method: 'GET', path, ...extra } } });
// Echoes, and answers "path" with the path and query the function saw.
const ROOM = `export default {
  fetch(request) {
    if (request.headers.get('upgrade') !== 'websocket') return new Response('use a WebSocket', { status: 426 });
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener('message', (e) => {
      const u = new URL(request.url);
      server.send(e.data === 'path' ? u.pathname + u.search : 'echo ' + e.data);
    });
    return new Response(null, { status: 101, webSocket: client });
  },
};\n`;

t.test('WebSocket connections through HTTP triggers', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'room', { 'index.mjs': ROOM }, WS);
  await createFunction(client, 'evt', { 'index.js': 'exports.main_handler = async () => 1;\n' });
  await client.CreateTrigger({ FunctionName: 'room', TriggerName: 'chat', Type: 'apigw', TriggerDesc: desc('/chat') });
  await client.CreateTrigger({ FunctionName: 'room', TriggerName: 'rooms', Type: 'apigw', TriggerDesc: desc('/rooms/{id}/*', { stripPrefix: 'TRUE' }) });
  await client.CreateTrigger({ FunctionName: 'room', TriggerName: 'off', Type: 'apigw', TriggerDesc: desc('/off'), Enable: 'CLOSE' });
  await client.CreateTrigger({ FunctionName: 'evt', TriggerName: 'evt', Type: 'apigw', TriggerDesc: desc('/evt') });

  const one = await connect(`ws://127.0.0.1:${server.port}/chat?x=1`);
  one.ws.send('hi');
  t.equal((await one.next()).data, 'echo hi', 'one-segment trigger path upgraded and echoed');
  one.ws.send('path');
  t.equal((await one.next()).data, '/chat?x=1', 'the function sees the path as received (no stripPrefix)');
  const rid = one.response.headers['x-scf-request-id'];
  one.ws.close(1000, 'bye');
  await one.closed;
  t.equal(statusOf(await logOf(client, 'room', rid)), 200, 'logged as one invocation ending 200');

  const deep = await connect(`ws://127.0.0.1:${server.port}/rooms/7/lobby/a?y=2`);
  deep.ws.send('path');
  t.equal((await deep.next()).data, '/lobby/a?y=2', 'stripPrefix: the segments before the rest-match are removed');
  deep.ws.close(1000);
  await deep.closed;

  const refused = await connect(`ws://127.0.0.1:${server.port}/off`).catch((err) => err);
  t.equal(refused.statusCode, 404, 'a disabled trigger answers 404');
  const event = await connect(`ws://127.0.0.1:${server.port}/evt`).catch((err) => err);
  t.equal(event.statusCode, 426, 'an event function behind a trigger cannot take a WebSocket');
  const none = await connect(`ws://127.0.0.1:${server.port}/nothing-here`).catch((err) => err);
  t.equal(none.statusCode, 404, 'a one-segment path no trigger serves: 404');
  const own = await connect(`ws://127.0.0.1:${server.port}/default/room/x`);
  own.ws.send('path');
  t.equal((await own.next()).data, '/x', "the function's own route still works");
  own.ws.close(1000);
  await own.closed;
});
