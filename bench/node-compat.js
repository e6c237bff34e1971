#!/usr/bin/env node
'use strict';
/**
 * What each module of the isolate Node.js compatibility set (issue 18) adds to a
 * cold start and to the isolate's heap when a function imports it, against a
 * function with the flag on that imports nothing (the baseline, same run).
 *
 * One isolate host, direct runtime calls (no gateway): for each case, N
 * functions with distinct code are cold-started once each; reported are the
 * medians of InitFunction (the top level, where the `require` runs) and of the
 * heap in use after the invocation (memUsageBytes).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createIsolateRuntime } = require('../dist/runtime');
const { option, wantsHelp, run, printTable } = require('./lib/report');

const USAGE = `
node bench/node-compat.js [--functions n]

  --functions  cold starts per case (env BENCH_FUNCTIONS, default 15)
`;

const CASES = {
  'flag on, nothing imported (baseline)': '',
  buffer: "require('buffer');",
  events: "require('events');",
  util: "require('util');",
  path: "require('path');",
  'all four': "require('buffer'); require('events'); require('util'); require('path');",
  url: "require('url');",
  querystring: "require('querystring');",
  string_decoder: "require('string_decoder');",
  assert: "require('assert');",
  stream: "require('stream');",
  crypto: "require('crypto');",
  timers: "require('timers');",
  async_hooks: "require('async_hooks');",
  // Not a module of the set: the multi-byte CJK decoders TextDecoder loads on first use, flag or not.
  'TextDecoder shift_jis (CJK decoders)': "new TextDecoder('shift_jis').decode(new Uint8Array([0x82, 0xa0]));",
};

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function main() {
  if (wantsHelp(USAGE)) return;
  const n = option('functions', 'BENCH_FUNCTIONS', 15, 'int');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-bench-compat-'));
  const rt = await createIsolateRuntime({ hosts: 1, dataDir: path.join(base, 'data'), keepAliveMs: 60_000 });
  const rows = [];
  let key = 0;
  try {
    // Warm the host first (its first cold start pays one-off costs).
    for (let round = 0; round < 2; round++) {
      for (const [label, prelude] of Object.entries(CASES)) {
        const init = [];
        const heap = [];
        for (let i = 0; i < (round === 0 ? 2 : n); i++) {
          const dir = path.join(base, `f${++key}`);
          fs.mkdirSync(dir);
          fs.writeFileSync(path.join(dir, 'index.js'), `${prelude}\nconst id = ${key};\nexports.main_handler = async () => id;\n`);
          const o = await rt.invoke({
            requestId: `r${key}`, event: '{}',
            spec: { key: `k${key}`, namespace: 'default', functionName: 'fn', version: '$LATEST', codeDir: dir, layerDirs: [], handler: 'index.main_handler',
              env: { ISOLA_COMPATIBILITY_FLAGS: 'nodejs_compat' }, memoryMb: 128, timeoutMs: 3000, initTimeoutMs: 5000, instanceConcurrency: 1 },
          });
          if (o.kind !== 'ok') throw new Error(`${label}: ${o.kind} ${o.errorMessage}`);
          init.push(o.coldStart.initFunctionMs);
          heap.push(o.memUsageBytes);
        }
        if (round === 1) rows.push([label, median(init).toFixed(2), (median(heap) / 1024).toFixed(0)]);
      }
    }
  } finally {
    await rt.close();
    fs.rmSync(base, { recursive: true, force: true });
  }
  const [b] = rows;
  printTable(['case', 'InitFunction p50 ms', 'heap used p50 KB'], rows.map((r) => [...r.slice(0, 1), `${r[1]} (+${(r[1] - b[1]).toFixed(2)})`, `${r[2]} (+${r[2] - b[2]})`]));
}

run(main);
