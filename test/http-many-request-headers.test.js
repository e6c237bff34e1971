'use strict';
// More than ~48 request header lines were left unanswered about 10 s, then
// closed (uWS 20.30). Now: up to 98 header lines and a 16 KB head reach the
// function on a reused connection; more lines or a larger head are answered
// `431 Request Header Fields Too Large` at once and closed.
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

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
