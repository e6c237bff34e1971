'use strict';
// Keep-alive over many requests on one connection, and `Connection: close`
// answered and then closed at once (not after an idle timeout).
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

t.test('200 requests on one connection, then Connection: close', async (t) => {
  const { base, connect } = await probeServer(t, 'keepalive');
  const c = connect();
  for (let i = 0; i < 200; i++) {
    const res = await c.exchange(get(`${base}/n/${i}`));
    if (res.status !== 200 || JSON.parse(res.body).url !== `http://test/n/${i}`) {
      t.fail(`request ${i}: ${res.status} ${res.body}`);
      return;
    }
  }
  t.pass('200 answers in order on one connection');
  const last = await c.exchange(get(`${base}/last`, 'Connection: close\r\n'));
  t.equal(last.status, 200, 'the Connection: close request is answered');
  const t0 = Date.now();
  t.ok(await c.waitClose(1000), 'and the server closes right after');
  t.ok(Date.now() - t0 < 1000, `closed in ${Date.now() - t0} ms`);
});
