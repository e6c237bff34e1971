'use strict';
// kill -9 during a stream of log appends: every record a committed batch
// acknowledged is on disk after the crash, what is on disk is a gap-free
// prefix of what was appended, and the records lost (appended, not yet
// committed) span at most the documented window (flushIntervalMs + commit,
// store/logs.ts header), checked here against a generous 200 ms.
const t = require('tap');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { openDatabase } = require('../dist/store/db');

const DIST = path.resolve(__dirname, '..', 'dist');
const FLUSH_INTERVAL_MS = 50;
const BOUND_MS = 200;

// The child: appends 5 records every millisecond, printing `A <seq> <time>`
// after each tick's appends and `C <seq>` after each commit (its last seq).
// Pipe writes are synchronous on Linux, so a printed line was printed before the kill.
const CHILD = `
const { openDatabase } = require(${JSON.stringify(path.join(DIST, 'store', 'db'))});
const { LogsRepo, LogWriter } = require(${JSON.stringify(path.join(DIST, 'store', 'logs'))});
const db = openDatabase(process.argv[1]);
const writer = new LogWriter(new LogsRepo(db), {
  thread: process.argv[2],
  flushIntervalMs: ${FLUSH_INTERVAL_MS},
  pruneIntervalMs: 0,
  onCommit(records) { process.stdout.write('C ' + records[records.length - 1].requestId.slice(1) + '\\n'); },
});
let seq = 0;
writer.whenReady().then((mode) => {
process.stdout.write('M ' + mode + '\\n');
setInterval(() => {
  const now = Date.now();
  for (let i = 0; i < 5; i++) {
    seq++;
    writer.append({
      requestId: 'd' + seq, namespace: 'default', functionName: 'crash', qualifier: '$LATEST', version: '$LATEST', alias: null,
      startTime: now, logTime: now, durationMs: 1, billDuration: 1, memoryMb: 128, memUsageBytes: 0, statusCode: 200, retCode: 0,
      retryNum: 0, errorMessage: null, retMsg: null, coldStart: null,
      lines: [
        { time: now, level: 'INFO', type: 'Custom', message: 'line one of ' + seq },
        { time: now, level: 'INFO', type: 'Custom', message: 'line two of ' + seq },
      ],
    });
  }
  process.stdout.write('A ' + seq + ' ' + now + '\\n');
}, 1);
});
`;

async function crashRun(t, round, thread) {
  const dataDir = t.testdir();
  const child = spawn(process.execPath, ['-e', CHILD, dataDir, thread], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let commits = 0;
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  t.teardown(() => child.kill('SIGKILL'));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child made no progress:\n${err}`)), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      commits = (out.match(/^C /gm) ?? []).length;
      if (commits >= 8) {
        clearTimeout(timer);
        resolve();
      }
    });
    exited.then(() => reject(new Error(`child exited early:\n${err}`)));
  });
  // Land the kill at a different point of the flush cycle each round.
  await new Promise((resolve) => setTimeout(resolve, (round * 17) % FLUSH_INTERVAL_MS));
  child.kill('SIGKILL');
  const { signal } = await exited;
  t.equal(signal, 'SIGKILL', 'child killed with -9');
  t.match(out, new RegExp(`^M ${thread}$`, 'm'), `commits ran ${thread}`);

  const lines = out.split('\n').filter((l) => /^[AC] \d/.test(l));
  const acked = Math.max(...lines.filter((l) => l.startsWith('C ')).map((l) => Number(l.split(' ')[1])));
  const appends = lines.filter((l) => l.startsWith('A ')).map((l) => l.split(' ').map(Number));
  const [, lastAppended, lastAppendedAt] = appends[appends.length - 1];

  const db = openDatabase(dataDir);
  t.teardown(() => db.close());
  const rows = db.prepare("SELECT request_id, start_time, first_line, line_count FROM invocation_logs WHERE function_name = 'crash' ORDER BY id").all();
  const seqs = rows.map((r) => Number(r.request_id.slice(1)));
  const onDisk = seqs.length;
  t.ok(onDisk >= acked, `all ${acked} acknowledged records survived (${onDisk} on disk)`);
  t.ok(
    seqs.every((s, i) => s === i + 1),
    'what is on disk is a gap-free prefix of the appends',
  );
  const lineCount = db.prepare('SELECT count(*) AS n FROM log_lines').get().n;
  t.equal(lineCount, onDisk * 2, 'every surviving record has both of its lines');
  const last = rows[rows.length - 1];
  const lastLines = db.prepare('SELECT message FROM log_lines WHERE id >= ? AND id < ? ORDER BY id').all(last.first_line, last.first_line + last.line_count);
  t.same(lastLines.map((l) => l.message), [`line one of ${onDisk}`, `line two of ${onDisk}`], "the last committed record's lines are intact");

  // The uncommitted tail: appends after the last acknowledged one.
  const ackedAt = rows[acked - 1].start_time;
  const windowMs = lastAppendedAt - ackedAt;
  const lost = Math.max(0, lastAppended - onDisk);
  t.comment(
    `${thread} round ${round}: appended ≥${lastAppended}, acknowledged ${acked}, on disk ${onDisk}, lost ${lost}; ` +
      `uncommitted tail = ${windowMs} ms of appends (bound ${BOUND_MS} ms, flush interval ${FLUSH_INTERVAL_MS} ms)`,
  );
  t.ok(windowMs <= BOUND_MS, `uncommitted tail ${windowMs} ms ≤ ${BOUND_MS} ms`);
}

for (const thread of ['worker', 'inline']) {
  t.test(`records acknowledged by a committed batch survive kill -9 (${thread} commits)`, async (t) => {
    for (let round = 1; round <= 2; round++) await t.test(`round ${round}`, (t) => crashRun(t, round, thread));
  });
}
