'use strict';
// A server dies by kill -9 with an instance running. Before it restarts, another server on the
// same machine (its own data dir) takes the dead instance's uid over — killing the orphan — and
// starts an instance of its own under it. The restarted server's reapStale() must leave that
// instance and its claim alone: the stale record names the uid, but the uid is not the dead
// server's any more. (It killed every process of the uid and deleted the claim: under a busy
// suite, other tests' fresh instances died with SIGKILL.)
const t = require('tap');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { needsRoot, sandboxOn, confine, start, running, until } = require('./helpers/confined');
const { createSandbox } = require('../dist/native');

// One uid of its own, so the dead server and the taker contend for it and no other test does.
const RANGE = { uidBase: 1_900_500_000 + (process.pid % 1000) * 10, uidCount: 1 };

/** A sandbox on a data dir of its own, as another server on the machine would have. */
function otherServersSandbox(t) {
  const dataDir = fs.mkdtempSync(path.join(os.homedir(), '.isola-sandbox-test-'));
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dataDir, 'code', 'fn1'), { recursive: true });
  return { sandbox: createSandbox({ dataDir, ...RANGE }), dataDir };
}

const SERVER = `
const { createSandbox } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'native'))});
const { spawn } = require('node:child_process');
(async () => {
  const [dataDir, range] = process.argv.slice(1);
  const sandbox = createSandbox({ dataDir, ...JSON.parse(range) });
  const inst = await sandbox.confine({ instanceId: 'dead-1', codeDir: dataDir + '/code/fn1', layerDirs: [], limits: { memoryMb: 64, pids: 16, openFiles: 64, tmpMb: 4 },
    command: '/usr/bin/python3', args: ['-c', 'import os, time\\nprint(os.getpid(), flush=True); time.sleep(120)'] });
  const child = spawn(inst.command, inst.args, { cwd: inst.cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.once('data', (d) => process.stdout.write(JSON.stringify({ pid: Number(String(d).trim()), uid: inst.uid }) + '\\n'));
})();
`;

t.test('reapStale() spares the instance another server started under the dead one\'s uid', needsRoot, async (t) => {
  const dead = sandboxOn(t, RANGE);
  const server = spawn(process.execPath, ['-e', SERVER, dead.dataDir, JSON.stringify(RANGE)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let line = '';
  server.stdout.on('data', (d) => { line += d; });
  await until(() => line.includes('\n'), 10_000);
  const orphan = JSON.parse(line);
  server.kill('SIGKILL');
  await new Promise((r) => server.once('exit', r));
  t.ok(running(orphan.pid), 'the dead server\'s instance runs on');

  const other = otherServersSandbox(t);
  const taken = await confine(t, other, { id: 'taker-1', args: ['-c', 'import time; print("up", flush=True); time.sleep(60)'] });
  t.equal(taken.uid, orphan.uid, 'the other server took the uid over');
  await until(() => !running(orphan.pid), 5_000);
  t.notOk(running(orphan.pid), 'the takeover killed the orphan');
  const run = start(taken);
  await until(() => run.out.stdout.includes('up'), 10_000);
  const claim = `/run/isola-sandbox/uids/${orphan.uid}`;

  const restarted = createSandbox({ dataDir: dead.dataDir, ...RANGE });
  t.equal(await restarted.reapStale(), 1, 'the stale record is reaped');
  t.same(fs.readdirSync(path.join(dead.dataDir, 'sandbox', 'instances')), [], 'its record is gone');
  await new Promise((r) => setTimeout(r, 200));
  t.ok(running(run.child.pid), 'the other server\'s instance under the uid was not killed');
  t.match(JSON.parse(fs.readFileSync(claim, 'utf8')), { pid: process.pid, instanceId: 'taker-1' }, 'its claim stays');
  run.child.kill('SIGKILL');
  await run.exited;
});

t.test('a claim is released only by the instance that holds it', needsRoot, async (t) => {
  const box = sandboxOn(t, RANGE);
  const inst = await confine(t, box, { id: 'holder-1', args: ['-c', 'pass'] });
  const claim = `/run/isola-sandbox/uids/${inst.uid}`;
  // The claim changed hands (as after a takeover); this instance's dispose must not delete it.
  const body = JSON.parse(fs.readFileSync(claim, 'utf8'));
  fs.writeFileSync(claim, JSON.stringify({ ...body, instanceId: 'someone-else' }));
  await inst.dispose();
  t.ok(fs.existsSync(claim), 'another instance\'s claim is not released');
  fs.writeFileSync(claim, JSON.stringify(body));
});
