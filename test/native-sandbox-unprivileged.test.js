'use strict';
// native/sandbox without root (or disabled): weaker isolation, said so by describe(); what
// still applies — rlimits, an own TMPDIR under the data dir, layers merged as a symlink tree,
// and dispose() killing the instance's processes (found by their environment marker) even
// after they daemonized, and wiping its directories. Runs as root with enabled: false.
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');
const { sandboxOn, confine, start, until, running } = require('./helpers/confined');

t.test('what applies unprivileged', async (t) => {
  const box = sandboxOn(t, { enabled: false });
  t.equal(box.sandbox.privileged, false);
  t.match(box.sandbox.describe(), /WEAKER ISOLATION — the sandbox is disabled by setting: instances run under the server's own uid/);
  const instance = await confine(t, box, { id: 'plain-1', layers: ['base', 'top'], limits: { openFiles: 100, memoryMb: 256, tmpMb: 2 }, args: ['-c', `
import json, os, resource, time, tempfile
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    os.write(w, str(os.getpid()).encode())
    time.sleep(120)
    os._exit(0)
daemon = int(os.read(r, 32))
def big():
    try:
        open(os.environ['TMPDIR'] + '/big', 'wb').write(b'x' * 3 * 1024 * 1024); return 'written'
    except OSError as err:
        return os.strerror(err.errno)
print(json.dumps({
  'tmpdir': tempfile.gettempdir(), 'nofile': resource.getrlimit(resource.RLIMIT_NOFILE)[0],
  'core': resource.getrlimit(resource.RLIMIT_CORE)[0], 'data': resource.getrlimit(resource.RLIMIT_DATA)[0],
  'shared': open(${JSON.stringify('OPT')} + '/shared.txt').read(), 'lib': sorted(os.listdir(${JSON.stringify('OPT')} + '/lib')),
  'big': big(), 'daemon': daemon,
}), flush=True)
time.sleep(120)`.replaceAll('"OPT"', 'os.environ["OPT"]')] });
  t.equal(instance.uid, null);
  t.equal(instance.codeRoot, path.join(box.dataDir, 'code', 'fn1'));
  const running1 = start(instance, { env: { OPT: instance.optDir } });
  await until(() => running1.out.stdout.includes('\n'), 10_000);
  const seen = JSON.parse(running1.out.stdout);
  t.match(seen, {
    tmpdir: instance.tmpDir, nofile: 100, core: 0, data: (2 * 256 + 192) * 1024 * 1024, // 2 × memory + 192 MB
    shared: 'from top', lib: ['a.txt', 'b.txt'], big: 'File too large',
  });
  t.ok(instance.tmpDir.startsWith(path.join(box.dataDir, 'sandbox')) && fs.existsSync(instance.tmpDir));
  t.ok(running(seen.daemon));
  await instance.dispose();
  t.notOk(running(seen.daemon), 'the daemon is found by its marker and killed');
  t.notOk(running(running1.child.pid), 'the main process too');
  t.notOk(fs.existsSync(instance.tmpDir), 'its tmp dir is wiped');
  t.notOk(fs.existsSync(instance.optDir), 'its /opt tree is removed');
});
