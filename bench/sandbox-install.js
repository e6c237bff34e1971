#!/usr/bin/env node
'use strict';
/**
 * The per-instance cost of the sandbox itself, without a server or spares:
 * new isolate + context + the web files + the bootstrap script (with the V8
 * code caches the host uses), then the heap in use. What every cold start that
 * misses a spare pays, and what a spare holds. Run it from two checkouts to
 * compare them (same machine, alternating runs).
 */
const ivm = require('isolated-vm');
const { SandboxSources } = require('../dist/runtime/host/sandbox');
const { option, wantsHelp, run, printTable } = require('./lib/report');

const USAGE = `
node --no-node-snapshot bench/sandbox-install.js [--rounds n]

  --rounds  isolates to create (env BENCH_ROUNDS, default 200)
`;

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };

async function main() {
  if (wantsHelp(USAGE)) return;
  const rounds = option('rounds', 'BENCH_ROUNDS', 200, 'int');
  const sources = SandboxSources.load();
  const ms = [];
  const heap = [];
  for (let i = 0; i < rounds + 10; i++) {
    const t0 = process.hrtime.bigint();
    const isolate = new ivm.Isolate({ memoryLimit: 128 });
    const context = isolate.createContextSync();
    const boot = sources.install(isolate, context, 'web');
    const t1 = process.hrtime.bigint();
    if (i >= 10) { ms.push(Number(t1 - t0) / 1e6); heap.push(isolate.getHeapStatisticsSync().used_heap_size); }
    boot.release();
    context.release();
    isolate.dispose();
  }
  printTable(['isolate + context + web files + bootstrap', 'p50', 'p10', 'p90'], [
    ['time, ms', pct(ms, 0.5).toFixed(3), pct(ms, 0.1).toFixed(3), pct(ms, 0.9).toFixed(3)],
    ['heap used, KB', (pct(heap, 0.5) / 1024).toFixed(0), (pct(heap, 0.1) / 1024).toFixed(0), (pct(heap, 0.9) / 1024).toFixed(0)],
  ]);
}

run(main);
