'use strict';
// Issue 18: the vendored web-platform-tests files (test/wpt/) run inside an isolate function; every
// test listed as PASS in test/wpt/expected.json must still pass (a regression fails here), and a
// test that newly passes is reported so the list can be updated. bench/wpt.js prints the same
// runs as a table next to plain Node 20.
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');
const { createIsolateRuntime } = require('../dist/runtime');
const { dataDir } = require('./fixtures/runtime/util');
const { allFiles, runInIsolate } = require('./wpt/runner');

const expected = JSON.parse(fs.readFileSync(path.join(__dirname, 'wpt', 'expected.json'), 'utf8'));

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

t.test('every expected PASS still passes inside a function', async (t) => {
  t.same(Object.keys(expected).sort(), allFiles().sort(), 'expected.json lists every vendored file');
  const results = await runInIsolate(rt, allFiles());
  for (const file of allFiles()) {
    const got = new Map(results[file].map((r) => [r.name, r]));
    for (const [name, status] of Object.entries(expected[file])) {
      const r = got.get(name);
      if (status === 'PASS') t.ok(r !== undefined && r.status === 'PASS', `${file}: ${name}${r && r.status !== 'PASS' ? ` — ${r.message}` : ''}`);
      else if (r !== undefined && r.status === 'PASS') t.comment(`now passes (update expected.json): ${file}: ${name}`);
    }
    t.equal(got.size, Object.keys(expected[file]).length, `${file}: as many tests as expected`);
  }
});
