'use strict';
// Hostile: a confined function tries to read the server's data dir — credentials.json, the
// SQLite file, another function's code — directly, by listing, and by walking up from its
// own code root. Everything but its own code is out of reach (the data dir is hidden in the
// instance's mount namespace and closed to other uids on the host).
const t = require('tap');
const path = require('node:path');
const { needsRoot, sandboxOn, runPython } = require('./helpers/confined');

const ATTEMPT = (dataDir) => `
import json, os
def attempt(fn):
    try:
        return 'GOT ' + repr(fn())[:60]
    except OSError as err:
        return type(err).__name__
print(json.dumps({
  'credentials': attempt(lambda: open(${JSON.stringify(path.join(dataDir, 'credentials.json'))}).read()),
  'sqlite': attempt(lambda: open(${JSON.stringify(path.join(dataDir, 'isola.db'))}, 'rb').read()),
  'listDataDir': attempt(lambda: sorted(os.listdir(${JSON.stringify(dataDir)}))),
  'listCode': attempt(lambda: sorted(os.listdir(${JSON.stringify(path.join(dataDir, 'code'))}))),
  'otherCode': attempt(lambda: open(${JSON.stringify(path.join(dataDir, 'code', 'fn2', 'index.py'))}).read()),
  'upFromCwd': attempt(lambda: sorted(os.listdir('../..'))),
  'own': attempt(lambda: open('index.py').read()),
}))
`;

t.test('the data dir is out of reach', needsRoot, async (t) => {
  const box = sandboxOn(t);
  const r = await runPython(t, box, { id: 'reader-1' }, ATTEMPT(box.dataDir));
  t.equal(r.code, 0, r.stderr);
  t.same(r.json, {
    credentials: 'FileNotFoundError',
    sqlite: 'FileNotFoundError',
    listDataDir: "GOT ['code']",
    listCode: "GOT ['fn1']",
    otherCode: 'FileNotFoundError',
    upFromCwd: "GOT ['code']",
    own: `GOT 'VALUE = "fn1"\\n'`,
  }, 'only the path to its own code exists in its view of the data dir');
});

t.test('on the host, the data dir is closed to other uids too', needsRoot, async (t) => {
  const box = sandboxOn(t);
  const fs = require('node:fs');
  t.equal(fs.statSync(box.dataDir).mode & 0o777, 0o700, 'created or tightened to 0700');
  const { execFileSync } = require('node:child_process');
  const out = execFileSync('/usr/bin/setpriv', ['--reuid=299970', '--regid=299970', '--clear-groups', '/usr/bin/python3', '-c',
    `import os\ntry:\n  open(${JSON.stringify(path.join(box.dataDir, 'credentials.json'))}).read(); print('read')\nexcept OSError as e: print(type(e).__name__)`]).toString().trim();
  t.equal(out, 'PermissionError', 'a process of another uid outside any namespace cannot read it');
});
