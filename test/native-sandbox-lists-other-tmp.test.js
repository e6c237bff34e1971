'use strict';
// Hostile: a confined function tries to see another instance's /tmp — in its own /tmp, and
// through the other process's /proc/<pid>/root and /proc/<pid>/cwd. Each instance's /tmp is
// its own tmpfs in its own mount namespace; /proc of another uid's process is closed.
const t = require('tap');
const { needsRoot, sandboxOn, confine, start, runPython, until } = require('./helpers/confined');

t.test('another instance\'s /tmp is invisible', needsRoot, async (t) => {
  const box = sandboxOn(t);
  const victim = await confine(t, box, { id: 'victim-1', fn: 'fn2', args: ['-c', 'open("/tmp/secret.txt", "w").write("victim data"); print("ready", flush=True); import time; time.sleep(60)'] });
  const running = start(victim);
  await until(() => running.out.stdout.includes('ready'));
  const pid = running.child.pid;
  const r = await runPython(t, box, { id: 'snoop-1' }, `
import json, os
def attempt(fn):
    try:
        return 'GOT ' + repr(fn())
    except OSError as err:
        return type(err).__name__
print(json.dumps({
  'ownTmp': attempt(lambda: os.listdir('/tmp')),
  'viaRoot': attempt(lambda: os.listdir('/proc/${pid}/root/tmp')),
  'viaRootFile': attempt(lambda: open('/proc/${pid}/root/tmp/secret.txt').read()),
  'viaCwd': attempt(lambda: os.listdir('/proc/${pid}/cwd')),
  'environ': attempt(lambda: open('/proc/${pid}/environ').read()),
}))`);
  t.equal(r.code, 0, r.stderr);
  t.same(r.json, { ownTmp: 'GOT []', viaRoot: 'PermissionError', viaRootFile: 'PermissionError', viaCwd: 'PermissionError', environ: 'PermissionError' });
  t.ok(running.child.exitCode === null, 'the victim runs on');
});
