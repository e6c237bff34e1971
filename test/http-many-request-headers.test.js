'use strict';
// More than ~48 request header lines were left unanswered about 10 s, then
// closed (uWS 20.30). Now: up to 98 header lines and a 16 KB head reach the
// function on a reused connection; more lines or a larger head are answered
// `431 Request Header Fields Too Large` at once and closed. The head limit
// is uWS's UWS_HTTP_MAX_HEADERS_SIZE; one set by the operator is kept.
const t = require('tap');
const { probeServer, get, RawConnection, PROBE_APP } = require('./helpers/raw-http');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');

const lines = (n) => Array.from({ length: n }, (_, i) => `X-H${i}: ${i}\r\n`).join('');

t.test('header count and head size: served up to the limit, 431 above', async (t) => {
  const { base, connect, seen } = await probeServer(t, 'headers');
  const c = connect();
  // 97 lines + Host = 98.
  const many = await c.exchange(get(`${base}/many`, lines(97)));
  t.equal(many.status, 200, '98 header lines: served');
  t.equal(JSON.parse(many.body).headers.filter(([name]) => name.startsWith('x-h')).length, 97, 'every line reached the function');
  const big = await c.exchange(get(`${base}/big`, `Cookie: ${'c'.repeat(15 * 1024)}\r\n`));
  t.equal(big.status, 200, 'a 15 KB cookie: served');
  t.equal((await c.exchange(get(`${base}/after`))).status, 200, 'the connection is reused');

  for (const [name, head] of [
    ['99 header lines', get(`${base}/too-many`, lines(98))],
    ['a 17 KB head', get(`${base}/too-big`, `Cookie: ${'c'.repeat(17 * 1024)}\r\n`)],
  ]) {
    const d = connect();
    const t0 = Date.now();
    const res = await d.exchange(head, { timeoutMs: 2000 });
    t.equal(res.status, 431, `${name}: 431`);
    t.ok(await d.waitClose(1000), `${name}: closed`);
    t.ok(Date.now() - t0 < 1000, `${name}: at once (${Date.now() - t0} ms)`);
  }
  t.same(await seen(), ['/many', '/big', '/after'], 'the refused heads never reached the function');
});

t.test("the operator's UWS_HTTP_MAX_HEADERS_SIZE wins over the gateway's 16 KB", async (t) => {
  const server = await startServer(t, { env: { UWS_HTTP_MAX_HEADERS_SIZE: '8192' } });
  await createFunction(server.client(), 'small-heads', { 'index.mjs': PROBE_APP }, { Type: 'HTTP', Handler: 'index.fetch' });
  const c = new RawConnection(server.port);
  t.teardown(() => c.destroy());
  t.equal((await c.exchange(get('/default/small-heads/seven', `Cookie: ${'c'.repeat(7 * 1024)}\r\n`))).status, 200, 'a 7 KB head: served');
  t.equal((await c.exchange(get('/default/small-heads/ten', `Cookie: ${'c'.repeat(10 * 1024)}\r\n`))).status, 431, 'a 10 KB head: 431');
});
