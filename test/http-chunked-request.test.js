'use strict';
// Chunked request bodies. After a chunked request with trailers the next
// request on the connection hung: uWS 20.30 reads the trailer section as
// the start of the next request. A chunked request is therefore answered
// with `Connection: close` and the connection closed at once (the client
// opens a new one); a chunk extension (`5;ext=1`) or a bad chunk size is
// refused by uWS with an immediate close — never a hang.
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

const chunked = (base, path, body) => `POST ${base}${path} HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n${body}`;

t.test('chunked bodies', async (t) => {
  const { base, connect } = await probeServer(t, 'chunky');
  for (const [name, body] of [
    ['plain', '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'],
    ['with a trailer section', '5\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: 1\r\n\r\n'],
  ]) {
    const c = connect();
    const t0 = Date.now();
    const res = await c.exchange(chunked(base, '/chunked', body));
    t.equal(res.status, 200, `${name}: answered`);
    t.equal(JSON.parse(res.body).body, 'hello world', `${name}: the chunks are joined`);
    t.equal(res.header('connection'), 'close', `${name}: Connection: close`);
    t.ok(await c.waitClose(1000), `${name}: closed`);
    t.ok(Date.now() - t0 < 1000, `${name}: at once (${Date.now() - t0} ms)`);
  }
  for (const [name, body] of [
    ['chunk extension', '5;ext=1\r\nhello\r\n0\r\n\r\n'],
    ['bad chunk size', 'zz\r\nhello\r\n0\r\n\r\n'],
  ]) {
    const d = connect();
    const t0 = Date.now();
    await d.send(chunked(base, '/odd', body));
    t.ok(await d.waitClose(1000), `${name}: closed`);
    t.ok(Date.now() - t0 < 1000, `${name}: at once (${Date.now() - t0} ms)`);
    const answer = d.unread.length > 0 ? await d.read() : undefined;
    t.ok(answer === undefined || answer.status >= 400, `${name}: ${answer ? answer.status : 'no answer'}`);
  }
  const c = connect();
  t.equal((await c.exchange(get(`${base}/after`))).status, 200, 'a new connection is served');
  t.equal((await c.exchange(get(`${base}/after2`))).status, 200, 'and reused');
});
