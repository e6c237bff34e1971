#!/usr/bin/env node
'use strict';
/**
 * The cost of `new URL()` inside an isolate by host kind: an ASCII host (the
 * fast path, never leaves the isolate), a non-ASCII host and an `xn--` host
 * (UTS #46 through the host's `idna` capability on this tree; the simplified
 * in-isolate mapping on trees before it). One host, direct runtime calls, a
 * warm instance; µs per `new URL` (median of 5 rounds of N parses each).
 * Run it from two checkouts to compare them.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createIsolateRuntime } = require('../dist/runtime');
const { option, wantsHelp, run, printTable } = require('./lib/report');

const USAGE = `
node bench/url-idna.js [--parses n]

  --parses  parses per round (env BENCH_PARSES, default 20000)
`;

const HOSTS = { 'ASCII host': 'http://www.example.com/a?b', 'non-ASCII host': 'http://www.münchen.de/a?b', 'xn-- host': 'http://www.xn--mnchen-3ya.de/a?b' };

async function main() {
  if (wantsHelp(USAGE)) return;
  const n = option('parses', 'BENCH_PARSES', 20000, 'int');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-bench-url-'));
  fs.writeFileSync(path.join(base, 'index.js'), `exports.main_handler = async (event) => {
    const rounds = [];
    for (let r = 0; r < 5; r++) {
      const t0 = Date.now();
      let h = '';
      for (let i = 0; i < event.n; i++) h = new URL(event.url).hostname;
      rounds.push((Date.now() - t0) * 1000 / event.n);
    }
    rounds.sort((a, b) => a - b);
    return rounds[2];
  };`);
  const rt = await createIsolateRuntime({ hosts: 1, dataDir: path.join(base, 'data'), keepAliveMs: 60_000 });
  const rows = [];
  try {
    let k = 0;
    const s = { key: 'url-bench', namespace: 'default', functionName: 'fn', version: '$LATEST', codeDir: base, layerDirs: [], handler: 'index.main_handler',
      env: {}, memoryMb: 128, timeoutMs: 60_000, initTimeoutMs: 5000, instanceConcurrency: 1 };
    await rt.invoke({ requestId: `w${k++}`, spec: s, event: JSON.stringify({ n: 100, url: HOSTS['ASCII host'] }) });
    for (const [label, url] of Object.entries(HOSTS)) {
      const o = await rt.invoke({ requestId: `r${k++}`, spec: s, event: JSON.stringify({ n, url }) });
      if (o.kind !== 'ok') throw new Error(`${label}: ${o.kind} ${o.errorMessage}`);
      rows.push([label, Number(JSON.parse(o.result)).toFixed(2)]);
    }
  } finally {
    await rt.close();
    fs.rmSync(base, { recursive: true, force: true });
  }
  printTable(['new URL(…) in an isolate', 'µs per parse (median of 5 rounds)'], rows);
}

run(main);
