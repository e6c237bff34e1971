'use strict';
// Request smuggling: a body framed two ways (Content-Length with
// Transfer-Encoding, two different Content-Lengths, a length that is not a
// number) is answered 400 and the connection closed — or, when bytes that
// another framing would read as a second request follow in the same packet,
// closed at once without an answer — never parsed as two requests; the
// function never sees the smuggled one.
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

t.test('ambiguous framing: 400 and close, nothing smuggled', async (t) => {
  const { base, connect, seen } = await probeServer(t, 'smuggle');
  const smuggled = get(`${base}/smuggled`);
  const attacks = {
    'Content-Length and Transfer-Encoding': `POST ${base}/a HTTP/1.1\r\nHost: test\r\nContent-Length: ${4 + smuggled.length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
    'Transfer-Encoding and Content-Length': `POST ${base}/b HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n${smuggled}`,
    'two different Content-Lengths': `POST ${base}/c HTTP/1.1\r\nHost: test\r\nContent-Length: 1\r\nContent-Length: ${1 + smuggled.length}\r\n\r\nx${smuggled}`,
    'a Content-Length that is not a number': `POST ${base}/d HTTP/1.1\r\nHost: test\r\nContent-Length: 1e3\r\n\r\n${smuggled}`,
  };
  for (const [name, bytes] of Object.entries(attacks)) {
    const c = connect();
    const t0 = Date.now();
    await c.send(bytes);
    t.ok(await c.waitClose(1000), `${name}: closed`);
    const answer = c.unread.length > 0 ? await c.read() : undefined;
    t.ok(answer === undefined || answer.status === 400, `${name}: ${answer ? answer.status : 'closed without an answer'}`);
    t.ok(Date.now() - t0 < 1000, `${name}: within ${Date.now() - t0} ms`);
    t.notOk(c.unread.toString('latin1').includes('HTTP/1.1'), `${name}: no second response`);
  }
  const lone = connect();
  const refused = await lone.exchange(`POST ${base}/e HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc`);
  t.equal(refused.status, 400, 'two different Content-Lengths alone: 400');
  t.ok(await lone.waitClose(1000), 'and closed');

  const c = connect();
  const same = await c.exchange(`POST ${base}/same HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok`);
  t.equal(same.status, 200, 'the same length twice is one length (RFC 9112 §6.3)');
  t.equal((await c.exchange(get(`${base}/after`))).status, 200, 'the connection is reused');
  const paths = await seen();
  t.notOk(paths.includes('/smuggled'), 'the smuggled request never reached the function');
  t.same(paths, ['/same', '/after']);
});
