'use strict';
// A client that sends its request head byte by byte (slowloris) slows no
// one else: another connection's requests are answered at once meanwhile,
// and the slow request is answered when its head is complete.
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

t.test('byte-by-byte head beside a normal client', async (t) => {
  const { base, connect } = await probeServer(t, 'slowloris');
  const slow = connect();
  const head = get(`${base}/slow`, 'X-Padding: ' + 'p'.repeat(40) + '\r\n');
  const dripping = (async () => {
    for (const byte of head) {
      await slow.send(byte);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  })();
  const fast = connect();
  let worst = 0;
  for (let i = 0; i < 20; i++) {
    const t0 = Date.now();
    const res = await fast.exchange(get(`${base}/fast/${i}`));
    worst = Math.max(worst, Date.now() - t0);
    if (res.status !== 200) t.fail(`fast request ${i}: ${res.status}`);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  t.ok(worst < 500, `the other client's slowest answer took ${worst} ms while the head dripped in`);
  await dripping;
  const res = await slow.read();
  t.equal(res.status, 200, 'the slow request is answered once its head is complete');
  t.equal(JSON.parse(res.body).url, 'http://test/slow');
  t.equal((await slow.exchange(get(`${base}/after`))).status, 200, 'and its connection reused');
});
