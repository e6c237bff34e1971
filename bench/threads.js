#!/usr/bin/env node
'use strict';
/**
 * Where a data-plane request's time goes, thread by thread (issue 15): for
 * raw uWS hello and isola's hello web function (default settings and
 * MaxConcurrency 100) under the same load, each thread's CPU µs per
 * request, the share of the run it was busy, the share it spent runnable
 * but waiting for a CPU (run-queue wait, /proc/…/schedstat), and how often
 * it blocked (voluntary context switches); with the machine's idle share.
 *
 * Why: isola's CPU per request, summed over its threads and the load
 * generator, is below what two cores give, yet its req/s is lower than that
 * sum predicts. The idle share and the wait and sleep columns say whether
 * the limit is CPU (little idle) or hand-offs between threads and processes
 * (idle cores while requests queue behind a thread that waits to run).
 */
const { startIsola, startUwsHello } = require('./lib/servers');
const { ApiClient, createFunction } = require('./lib/api');
const { runRounds, warmUp } = require('./lib/rounds');
const { runLoad } = require('./lib/load');
const { findWrk, runWrk } = require('./lib/wrk');
const { threadTimes, machineJiffies } = require('./lib/proc');
const { machine, machineLine, median, printTable, writeResult, option, loadOptions, loadUsage, wantsHelp, fail, run } = require('./lib/report');

const USAGE = `
node bench/threads.js [--duration s] [--rounds n] [--connections 64] [--warmup s] [--min-us n]

${loadUsage('concurrency levels', [64])}
  --min-us       threads under this many CPU µs per request are summed into one row per role (env BENCH_MIN_US, default 0.5)
`;

const HELLO = `export default { fetch() { return new Response('hello'); } };\n`;

/**
 * Wraps the load generator: per-thread deltas of the target's process tree and the
 * machine's idle share over the run. Thread rows are labelled by role: the server's
 * main thread, its other threads, and (isola) each isolate host's main and other threads.
 */
function withThreads(load) {
  return async (options) => {
    const before = new Map(threadTimes(options.pid).map((t) => [t.tid, t]));
    const j0 = machineJiffies();
    const started = process.hrtime.bigint();
    const r = await load(options);
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const j1 = machineJiffies();
    const threads = threadTimes(options.pid).map((t) => {
      const b = before.get(t.tid) ?? { cpuMs: 0, waitMs: 0, sleeps: 0 };
      return { pid: t.pid, tid: t.tid, role: roleOf(t, options.pid), cpuMs: t.cpuMs - b.cpuMs, waitMs: t.waitMs - b.waitMs, sleeps: t.sleeps - b.sleeps };
    });
    return { ...r, wallMs, idle: (j1.idle - j0.idle) / (j1.total - j0.total), threads };
  };
}

function roleOf(t, rootPid) {
  const main = t.pid === t.tid;
  if (t.pid === rootPid) return main ? 'server main' : 'server thread';
  return main ? 'host main' : 'host thread';
}

/** One table row per thread of a target (summed over rounds), small ones folded into one row per role. */
function threadRows(runs, minUs) {
  const requests = runs.reduce((a, r) => a + r.requests, 0);
  const wall = runs.reduce((a, r) => a + r.wallMs, 0);
  const byTid = new Map();
  for (const r of runs) {
    for (const t of r.threads) {
      const acc = byTid.get(t.tid) ?? { role: t.role, tid: t.tid, cpuMs: 0, waitMs: 0, sleeps: 0 };
      acc.cpuMs += t.cpuMs;
      acc.waitMs += t.waitMs;
      acc.sleeps += t.sleeps;
      byTid.set(t.tid, acc);
    }
  }
  const rows = [];
  const clientMs = runs.reduce((a, r) => a + (r.clientCpuMs ?? NaN), 0);
  const folded = new Map();
  for (const t of [...byTid.values()].sort((a, b) => b.cpuMs - a.cpuMs)) {
    const us = (t.cpuMs * 1000) / requests;
    if (us >= minUs) {
      rows.push({ thread: `${t.role} ${t.tid}`, ...t });
      continue;
    }
    const f = folded.get(t.role) ?? { thread: `${t.role}s (others)`, cpuMs: 0, waitMs: 0, sleeps: 0 };
    f.cpuMs += t.cpuMs;
    f.waitMs += t.waitMs;
    f.sleeps += t.sleeps;
    folded.set(t.role, f);
  }
  const table = [...rows, ...folded.values()].map((t) => ({
    thread: t.thread,
    cpuUs: (t.cpuMs * 1000) / requests,
    busy: (100 * t.cpuMs) / wall,
    runqWait: (100 * t.waitMs) / wall,
    sleepsPerK: (1000 * t.sleeps) / requests,
  }));
  // wrk's own CPU (bash's `times`): what the load generator took from the same cores; no per-thread figures.
  if (Number.isFinite(clientMs)) table.push({ thread: 'load generator (wrk)', cpuUs: (clientMs * 1000) / requests, busy: (100 * clientMs) / wall, runqWait: undefined, sleepsPerK: undefined });
  return table;
}

async function main() {
  if (wantsHelp(USAGE)) return;
  const { duration, rounds, connections, warmup } = loadOptions([64]);
  const foldUnder = option('min-us', 'BENCH_MIN_US', 0.5, 'number', { allowZero: true });
  const wrk = findWrk();
  const load = withThreads(wrk ? (o) => runWrk({ ...o, clientCpu: true }) : runLoad);
  const m = machine();
  console.log(machineLine(m));
  let baseline;
  let isola;
  let client;
  try {
    baseline = await startUwsHello().catch((err) => fail(`cannot start the raw uWS baseline: ${err.message}`));
    isola = await startIsola().catch((err) => fail(`cannot start the isola server: ${err.message}`));
    client = new ApiClient(isola);
    for (const [name, maxConcurrency] of [['hello-http', undefined], ['hello-c100', 100]]) {
      await createFunction(client, { name, files: { 'index.mjs': HELLO }, type: 'HTTP', handler: 'index.fetch', maxConcurrency })
        .catch((err) => fail(`cannot create ${name}: ${err.message}`));
    }
    const targets = {
      'uWS hello': { url: `${baseline.url}/`, pid: baseline.pid },
      'isola hello': { url: `${isola.url}/default/hello-http/`, pid: isola.pid },
      'isola hello c100': { url: `${isola.url}/default/hello-c100/`, pid: isola.pid },
    };
    await warmUp(Object.values(targets), connections, warmup, load);
    const runs = await runRounds({ rounds, connections, duration, targets, load, alternate: true });
    const record = { machine: m, generator: wrk ? 'wrk -t1' : 'autocannon', duration, rounds, targets: [] };
    for (const c of connections) {
      console.log(`\nc=${c}, ${wrk ? 'wrk -t1' : 'autocannon'}, ${rounds} rounds of ${duration} s; per target: median req/s and machine idle over rounds;` +
        ' per thread (summed over rounds): CPU µs per request, busy and run-queue wait as % of the run, blocking sleeps per 1000 requests');
      for (const name of Object.keys(targets)) {
        const mine = runs.filter((r) => r.target === name && r.connections === c);
        const rps = median(mine.map((r) => r.rps));
        const idle = median(mine.map((r) => r.idle)) * 100;
        const rows = threadRows(mine, foldUnder);
        const total = rows.filter((t) => !t.thread.startsWith('load generator')).reduce((a, t) => a + t.cpuUs, 0);
        console.log(`\n${name}: ${rps.toFixed(0)} req/s, machine idle ${idle.toFixed(1)} %, server tree ${total.toFixed(1)} CPU µs/req`);
        printTable(['thread', 'CPU µs/req', 'busy %', 'runq wait %', 'sleeps/1k req'],
          rows.map((t) => [t.thread, t.cpuUs, t.busy, t.runqWait, t.sleepsPerK]), { digits: [0, 1, 1, 1, 1] });
        record.targets.push({ name, connections: c, rps, idlePercent: idle, threads: rows, runs: mine.map(({ threads, ...rest }) => rest) });
      }
    }
    console.log(`\nwritten ${writeResult('threads', record)}`);
  } finally {
    client?.close();
    await isola?.stop();
    await baseline?.stop();
  }
}

run(main);
