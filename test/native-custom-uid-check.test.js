'use strict';
// native/custom: a runtime API with allowedUid serves only connections whose client socket
// belongs to that uid (/proc/net/tcp) and refuses others with 403 — the other instances'
// processes are local too. As root, a client under another uid is started with setpriv.
const t = require('tap');
const { execFile } = require('node:child_process');
const { startApi, call } = require('./helpers/runtime-api');
const { peerUid, SockDiagLookup } = require('../dist/native');

const root = process.getuid() === 0;

/** Both lookups: /proc/net/tcp (the default) and the sock_diag helper. */
function lookups(t) {
  const diag = new SockDiagLookup();
  t.ok(diag.start(), 'the sock_diag helper starts');
  t.teardown(() => diag.close());
  return [['/proc/net/tcp', undefined], ['sock_diag', diag]];
}

t.test('the allowed uid is served, another is refused', async (t) => {
  for (const [name, peerLookup] of lookups(t)) await t.test(name, (t) => allowedAndRefused(t, peerLookup));
});

async function allowedAndRefused(t, peerLookup) {
  const mine = await startApi(t, { allowedUid: process.getuid(), peerLookup });
  t.equal((await call(mine.port, 'POST', '/runtime/init/ready')).status, 200, 'same uid: served');
  await mine.api.ready;
  t.equal(mine.api.refused, 0);

  const other = await startApi(t, { allowedUid: process.getuid() + 4242, peerLookup });
  const refused = await call(other.port, 'POST', '/runtime/init/ready');
  t.equal(refused.status, 403);
  t.match(refused.json, { error: /only its own instance/ });
  t.equal(other.api.refused, 1);
  const state = await Promise.race([other.api.ready.then(() => 'ready'), new Promise((r) => setTimeout(() => r('not ready'), 50))]);
  t.equal(state, 'not ready', 'a refused connection changes nothing');
}

t.test('a client under another uid (setpriv + curl)', { skip: !root && 'needs root to run a client under another uid' }, async (t) => {
  for (const [name, peerLookup] of lookups(t)) await t.test(name, (t) => otherUid(t, peerLookup));
});

async function otherUid(t, peerLookup) {
  const uid = 299_977;
  const asUid = (port) => new Promise((resolve) => {
    execFile('/usr/bin/setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '/usr/bin/curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', `http://127.0.0.1:${port}/runtime/init/ready`],
      (err, stdout) => resolve(err && !stdout ? `error ${err.message}` : stdout));
  });
  const forIt = await startApi(t, { allowedUid: uid, peerLookup });
  t.equal(await asUid(forIt.port), '200', 'its uid: served');
  const notForIt = await startApi(t, { allowedUid: uid + 1, peerLookup });
  t.equal(await asUid(notForIt.port), '403', 'another uid: refused');
  t.equal(notForIt.api.refused, 1);
  t.equal((await call(forIt.port, 'GET', '/runtime/invocation/next').catch(() => ({ status: 'error' }))).status, 403, 'root is another uid too');
}

t.test('lookup cost per connection (reported, not asserted)', async (t) => {
  const { port } = await startApi(t, { allowedUid: null });
  const net = require('node:net');
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  t.teardown(() => socket.destroy());
  t.equal(await peerUid(socket.localPort, port), process.getuid(), 'the client socket is found with its uid');
  t.equal(await peerUid(1, port), null, 'no such connection: null');
  const [, [, diag]] = lookups(t);
  t.equal(await diag.uidOf(socket.localPort, port), process.getuid(), 'sock_diag finds it too');
  t.equal(await diag.uidOf(1, port), null, 'sock_diag: no such connection: null');
  const time = async (lookup, n) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await lookup(socket.localPort, port);
    return Number(process.hrtime.bigint() - t0) / 1e3 / n;
  };
  const rows = require('node:fs').readFileSync('/proc/net/tcp', 'utf8').split('\n').length - 2;
  t.comment(`/proc/net/tcp: ${(await time(peerUid, 50)).toFixed(1)} µs per lookup with ${rows} rows`);
  t.comment(`sock_diag helper: ${(await time((a, b) => diag.uidOf(a, b), 500)).toFixed(1)} µs per lookup (round trip through the helper)`);
  const asked = diag.uidOf(socket.localPort, port);
  diag.close();
  t.equal(await asked, process.getuid(), 'a lookup pending when the helper dies is answered through /proc/net/tcp');
  t.equal(await diag.uidOf(socket.localPort, port), process.getuid(), 'after close: /proc/net/tcp');
});
