#!/usr/bin/env node
'use strict';
/**
 * The vendored web-platform-tests files (test/wpt/, from web-platform-tests/wpt; see its
 * README.md for the files and commits) run inside an isolate function (dist/runtime, one
 * isolate host) and under this plain Node 20, with the same harness stand-in: passed/total
 * per area and per file, side by side. `--verbose` lists the tests that fail in the isolate.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createIsolateRuntime } = require('../dist/runtime');
const { FILES, runInIsolate, runInNode, count } = require('../test/wpt/runner');
const { wantsHelp, run, printTable } = require('./lib/report');

const USAGE = `
node --no-node-snapshot bench/wpt.js [--verbose]
`;

async function main() {
  if (wantsHelp(USAGE)) return;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-wpt-data-'));
  const rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 });
  const rows = [];
  const failing = [];
  try {
    for (const [area, files] of Object.entries(FILES)) {
      const isolate = await runInIsolate(rt, files);
      const node = runInNode(files);
      const sum = (results) => files.map((f) => count(results[f])).reduce((a, b) => ({ passed: a.passed + b.passed, total: a.total + b.total }));
      const [i, n] = [sum(isolate), sum(node)];
      rows.push([area, `${i.passed}/${i.total}`, `${n.passed}/${n.total}`]);
      for (const f of files) {
        const [fi, fn] = [count(isolate[f]), count(node[f])];
        rows.push([`  ${path.basename(f)}`, `${fi.passed}/${fi.total}`, `${fn.passed}/${fn.total}`]);
        for (const r of isolate[f]) if (r.status !== 'PASS') failing.push(`${f}: ${r.name} — ${r.message}`);
      }
    }
  } finally {
    await rt.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  printTable(['web-platform-tests (vendored)', 'isola isolate', `Node ${process.version}`], rows);
  if (process.argv.includes('--verbose')) for (const line of failing) console.log(line);
}

run(main);
