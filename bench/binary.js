#!/usr/bin/env node
'use strict';
/**
 * The single executable (issue 17) against the npm install, as users start
 * them: time from spawn to `/healthz` answering 200 on the first start of a
 * fresh data dir (the binary's asset cache empty: it writes its addons and
 * runtime files) and on a later start of the same data dir (cache reused),
 * and the resident memory of the idle server's process tree (server, isolate
 * hosts; for `npm start`, also its re-exec wrapper, bin/isola.js).
 *
 * `npm start` here is `node bin/isola.js serve`, exactly what the npm script
 * runs. Rounds alternate npm and binary so drift on a shared machine hits
 * both alike. The hello ratio through the binary is bench/http.js's
 * `--compare-binary`.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { treeMemory } = require('./lib/proc');
const { spawnListening } = require('./lib/servers');
const { machine, machineLine, median, printTable, writeResult, option, wantsHelp, fail, run } = require('./lib/report');

const ROOT = path.resolve(__dirname, '..');
const USAGE = `
node bench/binary.js [--binary file] [--rounds n] [--settle s]

  --binary   the single executable (env BENCH_BINARY, default dist/bin/isola; \`npm run build:binary\` makes it)
  --rounds   alternating rounds, each: npm first + later start, binary first + later start (env BENCH_ROUNDS, default 3)
  --settle   seconds the server stays idle before its memory is read (env BENCH_SETTLE, default 5)
`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts `command args` in `cwd`; resolves once /healthz answers 200 with the time from spawn and a stop(). */
async function startUntilHealthy(command, args, cwd) {
  const started = process.hrtime.bigint();
  const proc = spawnListening(path.basename(command), args, { cwd, command, timeoutMs: 60_000 });
  const port = await proc.port;
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${command} exited before /healthz answered:\n${proc.output()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) return { ms: Number(process.hrtime.bigint() - started) / 1e6, pid: proc.child.pid, stop: proc.stop };
    await sleep(5);
  }
}

async function measure(kind, binary, settleMs) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `isola-bench-${kind}-`));
  const [command, args, cwd] = kind === 'binary'
    ? [binary, ['serve', '--port', '0', '--data-dir', dataDir], path.dirname(binary)]
    : [process.execPath, [path.join(ROOT, 'bin', 'isola.js'), 'serve', '--port', '0', '--data-dir', dataDir], ROOT];
  try {
    const first = await startUntilHealthy(command, args, cwd);
    await first.stop();
    const later = await startUntilHealthy(command, args, cwd);
    await sleep(settleMs);
    const memory = treeMemory(later.pid);
    await later.stop();
    return { kind, firstMs: first.ms, laterMs: later.ms, rssMb: memory.rssKb / 1024, pssMb: memory.pssKb === undefined ? undefined : memory.pssKb / 1024, processes: memory.processes };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  if (wantsHelp(USAGE)) return;
  const binary = path.resolve(process.argv.find((a, i, all) => all[i - 1] === '--binary') ?? process.env.BENCH_BINARY ?? path.join(ROOT, 'dist', 'bin', 'isola'));
  if (!fs.existsSync(binary)) fail(`${binary} is missing; run \`npm run build:binary\` first`);
  const rounds = option('rounds', 'BENCH_ROUNDS', 3, 'int');
  const settleMs = option('settle', 'BENCH_SETTLE', 5, 'int') * 1000;
  const facts = machine();
  console.log(machineLine(facts));
  console.log(`binary ${binary}: ${(fs.statSync(binary).size / 1e6).toFixed(1)} MB; ${rounds} rounds, npm and binary alternating\n`);
  const runs = [];
  for (let round = 1; round <= rounds; round++) {
    for (const kind of round % 2 === 1 ? ['npm', 'binary'] : ['binary', 'npm']) {
      const r = await measure(kind, binary, settleMs);
      runs.push({ round, ...r });
      console.log(`round ${round} ${kind.padEnd(6)} first start ${r.firstMs.toFixed(0)} ms, later start ${r.laterMs.toFixed(0)} ms, idle RSS ${r.rssMb.toFixed(1)} MB (PSS ${r.pssMb?.toFixed(1) ?? '?'} MB, ${r.processes} processes)`);
    }
  }
  const rows = ['npm', 'binary'].map((kind) => {
    const of = runs.filter((r) => r.kind === kind);
    return [kind === 'npm' ? 'npm start' : 'binary', median(of.map((r) => r.firstMs)), median(of.map((r) => r.laterMs)), median(of.map((r) => r.rssMb)), median(of.map((r) => r.pssMb ?? NaN)), of[0].processes];
  });
  console.log('\nmedians');
  printTable(['server', 'first start ms', 'later start ms', 'idle RSS MB', 'idle PSS MB', 'processes'], rows, { digits: [0, 0, 0, 1, 1, 0] });
  const file = writeResult('binary', { settings: { binary, binaryBytes: fs.statSync(binary).size, rounds, settleMs }, runs });
  console.log(`\nwritten ${file}`);
}

run(main);
