'use strict';
// A streamed response arrives as the function produces it (chunked, each
// part when enqueued, not buffered to the end), and the connection is
// reused after the terminating chunk.
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

t.test('parts arrive as produced', async (t) => {
  const { base, connect } = await probeServer(t, 'streamer');
  const c = connect();
  await c.send(get(`${base}/stream`));
  const t0 = Date.now();
  // Read the raw bytes as they come: the first part must be on the wire long before the last.
  let firstAt = 0;
  while (!c.unread.toString('latin1').includes('one')) await c.next(2000);
  firstAt = Date.now() - t0;
  const res = await c.read();
  const total = Date.now() - t0;
  t.equal(res.header('transfer-encoding'), 'chunked');
  t.equal(res.body.toString(), 'onetwothree');
  t.ok(total - firstAt >= 450, `the first part came ${total - firstAt} ms before the end (parts 300 ms apart)`);
  t.equal((await c.exchange(get(`${base}/after`))).status, 200, 'the connection is reused');
});
