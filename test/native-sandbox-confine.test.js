'use strict';
// native/sandbox as root: what a confined instance is — its own uid/gid with no groups, no
// capabilities and no new privileges, the rlimits, the code root read-only as its cwd, layers
// merged on /opt (a later layer wins), an empty private /tmp per instance, inherited fd 3 —
// and how a request is checked.
const t = require('tap');
const { needsRoot, sandboxOn, confine, runPython, LIMITS } = require('./helpers/confined');

const INSPECT = `
import json, os, resource
status = dict(l.split(':', 1) for l in open('/proc/self/status').read().splitlines() if ':' in l)
os.write(3, b'fd3 works')
print(json.dumps({
  'uid': os.getuid(), 'gid': os.getgid(), 'groups': os.getgroups(), 'cwd': os.getcwd(),
  'capEff': status['CapEff'].strip(), 'noNewPrivs': status['NoNewPrivs'].strip(),
  'nofile': resource.getrlimit(resource.RLIMIT_NOFILE)[0], 'core': resource.getrlimit(resource.RLIMIT_CORE)[0],
  'nproc': resource.getrlimit(resource.RLIMIT_NPROC)[0],
  'code': open('index.py').read(),
  'opt': sorted(os.listdir('/opt')), 'shared': open('/opt/shared.txt').read(), 'onlyBase': open('/opt/only-base.txt').read(),
  'lib': sorted(os.listdir('/opt/lib')), 'tmp': os.listdir('/tmp'),
}))
open('/tmp/left-behind', 'w').write('x')
`;

t.test('the confined process', needsRoot, async (t) => {
  const box = sandboxOn(t);
  t.ok(box.sandbox.privileged);
  t.match(box.sandbox.describe(), /own uid\/gid.*memory cgroup v[12].*pids cgroup v[12].*network as the executors say/);
  const r = await runPython(t, box, { id: 'inspect-1', layers: ['base', 'top'] }, INSPECT, { fd3: true });
  t.equal(r.code, 0, r.stderr);
  t.equal(r.fd3, 'fd3 works', 'fd 3 of the caller survives the launcher');
  const uid = r.instance.uid;
  t.ok(uid >= 200000 && uid < 210000, 'a uid of the range');
  t.match(r.json, {
    uid, gid: uid, groups: [], cwd: r.instance.codeRoot,
    capEff: '0000000000000000', noNewPrivs: '1',
    nofile: LIMITS.openFiles, core: 0, nproc: LIMITS.pids,
    code: 'VALUE = "fn1"\n',
    opt: ['lib', 'only-base.txt', 'shared.txt'], shared: 'from top', onlyBase: 'base only', lib: ['a.txt', 'b.txt'],
    tmp: [],
  });
  t.same(r.instance.tmpDir, '/tmp');
  t.same(r.instance.optDir, '/opt');

  const next = await runPython(t, box, { id: 'inspect-2' }, 'import os, json; print(json.dumps([os.getuid(), os.listdir("/tmp"), os.listdir("/opt")]))');
  t.not(next.json[0], uid, 'another instance, another uid');
  t.same(next.json.slice(1), [[], []], 'a fresh /tmp (the other instance\'s file is not there); no layers: an empty /opt');
  await r.instance.dispose();
  await r.instance.dispose();
  t.pass('dispose is idempotent');
});

t.test('bad requests', async (t) => {
  const box = sandboxOn(t, { enabled: false });
  const base = { instanceId: 'ok-1', codeDir: `${box.dataDir}/code/fn1`, layerDirs: [], limits: LIMITS, command: '/bin/true', args: [] };
  await t.rejects(box.sandbox.confine({ ...base, instanceId: 'Bad_Id' }), { code: 'ERR_SANDBOX_BAD_REQUEST', message: /instanceId/ });
  await t.rejects(box.sandbox.confine({ ...base, codeDir: 'relative' }), { code: 'ERR_SANDBOX_BAD_REQUEST', message: /absolute/ });
  await t.rejects(box.sandbox.confine({ ...base, layerDirs: [`${box.dataDir}/nope`] }), { code: 'ERR_SANDBOX_BAD_REQUEST', message: /not a directory/ });
  await t.rejects(box.sandbox.confine({ ...base, limits: { ...LIMITS, pids: 0 } }), { code: 'ERR_SANDBOX_BAD_REQUEST', message: /limits.pids/ });
  const first = await confine(t, box, { id: 'dup-1', command: '/bin/true' });
  t.ok(first);
  await t.rejects(confine(t, box, { id: 'dup-1', command: '/bin/true' }), { code: 'ERR_SANDBOX_DUPLICATE' });
  t.throws(() => require('../dist/native').createSandbox({ dataDir: box.dataDir, uidbase: 5 }), { code: 'ERR_INVALID_OPTION', message: /did you mean `uidBase`/ });
  t.throws(() => require('../dist/native').createSandbox({ dataDir: box.dataDir, uidBase: 0 }), { code: 'ERR_INVALID_OPTION' });
});

t.test('a uid range holding a user of the machine is refused', needsRoot, async (t) => {
  const dataDir = t.testdir({});
  t.throws(() => require('../dist/native').createSandbox({ dataDir, uidBase: 1000, uidCount: 100_000 }), { code: 'ERR_SANDBOX_UIDS', message: /\/etc\/(passwd|group)/ });
});
