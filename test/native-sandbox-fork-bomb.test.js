'use strict';
// Hostile: a confined function forks without end. The pids cgroup (and RLIMIT_NPROC under its
// own uid) stops it at the instance's limit; the host and another instance fork on; dispose()
// kills every process of the bomb and removes its cgroups.
const t = require('tap');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { needsRoot, sandboxOn, confine, start, runPython, until, pidsOfUid, cgroupDirsOf } = require('./helpers/confined');

// Every process forks until refused, then sleeps (so the bomb holds its processes without burning the CPU).
const BOMB = `
import os, sys, time
print('start', flush=True)
refused = 0
while True:
    try:
        if os.fork() == 0:
            continue
    except OSError:
        refused += 1
        if refused == 1:
            print('refused', flush=True)
        time.sleep(0.2)
        if refused > 25:
            time.sleep(60)
`;

t.test('a fork bomb is contained and disposed of', needsRoot, async (t) => {
  const box = sandboxOn(t);
  const limit = 24;
  const bomb = await confine(t, box, { id: 'bomb-1', limits: { pids: limit }, args: ['-c', BOMB] });
  const running = start(bomb);
  await until(() => running.out.stdout.includes('refused'), 10_000);
  const count = pidsOfUid(bomb.uid).length;
  t.ok(count > 1 && count <= limit, `the bomb holds ${count} processes, at most its limit of ${limit}`);
  t.equal(execFileSync('/bin/echo', ['host forks']).toString().trim(), 'host forks', 'the host can still start processes');
  const other = await runPython(t, box, { id: 'bystander-1' }, 'import os, json; pid = os.fork()\nif pid == 0: os._exit(0)\nos.waitpid(pid, 0); print(json.dumps("forked"))');
  t.equal(other.json, 'forked', 'another instance forks as usual');

  const dirs = cgroupDirsOf(bomb);
  t.ok(dirs.length >= 1 && dirs.every((d) => fs.existsSync(d)));
  await bomb.dispose();
  t.same(pidsOfUid(bomb.uid), [], 'no process of the bomb is left');
  t.ok(dirs.every((d) => !fs.existsSync(d)), 'its cgroups are removed');
});
