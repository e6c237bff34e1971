#!/usr/bin/env node
'use strict';
/**
 * What the log writer's thread spends per invocation record (issue 15): one
 * data-plane request makes one record, and this thread runs on the same
 * cores as the gateway and the isolate hosts. `LogsRepo.writeBatch` on a
 * fresh database (the server's migrations), batches of `--batch` hello-like
 * records (UUIDv7 request ids as the gateway makes them, no lines), CPU
 * µs per record from process.cpuUsage(). With `--compare <checkout>`, each
 * round runs this build and that checkout in fresh processes, in
 * alternating order, and the medians are compared.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { machine, machineLine, median, printTable, option, wantsHelp, run } = require('./lib/report');
const { alternatingRuns, buildsOf } = require('./lib/ab-runs');

const USAGE = `
node bench/log-rows.js [--batch n] [--batches n] [--rounds n] [--compare checkout]

  --batch     records per transaction (default 750: ~50 ms of hello c=64)
  --batches   measured batches per run (default 200), after 10 unmeasured
  --rounds    runs per build (default 6)
  --compare   another checkout with a built dist/: the A/B of two builds
`;

/** One run against the dist/ under `root`: CPU µs per record. */
function measure(root, { batch, batches }) {
  const { openDatabase } = require(path.join(root, 'dist', 'store', 'db'));
  const { LogsRepo } = require(path.join(root, 'dist', 'store', 'logs'));
  const { newRequestId } = require(path.join(root, 'dist', 'core', 'invoke', 'request-id'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-log-rows-'));
  const db = openDatabase(dir);
  try {
    const repo = new LogsRepo(db);
    let t = Date.now();
    const record = () => ({
      requestId: newRequestId(t), namespace: 'default', functionName: 'hello', qualifier: '$DEFAULT', version: '$LATEST', alias: null,
      startTime: t, logTime: t++, durationMs: 0.2, billDuration: 1, memoryMb: 128, memUsageBytes: 1_234_567,
      statusCode: 200, retCode: 0, retryNum: 0, errorMessage: null, retMsg: null, coldStart: null, lines: [],
    });
    const make = (n) => Array.from({ length: n }, () => Array.from({ length: batch }, record));
    for (const b of make(10)) repo.writeBatch(b);
    const measured = make(batches);
    const c0 = process.cpuUsage();
    for (const b of measured) repo.writeBatch(b);
    const c = process.cpuUsage(c0);
    return { usPerRecord: (c.user + c.system) / (batch * batches) };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (wantsHelp(USAGE)) return;
  const opts = { batch: option('batch', 'BENCH_BATCH', 750, 'int'), batches: option('batches', 'BENCH_BATCHES', 200, 'int') };
  const child = process.argv.indexOf('--measure');
  if (child > 0) {
    console.log(JSON.stringify(measure(process.argv[child + 1], opts)));
    return;
  }
  const { builds, forward } = buildsOf(__filename);
  const rounds = option('rounds', 'BENCH_ROUNDS', 6, 'int');
  console.log(machineLine(machine()));
  console.log(`log-rows: ${opts.batches} × ${opts.batch} records per run, ${rounds} round(s)`);
  const runs = alternatingRuns(__filename, builds, forward, rounds, (round, name, m) => {
    console.log(`round ${round} ${name.padEnd(4)} ${m.usPerRecord.toFixed(2)} µs/record`);
  });
  const results = Object.fromEntries(Object.entries(runs).map(([name, rs]) => [name, rs.map((m) => m.usPerRecord)]));
  printTable(['build', 'µs/record median', 'min', 'max'], Object.entries(results).map(([name, rs]) => [name, median(rs), Math.min(...rs), Math.max(...rs)]), { digits: [2, 2, 2] });
}

run(main);
