#!/usr/bin/env node
'use strict';
/**
 * Where an isolate's memory goes, without a server: N isolates prepared the
 * way a spare is (context, web script, bootstrap's top level) in this one
 * process, per variant, and the process's RSS growth ÷ N next to each
 * isolate's V8 heap statistics (medians). Variants: `bare` (isolate and
 * context only), `plain` (the web script from its plain code cache, the
 * bootstrap from its primed one: an event isolate made when no spare was
 * ready), `shared` (the web script evaluated from the host's shared copy,
 * the bootstrap from its primed cache: an event function's spare), `primed`
 * (both from the primed caches, runtime/host/primer.ts: a web isolate made
 * when no spare was ready), `warmed` (primed plus the spare warm-up: a web
 * function's spare; runtime/host/spares.ts). `install ms` is the median time
 * to prepare one (sync calls; the shared variant async, as spares do).
 * `external` is mostly the script sources each isolate holds (V8 keeps them;
 * runtime/host/sandbox-files.ts). bench/memory.js measures whole idle
 * instances through the server; this one splits the isolate's share. Each
 * reading runs in a fresh child process (freed isolates leave the allocator's
 * pages behind, which the next variant would reuse), variants alternating.
 *
 *   node --expose-gc [V8 flags] bench/isolate-memory.js [--isolates 80] [--rounds 2]
 *
 * V8 flags given to this process are passed to the readings (to try one the way
 * ISOLA_HOST_V8_FLAGS would give it to the isolate hosts).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const ivm = require('isolated-vm');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('isolates', 80);
const ROUNDS = arg('rounds', 2);
if (typeof global.gc !== 'function') {
  console.error('bench: run with node --expose-gc (the RSS readings collect the host heap first)');
  process.exit(1);
}
/** A module of the built host (runtime/host/<name>), or exit saying dist/ is not built. */
function hostModule(name) {
  try {
    return require(path.join(__dirname, '..', 'dist', 'runtime', 'host', name));
  } catch (e) {
    console.error(`bench: dist/ is not built (run tsc): ${e.message}`);
    process.exit(1);
  }
}
const { SandboxSources } = hostModule('sandbox');
const { SPARE_WARM_UP } = hostModule('primer');

const rssMb = () => {
  global.gc();
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
};
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

async function measure(variant, sources) {
  const held = [];
  const times = [];
  const before = rssMb();
  for (let i = 0; i < N; i++) {
    const isolate = new ivm.Isolate({ memoryLimit: 64 });
    const context = isolate.createContextSync();
    const t0 = performance.now();
    let boot = null;
    if (variant === 'shared') boot = await sources.installAsync(isolate, context, 'event');
    else if (variant !== 'bare') boot = sources.install(isolate, context, variant === 'plain' ? 'event' : 'web');
    if (variant === 'warmed') context.evalSync(SPARE_WARM_UP, { timeout: 2000 });
    times.push(performance.now() - t0);
    held.push({ isolate, context, boot });
  }
  const perIsolate = (rssMb() - before) / N;
  const stats = held.map((h) => h.isolate.getHeapStatisticsSync());
  const kb = (k) => Math.round(median(stats.map((s) => s[k])) / 1024);
  return { variant, rss: perIsolate, ms: median(times), used: kb('used_heap_size'), physical: kb('total_physical_size'), external: kb('externally_allocated_size') };
}

const only = process.argv.indexOf('--variant');
if (only > 0) {
  const variant = process.argv[only + 1];
  const sources = variant === 'bare' ? null : SandboxSources.load();
  // The web script's plain cache is made off the host's thread after load(): wait for it.
  void (sources ? sources.plainCacheMade : Promise.resolve()).then(() => measure(variant, sources)).then((row) => {
    if (sources) row.sources = [...sources.web, sources.bootstrap].map((s) => `${s.filename} ${s.code.length} chars`).join(', ');
    process.stdout.write(JSON.stringify(row));
    process.exit(0);
  });
} else {
  const rows = [];
  let sourcesLine = '';
  for (let r = 0; r < ROUNDS; r++) {
    for (const variant of ['bare', 'plain', 'shared', 'primed', 'warmed']) {
      try {
        const out = execFileSync(process.execPath, [...process.execArgv, __filename, '--isolates', String(N), '--variant', variant], { encoding: 'utf8' });
        const row = JSON.parse(out);
        if (row.sources) sourcesLine = row.sources;
        rows.push(row);
      } catch (e) {
        console.error(`bench: the ${variant} reading failed: ${e.message}`);
        process.exit(1);
      }
    }
  }
  console.log(`${N} isolates per reading, ${ROUNDS} round(s); sources: ${sourcesLine}`);
  console.log('variant  RSS MB/isolate  heap used KB  heap physical KB  external KB  install ms');
  for (const row of rows) {
    console.log(`${row.variant.padEnd(7)}  ${row.rss.toFixed(3).padStart(14)}  ${String(row.used).padStart(12)}  ${String(row.physical).padStart(16)}  ${String(row.external).padStart(11)}  ${row.ms.toFixed(2).padStart(10)}`);
  }
}
