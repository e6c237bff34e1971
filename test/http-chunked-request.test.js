'use strict';
// Chunked request bodies. With uWS 20.30 a chunk extension (`5;ext=1`) or a
// bad chunk size closed the connection silently, and a trailer section was
// read as the start of the next request (so every chunked request was
// answered with `Connection: close`). Now: a chunked body is served on a
// kept-alive connection; a chunk extension, a bad chunk size and a trailer
// section are refused by uWS at once (400, 400, 505) and the connection
// closed. The function may already be running (a chunked body streams in):
// it then sees its body fail, as when the client goes away mid-body — with
// trailers too, where uWS refuses only after the last chunk — and never
// takes a refused body as complete.
const t = require('tap');
const { webFunctionServer, get } = require('./helpers/raw-http');

// Records, per path, the body it read or that reading it failed.
const APP = `const seen = [];
export default { async fetch(request) {
  const path = new URL(request.url).pathname;
  if (path === '/seen') return Response.json(seen);
  let body;
  try { body = await request.text(); } catch { seen.push(path + ' failed'); throw new Error('body failed'); }
  seen.push(path + ' ' + body);
  return Response.json({ body });
} };`;

const chunked = (base, path, body) => `POST ${base}${path} HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n${body}`;

t.test('chunked bodies', async (t) => {
  const { base, connect } = await webFunctionServer(t, 'chunky', APP);
  const c = connect();
  const res = await c.exchange(chunked(base, '/chunked', '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'));
  t.equal(res.status, 200, 'answered');
  t.equal(JSON.parse(res.body).body, 'hello world', 'the chunks are joined');
  t.not(res.header('connection'), 'close', 'no Connection: close');
  const again = await c.exchange(chunked(base, '/chunked-again', '3\r\nabc\r\n0\r\n\r\n'));
  t.equal(JSON.parse(again.body).body, 'abc', 'a second chunked request on the same connection');
  t.equal((await c.exchange(get(`${base}/after`))).status, 200, 'and a GET after it');

  for (const [name, body, status] of [
    ['chunk extension', '5;ext=1\r\nhello\r\n0\r\n\r\n', 400],
    ['bad chunk size', 'zz\r\nhello\r\n0\r\n\r\n', 400],
    // The function is already reading the body when the last chunk and the trailers come.
    ['trailer section', ['5\r\nhello\r\n', '0\r\nX-Checksum: 1\r\n\r\n'], 505],
  ]) {
    const d = connect();
    const [first, rest] = Array.isArray(body) ? body : [body, ''];
    await d.send(chunked(base, `/odd-${status}`, first));
    if (rest) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await d.send(rest);
    }
    const t0 = Date.now();
    const answer = await d.read({ timeoutMs: 2000 });
    t.equal(answer.status, status, `${name}: ${status}`);
    t.ok(await d.waitClose(1000), `${name}: closed`);
    t.ok(Date.now() - t0 < 1000, `${name}: at once (${Date.now() - t0} ms)`);
    t.equal(d.unread.length, 0, `${name}: nothing else was sent`);
  }
  const seen = JSON.parse((await connect().exchange(get(`${base}/seen`))).body);
  t.same(seen.slice(0, 3), ['/chunked hello world', '/chunked-again abc', '/after '], 'the served bodies');
  t.same(seen.filter((line) => line.startsWith('/odd-400')), [], 'a refused chunk: the function did not run');
  t.same(seen.filter((line) => line.startsWith('/odd-505')), ['/odd-505 failed'], 'trailers: the running function saw its body fail, never complete');
});
