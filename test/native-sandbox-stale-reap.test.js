'use strict';
// Hostile to the server: it dies by kill -9 with an instance running. The instance (and a
// daemon it started) live on, orphaned. The next server on the same data dir calls
// reapStale() at start: both are killed, the cgroups removed, the uid released, the record gone.
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { needsRoot, sandboxOn, running, until } = require('./helpers/confined');
const { createSandbox } = require('../dist/native');

// The "server": confines an instance, starts it (it forks a setsid daemon), reports, and waits to be killed.
const SERVER = `
const { createSandbox } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'native'))});
const { spawn } = require('node:child_process');
(async () => {
  const [dataDir] = process.argv.slice(1);
  const sandbox = createSandbox({ dataDir });
  const inst = await sandbox.confine({ instanceId: 'orphan-1', codeDir: dataDir + '/code/fn1', layerDirs: [], limits: { memoryMb: 64, pids: 16, openFiles: 64, tmpMb: 4 },
    command: '/usr/bin/python3', args: ['-c', 'import os, time\\nif os.fork() == 0:\\n  os.setsid(); time.sleep(120)\\nprint(os.getpid(), flush=True); time.sleep(120)'] });
  const child = spawn(inst.command, inst.args, { cwd: inst.cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.once('data', (d) => process.stdout.write(JSON.stringify({ pid: Number(String(d).trim()), uid: inst.uid, args: inst.args }) + '\\n'));
})();
`;

t.test('reapStale() after the server was killed with -9', needsRoot, async (t) => {
  const { dataDir } = sandboxOn(t);
  const server = spawn(process.execPath, ['-e', SERVER, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let line = '';
  server.stdout.on('data', (d) => { line += d; });
  await until(() => line.includes('\n'), 10_000);
  const { pid, uid, args } = JSON.parse(line);
  const cgroups = args.filter((a) => a.endsWith('/cgroup.procs')).map((f) => path.dirname(f));
  server.kill('SIGKILL');
  await new Promise((r) => server.once('exit', r));
  const orphans = fs.readFileSync(`${cgroups[0]}/cgroup.procs`, 'utf8').trim().split('\n').map(Number);
  t.ok(running(pid) && orphans.length === 2, 'the instance and its daemon outlive the server');
  t.ok(fs.existsSync(`/run/isola-sandbox/uids/${uid}`), 'the uid is still claimed');
  t.equal(fs.readdirSync(path.join(dataDir, 'sandbox', 'instances')).length, 1, 'the record is there');

  const next = createSandbox({ dataDir });
  t.equal(await next.reapStale(), 1, 'one instance reaped');
  t.ok(orphans.every((p) => !running(p)), 'the instance and its daemon are killed');
  t.ok(cgroups.every((d) => !fs.existsSync(d)), 'the cgroups are removed');
  t.notOk(fs.existsSync(`/run/isola-sandbox/uids/${uid}`), 'the uid is released');
  t.same(fs.readdirSync(path.join(dataDir, 'sandbox', 'instances')), [], 'the record is gone');
  t.equal(await next.reapStale(), 0, 'a second reap finds nothing');
});
