'use strict';
// Hostile: a confined function daemonizes (double fork + setsid: a new session and process
// group, reparented away from the instance's process) and exits, hoping to outlive it.
// dispose() finds it by its cgroup and uid and kills it.
const t = require('tap');
const { needsRoot, sandboxOn, runPython, running, pidsOfUid } = require('./helpers/confined');

t.test('a daemonized child dies with the instance', needsRoot, async (t) => {
  const box = sandboxOn(t);
  const r = await runPython(t, box, { id: 'daemon-1' }, `
import os, sys, time, json
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.write(w, str(os.getpid()).encode())
        os.close(w)
        for fd in (0, 1, 2):
            os.close(fd)
        time.sleep(120)
        os._exit(0)
    os._exit(0)
os.close(w)
print(json.dumps(int(os.read(r, 32))))`);
  t.equal(r.code, 0, r.stderr);
  const daemon = r.json;
  t.ok(running(daemon), 'the daemon outlived the instance\'s main process');
  const session = Number(require('node:fs').readFileSync(`/proc/${daemon}/stat`, 'utf8').split(') ')[1].split(' ')[3]);
  t.not(session, r.pid, 'in a session of its own');
  t.not(session, process.pid);
  await r.instance.dispose();
  t.notOk(running(daemon), 'dispose() killed it');
  t.same(pidsOfUid(r.instance.uid), [], 'nothing runs under the instance\'s uid');
});
