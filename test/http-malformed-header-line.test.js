'use strict';
// Malformed header lines (no colon, a space in the name or before the colon,
// obs-fold, a control character in a value) and a missing Host: uWS 20.30's
// parser neither answers these nor hands them to the gateway; it waits, and
// closes the connection when its fixed idle timeout (about 10 s) fires (no
// engine option shortens it; README, HTTP section). Pinned: closed by that
// timeout, never later, nothing reaches the function, other connections are
// served meanwhile. A Transfer-Encoding other than chunked does reach the
// gateway, which answers 501 and closes at once without running the function.
const t = require('tap');
const { probeServer, closesOf, get } = require('./helpers/raw-http');

t.test('malformed heads: closed by the idle timeout, never served', async (t) => {
  const { base, connect, seen } = await probeServer(t, 'malformed');
  const heads = {
    'no colon': `GET ${base}/a HTTP/1.1\r\nHost: test\r\nNoColonHere\r\n\r\n`,
    'space in a name': `GET ${base}/b HTTP/1.1\r\nHost: test\r\nBad Name: 1\r\n\r\n`,
    'space before the colon': `GET ${base}/c HTTP/1.1\r\nHost: test\r\nX-A : 1\r\n\r\n`,
    'obs-fold': `GET ${base}/d HTTP/1.1\r\nHost: test\r\nX-A: 1\r\n  folded\r\n\r\n`,
    'control character in a value': `GET ${base}/e HTTP/1.1\r\nHost: test\r\nX-A: a\x01b\r\n\r\n`,
    'no Host': `GET ${base}/f HTTP/1.1\r\n\r\n`,
  };
  const closes = closesOf(connect, heads);
  // Meanwhile a well-formed client is served at once.
  const good = connect();
  const res = await good.exchange(get(`${base}/good`), { timeoutMs: 2000 });
  t.equal(res.status, 200, 'other connections are served meanwhile');
  for (const { name, closed, after, answer } of await closes) {
    t.ok(closed, `${name}: closed (${after} ms${answer ? `, after "${answer}"` : ', no answer'})`);
    t.ok(after < 16_000, `${name}: by the idle timeout, not later`);
  }
  const gzip = connect();
  const refused = await gzip.exchange(`POST ${base}/g HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: gzip\r\n\r\n`);
  t.equal(refused.status, 501, 'Transfer-Encoding gzip: 501');
  t.same(JSON.parse(refused.body), { errorCode: -1, errorMessage: 'NotImplemented', statusCode: 501 });
  t.ok(await gzip.waitClose(1000), 'and closed at once');
  t.same(await seen(), ['/good'], 'no malformed request reached the function');
});
