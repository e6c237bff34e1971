'use strict';
// Hostile: a confined function writes outside /tmp — into its code tree, /opt (its layers), /,
// /etc, /usr, the data dir, and the host's shared /dev/shm and /var/tmp. Everything but /tmp
// is read-only or not its own; /dev/shm and /var/tmp are its own /tmp.
const t = require('tap');
const { needsRoot, sandboxOn, runPython } = require('./helpers/confined');

t.test('writes land only in /tmp', needsRoot, async (t) => {
  const box = sandboxOn(t);
  const r = await runPython(t, box, { id: 'writer-1', layers: ['base'] }, `
import json, os
def write(path, size=10):
    try:
        with open(path, 'wb') as f:
            f.write(b'x' * size)
        return 'written'
    except OSError as err:
        return type(err).__name__ + ' ' + os.strerror(err.errno)
print(json.dumps({
  'code': write('index.py'), 'codeNew': write('new.py'), 'opt': write('/opt/shared.txt'), 'optNew': write('/opt/new.txt'),
  'root': write('/evil'), 'etc': write('/etc/evil'), 'usr': write('/usr/evil'),
  'dataDir': write(${JSON.stringify(box.dataDir + '/evil')}), 'tmp': write('/tmp/ok'),
  'shm': write('/dev/shm/isola-evil-shm-${process.pid}'), 'varTmp': write('/var/tmp/isola-evil-var-${process.pid}'), 'tmpSeesThem': sorted(os.listdir('/tmp')),
}))`);
  t.equal(r.code, 0, r.stderr);
  t.same(r.json, {
    code: 'OSError Read-only file system', codeNew: 'OSError Read-only file system',
    opt: 'OSError Read-only file system', optNew: 'OSError Read-only file system',
    root: 'PermissionError Permission denied', etc: 'PermissionError Permission denied', usr: 'PermissionError Permission denied',
    dataDir: 'OSError Read-only file system', tmp: 'written',
    shm: 'written', varTmp: 'written', tmpSeesThem: [`isola-evil-shm-${process.pid}`, `isola-evil-var-${process.pid}`, 'ok'],
  });
  const fs = require('node:fs');
  t.equal(fs.readFileSync(`${box.dataDir}/code/fn1/index.py`, 'utf8'), 'VALUE = "fn1"\n', 'the code is intact');
  t.notOk(fs.existsSync(`${box.dataDir}/evil`), 'nothing written in the real data dir');
  t.notOk(fs.existsSync(`/dev/shm/isola-evil-shm-${process.pid}`) || fs.existsSync(`/var/tmp/isola-evil-var-${process.pid}`), 'the host\'s /dev/shm and /var/tmp are untouched: they are the instance\'s /tmp');
});
