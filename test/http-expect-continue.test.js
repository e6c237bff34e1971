'use strict';
// `Expect: 100-continue`: the interim 100 comes before the client sends its
// body, then the final answer, and the connection is reused.
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

t.test('100 Continue, body, answer, reuse', async (t) => {
  const { base, connect } = await probeServer(t, 'expecting');
  const c = connect();
  const interim = await c.exchange(`POST ${base}/upload HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n`);
  t.equal(interim.status, 100, '100 Continue before the body is sent');
  const final = await c.exchange('hello');
  t.equal(final.status, 200);
  t.equal(JSON.parse(final.body).body, 'hello', 'the body arrived');
  t.equal((await c.exchange(get(`${base}/after`))).status, 200, 'the connection is reused');
});
