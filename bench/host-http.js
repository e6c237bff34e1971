#!/usr/bin/env node
'use strict';
/**
 * CPU per HTTP call of an isolate host, without the gateway (issue 15):
 * one host (`createIsolateRuntime({ hosts: 1 })`), the hello web function,
 * `--in-flight` calls kept running through `serveHttp`, CPU from /proc for
 * the host process and process.cpuUsage() for this one (the runtime's
 * parent side: supervisor, frames). With `--compare <checkout>` each round
 * runs this build and that checkout's in fresh processes, in alternating
 * order (the one run second in a round was measured slower, whichever it
 * was), and prints the medians.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { alternatingRuns, buildsOf } = require('./lib/ab-runs');
const { cpuMs } = require('./lib/proc');
const { median, printTable, option, wantsHelp, run } = require('./lib/report');

const USAGE = `
node bench/host-http.js [--calls n] [--in-flight n] [--slots n] [--dynamic] [--rounds n] [--compare checkout]

  --calls      measured calls per run (default 20000), after 5000 unmeasured
  --in-flight  calls kept in flight (default 64)
  --slots      instanceConcurrency (default 1: one request per instance, the explicit-1 path)
  --dynamic    dynamic concurrency up to --slots (the platform's default for Isolate is 100 dynamic)
  --rounds     rounds with --compare (default 3)
  --compare    another checkout with a built dist/: the A/B of two builds
`;

const HELLO = `export default { fetch() { return new Response('hello'); } };\n`;
const sink = () => ({ start() {}, write: () => true, drained: () => Promise.resolve(), end() {}, abort() {} });

/** One run against the dist/ under `root`; prints one JSON line. */
async function measure(root, { calls, inFlight, slots, dynamic }) {
  const { createIsolateRuntime } = require(path.join(root, 'dist', 'runtime'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-host-http-'));
  fs.writeFileSync(path.join(dir, 'index.mjs'), HELLO);
  const rt = await createIsolateRuntime({ hosts: 1, dataDir: path.join(dir, 'data'), keepAliveMs: 600_000 });
  const spec = {
    key: 'hello', namespace: 'default', functionName: 'hello', version: '$LATEST', runtime: 'Isolate', type: 'HTTP',
    codeDir: dir, layerDirs: [], handler: 'index.fetch', env: {}, memoryMb: 128, timeoutMs: 3000, initTimeoutMs: 3000,
    instanceConcurrency: slots, ...(dynamic ? { dynamicConcurrency: true } : {}),
  };
  const batch = async (n) => {
    let started = 0;
    const worker = async () => {
      while (started < n) {
        started++;
        const o = await rt.serveHttp({ requestId: randomUUID(), spec, request: { method: 'GET', url: 'http://fn.test/', headers: [], body: null } }, sink());
        if (o.kind !== 'ok') throw new Error(`call failed: ${o.kind} ${o.errorMessage ?? ''}`);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  };
  try {
    await batch(5000);
    const pid = rt.stats().processes[0].pid;
    const host0 = cpuMs(pid);
    const self0 = process.cpuUsage();
    const t0 = performance.now();
    await batch(calls);
    const seconds = (performance.now() - t0) / 1000;
    const self = process.cpuUsage(self0);
    return { callsPerSecond: calls / seconds, hostUs: ((cpuMs(pid) - host0) * 1000) / calls, parentUs: (self.user + self.system) / calls };
  } finally {
    await rt.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (wantsHelp(USAGE)) return;
  const opts = {
    calls: option('calls', 'BENCH_CALLS', 20000, 'int'),
    inFlight: option('in-flight', 'BENCH_IN_FLIGHT', 64, 'int'),
    slots: option('slots', 'BENCH_SLOTS', 1, 'int'),
    dynamic: process.argv.includes('--dynamic'),
  };
  const child = process.argv.indexOf('--measure');
  if (child > 0) {
    console.log(JSON.stringify(await measure(process.argv[child + 1], opts)));
    return;
  }
  const { builds, forward, comparing } = buildsOf(__filename);
  const rounds = comparing ? option('rounds', 'BENCH_ROUNDS', 3, 'int') : 1;
  console.log(`host-http: ${opts.calls} calls, ${opts.inFlight} in flight, slots ${opts.slots}${opts.dynamic ? ' dynamic' : ''}, ${rounds} round(s), load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const results = alternatingRuns(__filename, builds, forward, rounds, (round, name, m) => {
    console.log(`round ${round} ${name.padEnd(4)} ${m.callsPerSecond.toFixed(0).padStart(6)} calls/s  host ${m.hostUs.toFixed(1)} µs/call  parent ${m.parentUs.toFixed(1)} µs/call`);
  });
  printTable(['build', 'calls/s', 'host µs/call', 'parent µs/call'], Object.entries(results).map(([name, rs]) => [
    name, median(rs.map((r) => r.callsPerSecond)), median(rs.map((r) => r.hostUs)), median(rs.map((r) => r.parentUs)),
  ]), { digits: [0, 0, 1, 1] });
}

run(main);
