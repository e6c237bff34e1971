'use strict';
// Malformed header lines (no colon, a space in the name or before the colon,
// obs-fold, a control character in a value) and a missing Host were left
// unanswered about 10 s, then closed (uWS 20.30). Now each is answered
// `400 Bad Request` at once and closed, and nothing reaches the function;
// other connections are served meanwhile. A Transfer-Encoding other than
// chunked reaches the gateway, which answers 501 and closes at once without
// running the function.
const t = require('tap');
const { probeServer, closesOf, get } = require('./helpers/raw-http');

t.test('malformed heads: 400 at once, never served', async (t) => {
  const { base, connect, seen } = await probeServer(t, 'malformed');
  const heads = {
    'no colon': `GET ${base}/a HTTP/1.1\r\nHost: test\r\nNoColonHere\r\n\r\n`,
    'space in a name': `GET ${base}/b HTTP/1.1\r\nHost: test\r\nBad Name: 1\r\n\r\n`,
    'space before the colon': `GET ${base}/c HTTP/1.1\r\nHost: test\r\nX-A : 1\r\n\r\n`,
    'obs-fold': `GET ${base}/d HTTP/1.1\r\nHost: test\r\nX-A: 1\r\n  folded\r\n\r\n`,
    'control character in a value': `GET ${base}/e HTTP/1.1\r\nHost: test\r\nX-A: a\x01b\r\n\r\n`,
    'no Host': `GET ${base}/f HTTP/1.1\r\n\r\n`,
  };
  const closes = closesOf(connect, heads, 2000);
  const good = connect();
  const res = await good.exchange(get(`${base}/good`), { timeoutMs: 2000 });
  t.equal(res.status, 200, 'other connections are served meanwhile');
  for (const { name, closed, after, answer } of await closes) {
    t.ok(closed, `${name}: closed`);
    t.ok(after < 1000, `${name}: at once (${after} ms)`);
    t.equal(answer, 'HTTP/1.1 400 Bad Request', `${name}: 400`);
  }
  const gzip = connect();
  const refused = await gzip.exchange(`POST ${base}/g HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: gzip\r\n\r\n`);
  t.equal(refused.status, 501, 'Transfer-Encoding gzip: 501');
  t.same(JSON.parse(refused.body), { errorCode: -1, errorMessage: 'NotImplemented', statusCode: 501 });
  t.ok(await gzip.waitClose(1000), 'and closed at once');
  t.same(await seen(), ['/good'], 'no malformed request reached the function');
});
