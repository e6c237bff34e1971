'use strict';
// Two requests written in one TCP packet got a FIN and no response. uWS
// answers pipelined requests only when each response is written inside its
// request handler; a function's answer comes later, and uWS then refuses the
// second request by closing the connection (it will not mix up responses).
// What the gateway guarantees: a prompt close, never a hang — a client that
// pipelines sees the close at once and retries on a new connection, as
// RFC 9112 §9.3.2 lets it — and sequential requests on one connection work.
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

t.test('pipelined requests: prompt close; sequential: answered', async (t) => {
  const { base, connect } = await probeServer(t, 'pipeline');
  const c = connect();
  const t0 = Date.now();
  await c.send(get(`${base}/one`) + get(`${base}/two`));
  t.ok(await c.waitClose(1000), 'the connection is closed');
  t.ok(Date.now() - t0 < 1000, `at once (${Date.now() - t0} ms), not after an idle timeout`);

  const again = connect();
  const one = await again.exchange(get(`${base}/one`));
  const two = await again.exchange(get(`${base}/two`));
  t.same([one.status, two.status], [200, 200], 'the retry on a new connection, one request at a time, is answered');
  t.same([JSON.parse(one.body).url, JSON.parse(two.body).url], ['http://test/one', 'http://test/two'], 'in order');
});
