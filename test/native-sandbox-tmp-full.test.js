'use strict';
// Hostile: a confined function fills its /tmp past the instance's tmp limit. /tmp is a tmpfs of
// that size: the write fails with ENOSPC, what fits stays, and the next instance's /tmp is
// empty (wiped with the instance).
const t = require('tap');
const { needsRoot, sandboxOn, runPython } = require('./helpers/confined');

t.test('/tmp is size-limited and wiped', needsRoot, async (t) => {
  const box = sandboxOn(t);
  const r = await runPython(t, box, { id: 'filler-1', limits: { tmpMb: 4 } }, `
import json, os
written = 0
try:
    with open('/tmp/fill', 'wb') as f:
        for _ in range(64):
            f.write(b'x' * 256 * 1024)
            f.flush()
            written += 256 * 1024
    result = 'written'
except OSError as err:
    result = os.strerror(err.errno)
print(json.dumps([result, written, os.statvfs('/tmp').f_blocks * os.statvfs('/tmp').f_frsize]))`);
  t.equal(r.code, 0, r.stderr);
  const [result, written, size] = r.json;
  t.equal(result, 'No space left on device');
  t.equal(size, 4 * 1024 * 1024, 'a 4 MB tmpfs');
  t.ok(written <= 4 * 1024 * 1024 && written >= 3 * 1024 * 1024, `${written} bytes fit`);
  await r.instance.dispose();
  const next = await runPython(t, box, { id: 'filler-2', limits: { tmpMb: 4 } }, 'import os, json; print(json.dumps(os.listdir("/tmp")))');
  t.same(next.json, [], 'the next instance starts with an empty /tmp');
});
