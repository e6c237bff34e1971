'use strict';
// Percent-encoded paths and queries reach the function exactly as sent
// (never decoded: %2F stays %2F); raw UTF-8 bytes in a path arrive
// percent-encoded, as the URL parser of Fetch (and workerd) gives them.
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

t.test('paths untouched', async (t) => {
  const { base, connect } = await probeServer(t, 'paths');
  const c = connect();
  const encoded = '/h%C3%A9llo/a%2Fb/%E6%97%A5%E6%9C%AC/x%20y';
  const res = await c.exchange(get(`${base}${encoded}?q=%C3%A9&q=2&empty=`));
  t.equal(JSON.parse(res.body).url, `http://test${encoded}?q=%C3%A9&q=2&empty=`, 'path and query as sent');
  await c.send(Buffer.concat([Buffer.from(`GET ${base}/`), Buffer.from('héllo/日本', 'utf8'), Buffer.from(' HTTP/1.1\r\nHost: test\r\n\r\n')]));
  const raw = await c.read();
  t.equal(JSON.parse(raw.body).url, 'http://test/h%C3%A9llo/%E6%97%A5%E6%9C%AC', 'raw UTF-8 bytes arrive percent-encoded');
  t.equal((await c.exchange(get(`${base}/after`))).status, 200, 'the connection is reused');
});
