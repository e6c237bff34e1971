#!/usr/bin/env node
'use strict';
/**
 * The isolate's own CPU per HTTP request (issue 15, pass perf7): no host process, no frames,
 * no gateway — one isolate set up the way a host's instance is (the built sandbox sources
 * and their code caches, the bootstrap handed capabilities that only count what comes back,
 * the hello module loaded as an ES module), then `dispatchHttpBatch` entries of `--batch`
 * requests (how queued requests enter an instance), back to back. Reports per request the
 * isolate thread's CPU (`isolate.cpuTime`), this process's CPU (both threads: the isolate's
 * and the caller's, which copies the entry's strings and reads the responses) and wall time,
 * medians of 5 runs. With `--compare <checkout>` the two builds alternate in fresh processes.
 */
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { alternatingRuns, buildsOf } = require('./lib/ab-runs');
const { median, printTable, option, wantsHelp, fail, run } = require('./lib/report');

const USAGE = `
node bench/isolate-dispatch.js [--entries n] [--batch n] [--rounds n] [--compare checkout]

  --entries  dispatchHttpBatch entries per measured run (default 2000; 5 runs after one unmeasured)
  --batch    requests per entry (default 32, the host's most)
  --rounds   rounds with --compare (default 3)
  --compare  another checkout with a built dist/: the A/B of two builds
`;

const HELLO = `export default { fetch() { return new Response('hello'); } };\n`;
const HEADERS = JSON.stringify([['host', '127.0.0.1:9000'], ['user-agent', 'wrk'], ['accept', '*/*']]);

/** One measurement against the dist/ under `root`. */
async function measure(root, { entries, batch }) {
  const ivm = require(path.join(root, 'node_modules', 'isolated-vm'));
  const { SandboxSources } = require(path.join(root, 'dist', 'runtime', 'host', 'sandbox'));
  const { CAPABILITY_NAMES } = require(path.join(root, 'dist', 'runtime', 'host', 'capabilities'));
  const { LIMITS } = require(path.join(root, 'dist', 'runtime', 'host', 'limits'));
  const isolate = new ivm.Isolate({ memoryLimit: 128 });
  const context = isolate.createContextSync();
  const boot = SandboxSources.load().install(isolate, context, 'http');
  const calls = { final: 0, other: [] };
  // 'finals' carries n complete responses: a list of 4 items each before perf7, 4 NUL-ended fields each since.
  const capability = (name) => new ivm.Callback((...args) => {
    if (name === 'http' && args[0] === 'finals') {
      calls.final += Array.isArray(args[2]) ? args[2].length / 4 : (String(args[2]).split('\0').length - 1) / 4;
    } else if (name === 'http' && args[0] === 'final') calls.final++;
    else if (name === 'http' || (name === 'done' && !(args[0] === '' && args[1] === 'init'))) calls.other.push(`${name} ${args.slice(0, 3).join(' ')}`);
  });
  const config = JSON.stringify({ env: {}, functionName: 'hello', version: '$LATEST', namespace: 'default', memoryMb: 128, timeoutMs: 3000,
    limits: LIMITS, node: { version: process.version, platform: process.platform, arch: process.arch } });
  const api = boot.applySync(undefined, [config, ...CAPABILITY_NAMES.map(capability)], { result: { reference: true } });
  const entry = (name) => api.getSync(name, { reference: true });
  const [beginInit, esmReady, initEsm, dispatchHttpBatch] = ['beginInit', 'esmReady', 'initEsm', 'dispatchHttpBatch'].map(entry);
  // The module loads as a cold start loads an ES module (runtime/host/cold-start.ts).
  const mod = isolate.compileModuleSync(HELLO, { filename: 'index.mjs' });
  const wrapper = isolate.compileModuleSync('import * as ns from "hello";\nglobalThis.__isola_esm_ready(ns);', { filename: 'isola:esm-entry' });
  wrapper.instantiateSync(context, () => mod);
  beginInit.applySync(undefined, []);
  context.global.setSync('__isola_esm_ready', esmReady.derefInto());
  wrapper.evaluateSync();
  context.global.deleteSync('__isola_esm_ready');
  const init = initEsm.applySync(undefined, ['fetch', 'index.fetch']);
  if (init !== '') fail(`the hello module did not load: ${init}`);
  let next = 0;
  /** One entry's arguments, as runtime/host/http-dispatch.ts makes them for requests without a body. */
  const entryArgs = () => {
    let json = '[';
    let heads = '';
    for (let i = 0; i < batch; i++) {
      const rid = `0192b3c4-d5e6-7f80-9a1b-${String(++next).padStart(12, '0')}`;
      json += `${i === 0 ? '' : ','}${JSON.stringify(rid)},"GET","http://127.0.0.1:9000/default/hello/",null,null,false`;
      heads += i === 0 ? HEADERS : `\0${HEADERS}`;
    }
    return [`${json}]`, heads];
  };
  const once = async () => {
    const cpu0 = isolate.cpuTime;
    const self0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const before = calls.final;
    for (let i = 0; i < entries; i++) await dispatchHttpBatch.apply(undefined, entryArgs());
    await new Promise((r) => setImmediate(r));   // the last entry's 'finals' (a task of this thread)
    const n = entries * batch;
    if (calls.final - before !== n || calls.other.length > 0) fail(`expected ${n} responses, saw ${calls.final - before}; other calls: ${calls.other.slice(0, 3).join('; ')}`);
    const self = process.cpuUsage(self0);
    return { isolateUs: Number(isolate.cpuTime - cpu0) / 1000 / n, processUs: (self.user + self.system) / n, wallUs: Number(process.hrtime.bigint() - t0) / 1000 / n };
  };
  await once();
  const runs = [];
  for (let k = 0; k < 5; k++) runs.push(await once());
  isolate.dispose();
  return { isolateUs: median(runs.map((r) => r.isolateUs)), processUs: median(runs.map((r) => r.processUs)), wallUs: median(runs.map((r) => r.wallUs)) };
}

async function main() {
  if (wantsHelp(USAGE)) return;
  const opts = { entries: option('entries', 'BENCH_ENTRIES', 2000, 'int'), batch: option('batch', 'BENCH_BATCH', 32, 'int') };
  const child = process.argv.indexOf('--measure');
  if (child > 0) {
    // isolated-vm needs Node's startup snapshot off: run again with the flag when it is missing.
    if (!process.execArgv.includes('--no-node-snapshot')) {
      const r = spawnSync(process.execPath, ['--no-node-snapshot', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
      process.exit(r.status ?? 1);
    }
    console.log(JSON.stringify(await measure(process.argv[child + 1], opts)));
    return;
  }
  const { builds, forward, comparing } = buildsOf(__filename);
  const rounds = comparing ? option('rounds', 'BENCH_ROUNDS', 3, 'int') : 1;
  console.log(`isolate-dispatch: hello, ${opts.entries} entries × ${opts.batch} requests per run, ${rounds} round(s), load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const results = alternatingRuns(__filename, builds, forward, rounds, (round, name, m) => {
    console.log(`round ${round} ${name.padEnd(4)} isolate ${m.isolateUs.toFixed(2)} µs/req  process ${m.processUs.toFixed(2)} µs/req  wall ${m.wallUs.toFixed(2)} µs/req`);
  });
  printTable(['build', 'isolate µs/req', 'process µs/req', 'wall µs/req'], Object.entries(results).map(([name, rs]) => [
    name, median(rs.map((r) => r.isolateUs)), median(rs.map((r) => r.processUs)), median(rs.map((r) => r.wallUs)),
  ]), { digits: [0, 2, 2, 2] });
}

run(main);
