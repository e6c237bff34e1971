'use strict';
// Answers to HEAD went out with `Content-Length: 9223372036854775808` (and,
// for an unknown function, the 59-byte error body anyway), so the next
// request on that keep-alive connection got no answer. An answer to HEAD
// carries the GET body's length and no body; the connection is reused.
const t = require('tap');
const { webFunctionServer, get } = require('./helpers/raw-http');

const APP = `export default { async fetch(request) {
  const path = new URL(request.url).pathname;
  if (path === '/declared') return new Response(null, { headers: { 'content-length': '42' } });
  return new Response('hello, head', { headers: { 'x-kind': 'page' } });
} };`;

t.test('HEAD then GET on one connection', async (t) => {
  const { base, connect } = await webFunctionServer(t, 'headfn', APP);
  const c = connect();
  const head = await c.exchange(`HEAD ${base}/page HTTP/1.1\r\nHost: test\r\n\r\n`, { head: true });
  t.equal(head.status, 200);
  t.equal(head.header('content-length'), '11', "the GET body's length");
  t.equal(head.header('x-kind'), 'page', "the function's headers");
  const declared = await c.exchange(`HEAD ${base}/declared HTTP/1.1\r\nHost: test\r\n\r\n`, { head: true });
  t.equal(declared.header('content-length'), '42', "a function's own Content-Length for HEAD is kept when it sends no body");
  const after = await c.exchange(get(`${base}/page`));
  t.equal(after.status, 200, 'the connection is reused');
  t.equal(after.body.toString(), 'hello, head', 'and the next response is framed right (no stray body bytes before it)');

  const unknown = await c.exchange(`HEAD /default/nosuchfn HTTP/1.1\r\nHost: test\r\n\r\n`, { head: true });
  t.equal(unknown.status, 404);
  t.equal(unknown.header('content-length'), '59', 'the error body is counted, not sent');
  const again = await c.exchange(get(`${base}/page`));
  t.equal(again.status, 200, 'reused after the 404 to HEAD');
  t.equal(again.body.toString(), 'hello, head');
  t.equal(c.unread.length, 0, 'nothing stray on the wire');
});
