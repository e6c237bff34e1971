'use strict';
// Methods outside uWS 20.30's fixed list (PURGE, PROPFIND, any other token,
// lower-case `get`) closed the connection silently. The nine standard
// methods reach the function on a reused connection; uWS 20.30 refuses any
// other token before the gateway sees the request, by closing the
// connection at once (never a hang) — pinned here, listed in the README.
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

t.test('standard methods answered; other tokens closed at once', async (t) => {
  const { base, connect, seen } = await probeServer(t, 'methods');
  const c = connect();
  for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    const res = await c.exchange(`${method} ${base}/${method} HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n`);
    t.equal(res.status, 200, `${method} answered`);
    t.equal(JSON.parse(res.body).method, method, `${method} reached the function`);
  }
  t.equal((await c.exchange(get(`${base}/after`))).status, 200, 'the connection is reused');

  for (const method of ['PURGE', 'PROPFIND', 'MKCOL', 'REPORT', 'QUERY', 'X-CUSTOM_1', 'get']) {
    const d = connect();
    const t0 = Date.now();
    await d.send(`${method} ${base}/${method} HTTP/1.1\r\nHost: test\r\n\r\n`);
    t.ok(await d.waitClose(1000), `${method}: closed`);
    t.ok(Date.now() - t0 < 1000, `${method}: at once (${Date.now() - t0} ms)`);
    t.equal(d.unread.length, 0, `${method}: no answer (uWS 20.30 refuses the token)`);
  }
  const paths = await seen();
  t.notOk(paths.includes('/PURGE') || paths.includes('/get'), 'the refused methods never reached the function');
});
