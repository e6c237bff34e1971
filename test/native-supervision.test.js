'use strict';
// native/supervision: a supervised child speaking checked frames (ready handshake raced against
// exit and a start timeout, bad frames, heartbeat, SIGTERM then SIGKILL, process groups) and
// restart with back-off. The child is test/fixtures/native/child.js.
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');
const { SupervisedProcess, Restarter, RestartPolicy, SupervisionError } = require('../dist/native');

const CHILD = path.join(__dirname, 'fixtures', 'native', 'child.js');
const isMsg = (v) => typeof v === 'object' && v !== null && typeof v.t === 'string';

/** A supervised fixture child in `mode`; `got` collects its messages, `exits` its exits. Killed at teardown. */
function supervise(t, mode, over = {}) {
  const got = [];
  const exits = [];
  const proc = new SupervisedProcess({
    name: `child ${mode}`,
    command: process.execPath,
    args: [CHILD, mode, ...(over.channel === 'stdio' ? ['--stdio'] : [])],
    env: { PATH: process.env.PATH ?? '' },
    startTimeoutMs: 5000,
    check: (f) => (isMsg(f) ? f : null),
    isReady: (m) => m.t === 'ready',
    hello: { t: 'config' },
    onMessage: (m) => got.push(m),
    onExit: (e) => exits.push(e),
    ...over,
  });
  t.teardown(() => proc.kill());
  return { proc, got, exits };
}

/** Resolves once `cond()` holds (polling), or rejects after `ms`. */
async function until(cond, ms = 3000) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Whether a process is gone (a zombie counts as gone: it runs nothing). */
function dead(pid) {
  try { process.kill(pid, 0); } catch { return true; }
  try { return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return true; }
}

t.test('ready handshake, checked messages both ways, graceful stop with a farewell', async (t) => {
  const { proc, got, exits } = supervise(t, 'ready');
  await proc.start();
  t.ok(proc.alive, 'alive once ready');
  t.ok(proc.pid > 0);
  t.ok(proc.send({ t: 'echo', v: 'hi' }));
  await until(() => got.length === 1);
  t.same(got, [{ t: 'echoed', v: 'hi' }], 'the handshake is not passed on; messages are');
  await t.rejects(proc.start(), { code: 'ERR_CHILD_RUNNING' }, 'one child at a time');
  await proc.stop({ farewell: { t: 'bye' }, graceMs: 2000 });
  t.notOk(proc.alive);
  t.equal(exits.length, 1);
  t.match(exits[0], { code: 0, signal: null, duringStart: false, killedFor: null });
  t.equal(proc.writer, null, 'no writer once it exited');
  t.equal(proc.send({ t: 'echo', v: 'late' }), false, 'sending to an exited child is refused');
});

t.test('the channel can be stdin/stdout', async (t) => {
  const { proc, got } = supervise(t, 'ready', { channel: 'stdio' });
  await proc.start();
  proc.send({ t: 'echo', v: 42 });
  await until(() => got.length === 1);
  t.same(got, [{ t: 'echoed', v: 42 }]);
  await proc.stop({ farewell: { t: 'bye' }, graceMs: 2000 });
});

t.test('a child that exits before ready fails the start, with its last words', async (t) => {
  const { proc, exits } = supervise(t, 'exit-early');
  const err = await proc.start().then(() => null, (e) => e);
  t.ok(err instanceof SupervisionError);
  t.equal(err.code, 'ERR_CHILD_EXITED');
  t.match(err.message, /child exit-early exited during start \(code 3\)/);
  t.equal(exits.length, 1, 'onExit ran before the start rejected');
  t.match(exits[0], { code: 3, duringStart: true });
  t.match(exits[0].stderrTail, /boom/);
  t.notOk(proc.alive);
});

t.test('a child that never answers ready is killed at the start timeout', async (t) => {
  const { proc, exits } = supervise(t, 'silent', { startTimeoutMs: 300 });
  const t0 = Date.now();
  await t.rejects(proc.start(), { code: 'ERR_CHILD_START_TIMEOUT', message: /did not start within 300 ms/ });
  t.ok(Date.now() - t0 >= 290, 'not before the timeout');
  await until(() => exits.length === 1);
  t.match(exits[0], { signal: 'SIGKILL', duringStart: true, killedFor: 'start timeout' });
  t.ok(dead(exits[0].pid));
});

t.test('a spawn that fails rejects the start', async (t) => {
  const { proc } = supervise(t, 'ready', { command: path.join(__dirname, 'no-such-binary') });
  await t.rejects(proc.start(), { code: 'ERR_CHILD_SPAWN' });
});

t.test('a frame that fails the schema check gets the child killed; it is never passed on', async (t) => {
  const { proc, got, exits } = supervise(t, 'ready');
  await proc.start();
  proc.send({ t: 'garbage' });
  await until(() => exits.length === 1);
  t.match(exits[0], { signal: 'SIGKILL', killedFor: 'bad frame' });
  t.match(exits[0].stderrTail, /bad frame, killed by the supervisor/);
  t.same(got, []);
  t.notOk(proc.alive);
});

t.test('a child that stops answering pings is killed as unresponsive', async (t) => {
  const heartbeat = { unresponsiveMs: 300, intervalMs: 50, ping: (n) => ({ t: 'ping', n }), isPong: (m) => m.t === 'pong' };
  const healthy = supervise(t, 'ready', { heartbeat });
  const deaf = supervise(t, 'deaf', { heartbeat });
  await Promise.all([healthy.proc.start(), deaf.proc.start()]);
  await until(() => deaf.exits.length === 1);
  t.match(deaf.exits[0], { signal: 'SIGKILL', killedFor: 'unresponsive' });
  t.ok(healthy.proc.alive, 'the one that answers stays up (pongs are not passed on)');
  t.same(healthy.got, []);
  await healthy.proc.stop({ farewell: { t: 'bye' }, graceMs: 2000 });
});

t.test('stop: SIGTERM, then SIGKILL after the grace period for a child that ignores SIGTERM', async (t) => {
  const { proc, exits } = supervise(t, 'ignore-term');
  await proc.start();
  const pid = proc.pid;
  const t0 = Date.now();
  await proc.stop({ killAfterMs: 400 });
  const took = Date.now() - t0;
  t.ok(took >= 390, `not killed before the grace period (${took} ms)`);
  t.match(exits[0], { signal: 'SIGKILL' });
  t.match(exits[0].stderrTail, /SIGTERM ignored/, 'it did get SIGTERM first');
  t.ok(dead(pid), 'dead after the grace period');

  const polite = supervise(t, 'ready');
  await polite.proc.start();
  const t1 = Date.now();
  await polite.proc.stop({ killAfterMs: 5000 });
  t.match(polite.exits[0], { signal: 'SIGTERM' }, 'a child that honours SIGTERM ends with it');
  t.ok(Date.now() - t1 < 2000);
});

t.test('a process-group leader is stopped with its whole group', async (t) => {
  const { proc, got } = supervise(t, 'group', { processGroup: true });
  await proc.start();
  await until(() => got.some((m) => m.t === 'grandchild'));
  const grandchild = got.find((m) => m.t === 'grandchild').pid;
  t.notOk(dead(grandchild), 'the grandchild runs');
  await proc.stop({ killAfterMs: 300 });
  await until(() => dead(grandchild));
  t.ok(dead(proc.pid) && dead(grandchild), 'leader and grandchild are gone');
});

t.test('restart policy: at once, then a back-off when crash-looping', async (t) => {
  const p = new RestartPolicy({ windowMs: 1000, maxExits: 3, backoffMs: 250 });
  t.same([0, 10, 20].map((at) => p.exited(at)), [0, 0, 0], 'three quick exits restart at once');
  t.equal(p.exited(30), 250, 'the fourth within the window backs off');
  t.equal(p.exited(40), 250);
  t.equal(p.exited(2000), 0, 'once the window has passed, at once again');
});

t.test('restarter: a crash-looping child is restarted at once, then with the back-off, until stopped', async (t) => {
  const exitsAt = [];
  const startsAt = [];
  let restarter;
  const { proc } = supervise(t, 'ready', {
    onReady: () => proc.send({ t: 'exit', code: 1 }),
    onExit: () => { exitsAt.push(Date.now()); restarter.exited(); },
  });
  restarter = new Restarter(() => { startsAt.push(Date.now()); return proc.start(); }, { windowMs: 10_000, maxExits: 2, backoffMs: 400 });
  await proc.start();
  await until(() => startsAt.length >= 3, 8000);
  restarter.stop();
  // Delay from each exit to the restart it caused.
  const delays = startsAt.map((s, i) => s - exitsAt[i]);
  t.ok(delays[0] < 100 && delays[1] < 100, `the first two restarts are immediate (${delays.slice(0, 2)} ms)`);
  t.ok(delays[2] >= 395, `the third, crash-looping, waits for the back-off (${delays[2]} ms)`);
  t.ok(restarter.restarts >= 3, 'every restart counted');
  const n = startsAt.length;
  await until(() => !proc.running, 3000);
  await new Promise((r) => setTimeout(r, 600));
  t.equal(startsAt.length, n, 'no restart once stopped');
});
