'use strict';
// HTTP/1.0 (nginx's default proxy_http_version, ApacheBench), absolute-form
// targets, asterisk-form, HTTP/0.9, an HTTP/2 preface and more than uWS's
// header slots (~48 headers). uWS 20.30 neither answers these nor hands them
// to the gateway: it waits, then closes the connection when its fixed idle
// timeout (about 10 s) fires; no engine option shortens it (README, HTTP
// section: why uWS 20.30 stays, and what a reverse proxy must set). What is
// pinned: the connection is closed by that timeout and never held longer,
// nothing reaches the function, other connections are served meanwhile.
const t = require('tap');
const { probeServer, closesOf, get } = require('./helpers/raw-http');

t.test('refused forms: closed by the idle timeout, never served', async (t) => {
  const { base, connect, seen } = await probeServer(t, 'forms');
  const many = Array.from({ length: 60 }, (_, i) => `X-H${i}: ${i}\r\n`).join('');
  const forms = {
    'HTTP/1.0 to a function': `GET ${base}/v10 HTTP/1.0\r\nHost: test\r\n\r\n`,
    'HTTP/1.0 to /healthz': 'GET /healthz HTTP/1.0\r\n\r\n',
    'absolute-form target': `GET http://test${base}/absolute HTTP/1.1\r\nHost: test\r\n\r\n`,
    'asterisk-form': 'OPTIONS * HTTP/1.1\r\nHost: test\r\n\r\n',
    'HTTP/0.9': `GET ${base}/v09\r\n`,
    'HTTP/2 preface': 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    '60 request headers': `GET ${base}/many HTTP/1.1\r\nHost: test\r\n${many}\r\n`,
  };
  const closes = closesOf(connect, forms);
  const c = connect();
  t.equal((await c.exchange(get(`${base}/ok`), { timeoutMs: 2000 })).status, 200, 'HTTP/1.1 on another connection is served meanwhile');
  t.equal((await c.exchange(get(`${base}/ok2`), { timeoutMs: 2000 })).status, 200, 'and that connection is reused');
  for (const { name, closed, after, answer } of await closes) {
    t.ok(closed, `${name}: closed (${after} ms${answer ? `, after "${answer}"` : ', no answer'})`);
    t.ok(after < 16_000, `${name}: by the idle timeout, not later`);
  }
  t.same(await seen(), ['/ok', '/ok2'], 'nothing refused reached the function');
});
