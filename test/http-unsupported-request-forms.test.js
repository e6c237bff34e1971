'use strict';
// HTTP/1.0 (nginx's default proxy_http_version, ApacheBench), absolute-form
// and asterisk-form targets, HTTP/0.9, an HTTP/2 preface and malformed
// request lines were left unanswered about 10 s, then closed (uWS 20.30).
// The uWS build in use answers each at once with `505 HTTP Version Not
// Supported` and closes; nothing reaches the function. A request line that
// is a lone token or empty (no space at all, a CRLF before the request line)
// is still never answered: uWS waits for the rest of the line and its fixed
// HTTP idle timeout closes the connection after ~10–12 s (README, HTTP
// section); pinned so it never gets longer.
const t = require('tap');
const { probeServer, closesOf, get } = require('./helpers/raw-http');

t.test('refused forms: 505 at once, lone tokens closed by the idle timeout', async (t) => {
  const { base, connect, seen } = await probeServer(t, 'forms');
  const refused = {
    'HTTP/1.0 to a function': `GET ${base}/v10 HTTP/1.0\r\nHost: test\r\n\r\n`,
    'HTTP/1.0 to /healthz': 'GET /healthz HTTP/1.0\r\n\r\n',
    'absolute-form target': `GET http://test${base}/absolute HTTP/1.1\r\nHost: test\r\n\r\n`,
    'asterisk-form': 'OPTIONS * HTTP/1.1\r\nHost: test\r\n\r\n',
    'HTTP/0.9': `GET ${base}/v09\r\n\r\n`,
    'HTTP/2 preface': 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    'HTTP/1.2': `GET ${base}/v12 HTTP/1.2\r\nHost: test\r\n\r\n`,
    'a space in the target': `GET ${base}/a b HTTP/1.1\r\nHost: test\r\n\r\n`,
    'a TLS ClientHello': '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03',
  };
  const lone = {
    'a lone token': 'HELLO\r\n\r\n',
    'a CRLF before the request line': `\r\nGET ${base}/crlf HTTP/1.1\r\nHost: test\r\n\r\n`,
  };
  const slow = closesOf(connect, lone);
  const t0 = Date.now();
  for (const { name, closed, after, answer } of await closesOf(connect, refused, 2000)) {
    t.ok(closed, `${name}: closed`);
    t.ok(after < 1000, `${name}: at once (${after} ms)`);
    t.equal(answer, 'HTTP/1.1 505 HTTP Version Not Supported', `${name}: 505`);
  }
  t.ok(Date.now() - t0 < 2000, 'every refusal came within 2 s');
  const c = connect();
  t.equal((await c.exchange(get(`${base}/ok`), { timeoutMs: 2000 })).status, 200, 'HTTP/1.1 on another connection is served meanwhile');
  t.equal((await c.exchange(get(`${base}/ok2`), { timeoutMs: 2000 })).status, 200, 'and that connection is reused');
  for (const { name, closed, after, answer } of await slow) {
    t.ok(closed, `${name}: closed (${after} ms)`);
    t.ok(after > 5000 && after < 16_000, `${name}: by the idle timeout, not later`);
    t.equal(answer, '', `${name}: no answer`);
  }
  t.same(await seen(), ['/ok', '/ok2'], 'nothing refused reached the function');
});
