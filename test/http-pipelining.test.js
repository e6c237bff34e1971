'use strict';
// Two requests written in one TCP packet got a FIN and no response. uWS
// answers pipelined requests only when each response is written inside its
// request handler; a function's answer comes later, and uWS then refuses the
// second request by closing the connection (it will not mix up responses):
// it closes the socket inside its parser, before JavaScript sees the second
// request, and the first answer, not written yet, is lost with it (uWS
// source: HttpContext.h, the HTTP_RESPONSE_PENDING check). What the gateway
// guarantees: a prompt close, never a hang — a client that pipelines sees
// the close at once and retries on a new connection, as RFC 9112 §9.3.2 lets
// it — and requests the gateway answers at once (/healthz, an unknown
// function's 404) are answered pipelined, in order.
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

t.test('pipelined behind a function: prompt close, no answer; retried one at a time: answered', async (t) => {
  const { base, connect } = await probeServer(t, 'pipeline');
  const c = connect();
  const t0 = Date.now();
  await c.send(get(`${base}/one`) + get(`${base}/two`));
  t.ok(await c.waitClose(1000), 'the connection is closed');
  t.ok(Date.now() - t0 < 1000, `at once (${Date.now() - t0} ms), not after an idle timeout`);
  t.equal(c.unread.length, 0, 'nothing is written: the first answer is lost with the connection');

  const again = connect();
  const one = await again.exchange(get(`${base}/one`));
  const two = await again.exchange(get(`${base}/two`));
  t.same([one.status, two.status], [200, 200], 'the retry on a new connection, one request at a time, is answered');
  t.same([JSON.parse(one.body).url, JSON.parse(two.body).url], ['http://test/one', 'http://test/two'], 'in order');
});

t.test('pipelined requests answered at once: each answered, in order, connection kept', async (t) => {
  const { base, connect } = await probeServer(t, 'pipesync');
  const c = connect();
  await c.send(get('/healthz') + get('/default/nope/x') + get('/healthz') + get(`${base}/last`));
  const answers = [await c.read(), await c.read(), await c.read(), await c.read()];
  t.same(answers.map((r) => r.status), [200, 404, 200, 200], 'four answers, in order');
  t.equal(JSON.parse(answers[0].body).status, 'ok', '/healthz body');
  t.equal(JSON.parse(answers[3].body).url, 'http://test/last', 'the last one, behind answers given at once, reaches the function');
  t.equal((await c.exchange(get(`${base}/after`))).status, 200, 'the connection is reused');
});
