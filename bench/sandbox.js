#!/usr/bin/env node
'use strict';
/**
 * The cost of native/sandbox and native/custom, each against its baseline
 * in the same run:
 *
 * 1. Start of a process: a plain spawn of the command to its exit, against
 *    confine() + the confined spawn to its exit + dispose() (root: uid,
 *    cgroups, mount namespace; else the unprivileged launcher), for
 *    `/bin/true` and `/usr/bin/python3 -c pass`.
 * 2. A warm custom-runtime invocation through RuntimeApiServer.invoke(),
 *    answered by samples/custom-python (urllib: a new connection per call,
 *    two per invocation), with no uid check, the /proc/net/tcp check and the
 *    sock_diag check — the price of refusing other uids.
 *
 * Sequential: latencies, not throughput. Needs dist/ built.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { createSandbox, RuntimeApiServer, SockDiagLookup } = require('../dist/native');
const { machine, machineLine, percentile, printTable, writeResult, option, wantsHelp, fail, run } = require('./lib/report');

const USAGE = `
node bench/sandbox.js [--starts n] [--invocations n]

  --starts       process starts per variant       (env BENCH_STARTS, default 30)
  --invocations  warm invocations per uid check    (env BENCH_INVOCATIONS, default 300)
`;

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

/** Spawns and waits for the exit; rejects on a non-zero exit. */
function runToExit(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
    let err = '';
    child.stderr.on('data', (c) => { err += c; });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${err}`))));
  });
}

async function starts(sandbox, codeDir, count) {
  const rows = [];
  for (const [label, command, args] of [['/bin/true', '/bin/true', []], ['python3 -c pass', '/usr/bin/python3', ['-c', 'pass']]]) {
    const plain = [];
    const confined = { confine: [], run: [], dispose: [], total: [] };
    for (let i = 0; i < count; i++) {
      let t0 = process.hrtime.bigint();
      await runToExit(command, args, codeDir);
      plain.push(ms(t0));
      const start = process.hrtime.bigint();
      t0 = start;
      const inst = await sandbox.confine({ instanceId: `bench-${process.pid}-${i}`, codeDir, layerDirs: [], limits: { memoryMb: 128, pids: 64, openFiles: 1024, tmpMb: 64 }, command, args });
      confined.confine.push(ms(t0));
      t0 = process.hrtime.bigint();
      await runToExit(inst.command, inst.args, inst.cwd);
      confined.run.push(ms(t0));
      t0 = process.hrtime.bigint();
      await inst.dispose();
      confined.dispose.push(ms(t0));
      confined.total.push(ms(start));
    }
    const p50 = (a) => percentile(a, 50);
    rows.push({ command: label, plainP50: p50(plain), confineP50: p50(confined.confine), runP50: p50(confined.run), disposeP50: p50(confined.dispose), totalP50: p50(confined.total), totalP99: percentile(confined.total, 99) });
  }
  return rows;
}

async function invocations(count, dataDir) {
  const sample = path.join(__dirname, '..', 'samples', 'custom-python');
  const diag = new SockDiagLookup();
  diag.start();
  const rows = [];
  try {
    for (const [label, options] of [
      ['none (allowedUid null)', { allowedUid: null }],
      ['/proc/net/tcp', { allowedUid: process.getuid() }],
      ['sock_diag helper', { allowedUid: process.getuid(), peerLookup: diag }],
    ]) {
      const api = new RuntimeApiServer(options);
      const { host, port } = await api.listen();
      const child = spawn(path.join(sample, 'scf_bootstrap'), [], {
        cwd: sample, stdio: 'ignore', detached: true,
        env: { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', SCF_RUNTIME_API: host, SCF_RUNTIME_API_PORT: String(port), _HANDLER: 'index.main_handler' },
      });
      try {
        await api.ready;
        const lat = [];
        const event = JSON.stringify({ hello: 'world' });
        for (let i = 0; i < count + 20; i++) {
          const t0 = process.hrtime.bigint();
          const answer = await api.invoke({ requestId: `r${i}`, event, memoryMb: 128, timeoutMs: 3000 });
          if (answer.kind !== 'response') fail(`the sample runtime answered ${answer.kind}: ${answer.body}`);
          if (i >= 20) lat.push(ms(t0)); // the first 20 warm the interpreter's caches
        }
        rows.push({ check: label, p50: percentile(lat, 50), p99: percentile(lat, 99), perSecond: 1000 / (lat.reduce((a, b) => a + b, 0) / lat.length) });
      } finally {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
        await api.close();
      }
    }
  } finally {
    diag.close();
  }
  return rows;
}

async function main() {
  if (wantsHelp(USAGE)) return;
  const startCount = option('starts', 'BENCH_STARTS', 30, 'int');
  const invCount = option('invocations', 'BENCH_INVOCATIONS', 300, 'int');
  console.log(machineLine(machine()));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-bench-sandbox-'));
  try {
    const codeDir = path.join(dataDir, 'code', 'fn');
    fs.mkdirSync(codeDir, { recursive: true });
    const sandbox = createSandbox({ dataDir });
    console.log(sandbox.describe());
    const startRows = await starts(sandbox, codeDir, startCount);
    console.log(`\nprocess start to exit, ms (${startCount} each; confined = confine + spawn-to-exit + dispose)`);
    printTable(['command', 'plain p50', 'confine p50', 'confined run p50', 'dispose p50', 'total p50', 'total p99', 'ratio'],
      startRows.map((r) => [r.command, r.plainP50, r.confineP50, r.runP50, r.disposeP50, r.totalP50, r.totalP99, r.totalP50 / r.plainP50]), { digits: [0, 1, 1, 1, 1, 1, 1, 1] });
    const invRows = await invocations(invCount, dataDir);
    console.log(`\nwarm custom runtime invocation (samples/custom-python, urllib, 2 connections per invocation), ms (${invCount} each)`);
    printTable(['uid check', 'p50', 'p99', 'invocations/s', 'ratio'],
      invRows.map((r) => [r.check, r.p50, r.p99, r.perSecond, r.p50 / invRows[0].p50]), { digits: [0, 2, 2, 0, 2] });
    console.log(`\n${writeResult('sandbox', { privileged: sandbox.privileged, starts: startRows, invocations: invRows })}`);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

run(main);
