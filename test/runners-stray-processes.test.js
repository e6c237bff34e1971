'use strict';
// Instances of subprocess runtimes do not outlive the server (issue 12): after a graceful stop
// nothing a function started is left running — not even a child that left its process group —
// and after `kill -9` of the server the next start on the same data dir reaps what the dead one left
// (the sandbox finds them by cgroup and uid when root, by the tag in their environment when not).
const t = require('tap');
const fs = require('node:fs');
const { startServer } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');
const { waitFor } = require('./conformance/harness');

// The instance's pid, and a grandchild in a session of its own (it left the process group).
const PY = `import os, subprocess
child = subprocess.Popen(['sleep', '300'], start_new_session=True)
def main_handler(event, context):
    return {'pid': os.getpid(), 'child': child.pid}
`;

const alive = (pid) => fs.existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));

async function startAndInvoke(t, dataDir) {
  const server = await startServer(t, dataDir ? { dataDir } : {});
  const client = server.client();
  await createFunction(client, 'leaver', { 'index.py': PY }, { Runtime: 'Python3.9' });
  const r = await invoke(client, 'leaver');
  t.equal(r.InvokeResult, 0, r.ErrMsg);
  const pids = JSON.parse(r.RetMsg);
  t.ok(alive(pids.pid) && alive(pids.child), 'the instance and its child run');
  return { server, pids };
}

t.test('a graceful stop leaves no process behind', async (t) => {
  const { server, pids } = await startAndInvoke(t);
  await server.stop();
  t.ok(await waitFor(() => !alive(pids.pid) && !alive(pids.child), 3000), 'instance and escaped child are gone');
});

t.test('after kill -9 of the server, the next start reaps what it left', async (t) => {
  const { server, pids } = await startAndInvoke(t);
  await server.kill9();
  // The instance itself ends when its channel closes; the child that left its group cannot know.
  t.ok(alive(pids.child), 'a killed server cannot clean up: the escaped child still runs');
  t.teardown(() => { for (const p of [pids.pid, pids.child]) try { process.kill(p, 'SIGKILL'); } catch {} });
  const next = await startServer(t, { dataDir: server.dataDir });
  t.ok(await waitFor(() => !alive(pids.pid) && !alive(pids.child), 3000), 'reaped at start');
  t.match(next.output(), /reaped [12] process/);
});
