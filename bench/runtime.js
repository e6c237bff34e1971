'use strict';
// Runtime bench: cold start by phase (a fresh version key each time), warm invoke latency/throughput,
// resident memory per idle instance. Talks to the runtime API directly (no HTTP), 1 isolate host.
// Usage: npm run build && node bench/runtime.js [--cold N] [--gap MS] [--warm N] [--idle N] [--concurrency C]
// --gap: pause between cold starts (0 = back to back, which starves the spare-isolate refill on 2 cores).
// ISOLA_SPARES=0 disables pre-warmed isolates (the baseline for the cold-start figure).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createIsolateRuntime } = require('../dist/runtime');

const arg = (name, def) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : def; };
const GAP = arg('gap', 20), COLD = arg('cold', 300), WARM = arg('warm', 5000), IDLE = arg('idle', 500), CONC = arg('concurrency', 16);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-bench-'));
fs.writeFileSync(path.join(dir, 'index.js'), 'exports.main_handler = async (event, context) => ({ hello: event.name || "world" });\n');
const spec = (key) => ({ key, namespace: 'default', functionName: 'hello', version: '$LATEST', runtime: 'Isolate', type: 'Event', codeDir: dir, layerDirs: [], handler: 'index.main_handler', env: {}, memoryMb: 128, timeoutMs: 3000, initTimeoutMs: 3000, instanceConcurrency: 1 });
let rid = 0;
const req = (s) => ({ requestId: `b${++rid}`, spec: s, event: '{"name":"bench"}' });
const pct = (a, p) => { const s = a.slice().sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const f = (n) => n.toFixed(2);
const rss = (pid) => { const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8')); return m ? Number(m[1]) * 1024 : 0; };

(async () => {
  const rt = await createIsolateRuntime({ hosts: 1, dataDir: path.join(dir, 'data'), keepAliveMs: 600_000 });
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0].model}, node ${process.version}`);

  // Warm-up (code caches, JIT of the host).
  for (let i = 0; i < 20; i++) await rt.invoke(req(spec(`warmup-${i}`)));

  // Cold starts: a fresh key each time; the instance is left idle (not reclaimed).
  const phases = { pullCodeMs: [], initRuntimeMs: [], initFunctionMs: [], totalMs: [] }, e2e = [];
  for (let i = 0; i < COLD; i++) {
    const t0 = performance.now();
    const o = await rt.invoke(req(spec(`cold-${i}`)));
    e2e.push(performance.now() - t0);
    if (!o.coldStart) throw new Error('expected a cold start');
    for (const k of Object.keys(phases)) phases[k].push(o.coldStart[k]);
    if (GAP) await new Promise((r) => setTimeout(r, GAP));
  }
  console.log(`\ncold start (n=${COLD}, gap ${GAP} ms, spares ${process.env.ISOLA_SPARES ?? '2'}, ms)  p50     p99`);
  for (const k of Object.keys(phases)) console.log(`  ${k.padEnd(26)} ${f(pct(phases[k], 0.5)).padStart(7)} ${f(pct(phases[k], 0.99)).padStart(7)}`);
  console.log(`  ${'end-to-end invoke'.padEnd(26)} ${f(pct(e2e, 0.5)).padStart(7)} ${f(pct(e2e, 0.99)).padStart(7)}`);

  // Warm: sequential latency, then concurrent throughput on one version.
  const warm = spec('warm');
  await rt.invoke(req(warm));
  const lat = [];
  for (let i = 0; i < 2000; i++) { const t0 = performance.now(); await rt.invoke(req(warm)); lat.push(performance.now() - t0); }
  console.log(`\nwarm invoke, sequential (n=2000): p50 ${f(pct(lat, 0.5))} ms  p99 ${f(pct(lat, 0.99))} ms`);
  const conc = []; let done = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONC }, async () => {
    while (done < WARM) { done++; const s = performance.now(); await rt.invoke(req(warm)); conc.push(performance.now() - s); }
  }));
  const secs = (performance.now() - t0) / 1000;
  console.log(`warm invoke, ${CONC} concurrent (n=${WARM}): ${Math.round(WARM / secs)} req/s  p50 ${f(pct(conc, 0.5))} ms  p99 ${f(pct(conc, 0.99))} ms`);

  // Idle memory: host RSS growth per idle instance.
  const pid = rt.stats().processes[0].pid;
  const before = rss(pid);
  const base = rt.stats().processes[0].instances;
  for (let i = 0; i < IDLE; i++) await rt.invoke(req(spec(`idle-${i}`)));
  await new Promise((r) => setTimeout(r, 200));
  const after = rss(pid);
  const n = rt.stats().processes[0].instances - base;
  console.log(`\nidle instances: ${n} more, host RSS ${(before / 1048576).toFixed(1)} MB -> ${(after / 1048576).toFixed(1)} MB = ${((after - before) / n / 1048576).toFixed(2)} MB per idle instance`);

  await rt.close();
  fs.rmSync(dir, { recursive: true, force: true });
})().catch((e) => { console.error(e); process.exit(1); });
