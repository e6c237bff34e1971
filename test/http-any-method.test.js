'use strict';
// Methods outside uWS 20.30's fixed list (PURGE, PROPFIND, any other token,
// lower-case `get`) closed the connection silently. Any token is a method
// (RFC 9110 §9.1): each reaches the function as sent, on a reused
// connection.
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

t.test('any token is a method', async (t) => {
  const { base, connect, seen } = await probeServer(t, 'methods');
  const c = connect();
  for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PURGE', 'PROPFIND', 'MKCOL', 'REPORT', 'QUERY', 'X-CUSTOM_1']) {
    const res = await c.exchange(`${method} ${base}/${method} HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n`);
    t.equal(res.status, 200, `${method} answered`);
    t.equal(JSON.parse(res.body).method, method, `${method} reached the function`);
  }
  // Fetch normalises the six standard methods' case; any other token stays as sent.
  const lower = await c.exchange(`get ${base}/lower HTTP/1.1\r\nHost: test\r\n\r\n`);
  t.equal(lower.status, 200, 'lower-case get answered');
  t.equal(JSON.parse(lower.body).method, 'GET', 'and normalised to GET, as Fetch does');
  const lowerDelete = await c.exchange(`delete ${base}/lower-delete HTTP/1.1\r\nHost: test\r\n\r\n`);
  t.equal(JSON.parse(lowerDelete.body).method, 'DELETE', 'lower-case delete normalised too');
  const trace = await c.exchange(`TRACE ${base}/trace HTTP/1.1\r\nHost: test\r\n\r\n`);
  t.equal(trace.status, 500, 'TRACE, forbidden in Fetch: 500');
  const mixed = await c.exchange(`Purge ${base}/mixed HTTP/1.1\r\nHost: test\r\n\r\n`);
  t.equal(JSON.parse(mixed.body).method, 'Purge', 'another token keeps its case');
  t.equal((await c.exchange(get(`${base}/after`))).status, 200, 'the connection is reused');
  t.equal((await seen()).length, 16, 'every request but TRACE reached the function');
});
