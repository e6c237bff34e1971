'use strict';
// `new Response(null, { status: 204 })` (hono's CORS preflight) and 304 went
// out with `Content-Length: 9223372036854775808`; Node's agent then failed
// the next request on the connection (ECONNRESET), Python's http.client saw
// RemoteDisconnected. 204 and 304 carry no Content-Length and no body
// (RFC 9110 §8.6, §15.4.5), and the connection is reused.
const t = require('tap');
const http = require('node:http');
const { webFunctionServer, get } = require('./helpers/raw-http');

const APP = `export default { async fetch(request) {
  const path = new URL(request.url).pathname;
  if (path === '/204') return new Response(null, { status: 204, headers: { 'access-control-allow-origin': '*' } });
  if (path === '/304') return new Response(null, { status: 304, headers: { etag: '"v1"' } });
  return new Response('ok');
} };`;

t.test('204 and 304 on a reused connection', async (t) => {
  const { server, base, connect } = await webFunctionServer(t, 'nobody', APP);
  const c = connect();
  for (const [path, status] of [['/204', 204], ['/304', 304]]) {
    const res = await c.exchange(get(`${base}${path}`));
    t.equal(res.status, status, path);
    t.equal(res.header('content-length'), undefined, `${path}: no Content-Length`);
    t.equal(res.header('transfer-encoding'), undefined, `${path}: no Transfer-Encoding`);
    const after = await c.exchange(get(`${base}/`));
    t.equal(after.status, 200, `${path}: the connection is reused`);
    t.equal(after.body.toString(), 'ok');
  }
  t.equal((await c.exchange(get(`${base}/204`))).header('access-control-allow-origin'), '*', "the function's headers are kept");

  // Node's keep-alive agent, as the report found it: 204 then another request on the same socket.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const call = (path, method = 'OPTIONS') =>
    new Promise((resolve, reject) => {
      http.request(`${server.url}${base}${path}`, { method, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, reused: res.req.reusedSocket }));
      }).on('error', reject).end();
    });
  t.equal((await call('/204')).status, 204);
  const second = await call('/', 'GET');
  t.same(second, { status: 200, reused: true }, "Node's agent reuses the socket after a 204");
});
