'use strict';
// A request found after an answer that closes the connection was served.
// uWS parses every request in a packet in one go: the gateway answered a
// request it will not read the body of (404 for an unknown function) with
// `Connection: close` inside uWS's parser, and uWS then started the next
// request in the same bytes — pipelined, or hidden in a chunked body's
// trailer section, which uWS reads as a request line after dropping two
// bytes (`X:GET /path HTTP/1.1` becomes `GET /path`) — served it, and kept
// the connection open. RFC 9112 §9.6: after `close`, no further request.
// Now the closing answer goes out one turn later, uWS meets those bytes
// while it is pending and closes the connection without starting them.
// Left as it is, pinned below: after a 406 for a Content-Length over the
// limit the connection stays open while the client sends the body (closing
// it unread would reset it and lose the answer), and a request sent after
// that body is served — uWS.js refuses any call on a response once it is
// answered (`res.close()` included), so the gateway cannot close it then.
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

t.test('no request is served after a closing answer, nor from a trailer section', async (t) => {
  const { base, connect, seen } = await probeServer(t, 'afterclose');
  const smuggledTrailer = (path) => `0\r\nX:GET ${base}${path} HTTP/1.1\r\nHost: test\r\n\r\n`;

  const alone = connect();
  const notFound = await alone.exchange('POST /default/nope/x HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n\r\nabc', { timeoutMs: 2000 });
  t.equal(notFound.status, 404, 'a POST to an unknown function is answered 404');
  t.equal(notFound.header('connection'), 'close', 'saying close');
  t.ok(await alone.waitClose(1000), 'and the connection is closed at once');

  const cases = {
    'pipelined after an unread body': `POST /default/nope/x HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n\r\nabc${get(`${base}/pipelined`)}`,
    'a trailer section after a 404': `POST /default/nope/x HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n${smuggledTrailer('/trailer-after-404')}`,
    'a trailer section after a one-segment 404': `POST /nothing HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n${smuggledTrailer('/trailer-after-segment')}`,
    'a trailer section to the function': `POST ${base}/chunked HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n${smuggledTrailer('/trailer-after-function')}`,
  };
  for (const [name, bytes] of Object.entries(cases)) {
    const c = connect();
    const t0 = Date.now();
    await c.send(bytes);
    t.ok(await c.waitClose(2000), `${name}: the connection is closed`);
    t.ok(Date.now() - t0 < 2000, `${name}: at once (${Date.now() - t0} ms)`);
    t.notMatch(c.unread.toString('latin1'), /HTTP\/1\.1 200/, `${name}: no second answer`);
  }

  const c = connect();
  t.equal((await c.exchange(get(`${base}/ok`))).status, 200, 'a new connection is served');
  t.equal((await c.exchange(get(`${base}/ok2`))).status, 200, 'and reused');
  const paths = await seen();
  for (const path of ['/pipelined', '/trailer-after-404', '/trailer-after-segment', '/trailer-after-function']) {
    t.notOk(paths.includes(path), `${path} never reached the function`);
  }
});

t.test('pinned: after a 406 for a body over the limit, a request sent after that body is served', async (t) => {
  const { base, connect, seen } = await probeServer(t, 'after406');
  const c = connect();
  const length = 7 * 1024 * 1024;
  await c.send(`POST ${base}/big HTTP/1.1\r\nHost: test\r\nContent-Length: ${length}\r\n\r\n`);
  const refused = await c.read({ timeoutMs: 3000 });
  t.equal(refused.status, 406, 'answered 406 before the body is sent');
  t.equal(refused.header('connection'), 'close', 'saying close');
  await c.send(Buffer.alloc(length, 97));
  const after = await c.exchange(get(`${base}/after-406`), { timeoutMs: 5000 });
  t.equal(after.status, 200, 'the request after the body is served (RFC 9112 §9.6 says it should not be)');
  t.same(await seen(), ['/after-406'], 'the refused request never reached the function');
});
