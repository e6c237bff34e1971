'use strict';
// Hostile to a neighbour: a supervised child's pid is free again once Node has reaped it, and
// on a busy machine (pid_max 32768 here) the next process given that pid may be another
// server's fresh sandboxed instance — a group leader too. Killing "what the leader left in its
// group" after the exit must then spare it (it killed Java and scf_bootstrap starts in CI);
// while the number is still held by the leader's own leftovers, they are killed.
const t = require('tap');
const { spawn } = require('node:child_process');
const { signalGroupOfReapedLeader } = require('../dist/native');

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const exited = (child) => new Promise((resolve) => child.once('exit', resolve));

t.test('a group whose number now belongs to a new process is not signalled', async (t) => {
  // Stands in for the newcomer that reused the reaped leader's pid: a live leader of its own group.
  const newcomer = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  t.teardown(() => { try { process.kill(-newcomer.pid, 'SIGKILL'); } catch { /* gone */ } });
  await new Promise((r) => newcomer.once('spawn', r));
  t.equal(signalGroupOfReapedLeader(newcomer.pid, 'SIGKILL'), false, 'refused');
  await new Promise((r) => setTimeout(r, 100));
  t.ok(alive(newcomer.pid), 'the newcomer runs on');
});

t.test('the leftovers of a reaped leader are killed', async (t) => {
  // The leader starts a member of its group, prints its pid and exits.
  const leader = spawn('/bin/sh', ['-c', 'sleep 30 & echo $!'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  leader.stdout.on('data', (d) => { out += d; });
  await exited(leader);
  const member = Number(out.trim());
  t.teardown(() => { try { process.kill(member, 'SIGKILL'); } catch { /* gone */ } });
  t.ok(alive(member), 'the member outlives its leader');
  t.equal(signalGroupOfReapedLeader(leader.pid, 'SIGKILL'), true, 'signalled');
  const t0 = Date.now();
  while (alive(member) && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
  // An orphaned sleep is reparented to init (or a subreaper) which reaps it: gone, not a zombie, once killed.
  t.notOk(alive(member) && !/\) Z/.test(require('node:fs').readFileSync(`/proc/${member}/stat`, 'utf8')), 'the member is killed');
});
