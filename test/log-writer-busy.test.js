'use strict';
// SQLITE_BUSY while the log writer commits: another connection holds the
// write lock (BEGIN IMMEDIATE on the same file). Every record append()
// accepted must arrive, in order, once the lock is released — on the worker
// thread and inline, while open and during close() — and the retries must be
// counted. Only close()'s deadline gives records up, and it says so loudly.
const t = require('tap');
const { logRecord } = require('./helpers/log-records');
const path = require('node:path');
const { spawn } = require('node:child_process');
const Database = require('better-sqlite3');
const { openDatabase } = require('../dist/store/db');
const { LogsRepo, LogWriter } = require('../dist/store/logs');
const { renderPrometheus } = require('../dist/core/observe/metrics-prometheus');

/** A record for the writer directly. */
const record = (i, lines = 2) => logRecord(i, { prefix: 'b', functionName: 'busy', lines });

/** Resolves once `predicate()` holds (polling every 5 ms, at most 10 s: a loaded machine may be slow). */
async function until(predicate) {
  const deadline = Date.now() + 10_000;
  while (!predicate() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A database, a writer over it in `thread` mode, and a second connection to the same file (the lock holder). */
async function setup(t, thread, options = {}) {
  const dir = t.testdir();
  const db = openDatabase(dir);
  const writer = new LogWriter(new LogsRepo(db), { thread, flushIntervalMs: 10, pruneIntervalMs: 0, ...options });
  const other = new Database(path.join(dir, 'isola.db'));
  t.teardown(() => {
    if (other.inTransaction) other.exec('ROLLBACK');
    writer.close();
    other.close();
    db.close();
  });
  t.equal(await writer.whenReady(), thread, `commits run ${thread}`);
  return { dir, db, writer, other };
}

/** The request ids on disk in commit order, and the number of line rows. */
function onDisk(db) {
  return {
    ids: db.prepare('SELECT request_id FROM invocation_logs ORDER BY id').pluck().all(),
    lines: db.prepare('SELECT count(*) FROM log_lines').pluck().get(),
  };
}

const expectedIds = (n) => Array.from({ length: n }, (_, i) => `b${i}`);

/** Replaces console.error for the rest of the test; returns the lines written. */
function captureStderr(t) {
  const lines = [];
  const original = console.error;
  console.error = (...args) => lines.push(args.join(' '));
  t.teardown(() => (console.error = original));
  return lines;
}

for (const thread of ['worker', 'inline']) {
  t.test(`a batch refused with SQLITE_BUSY is retried until the lock is released, nothing dropped (${thread})`, async (t) => {
    const { db, writer, other } = await setup(t, thread);
    other.exec('BEGIN IMMEDIATE');
    // Three batches while the lock is held: the first fails and is retried, the others wait behind it.
    let n = 0;
    let accepted = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 40; i++) accepted += writer.append(record(n++)) ? 1 : 0;
      await sleep(30);
    }
    t.equal(accepted, n, 'every append accepted');
    await until(() => writer.stats().commitRetries >= 4);
    const held = writer.stats();
    t.ok(held.commitRetries >= 4, `retried ${held.commitRetries} times while the lock was held`);
    t.equal(held.records, 0, 'nothing committed while another connection holds the write lock');
    t.equal(held.pending + held.inFlight, n, 'every record still held in memory');
    t.equal(held.dropped, 0);
    t.equal(other.prepare('SELECT count(*) FROM invocation_logs').pluck().get(), 0);

    await sleep(150);
    other.exec('COMMIT');
    for (let i = 0; i < 10; i++) writer.append(record(n++));
    await until(() => writer.stats().records === n);

    const rows = onDisk(db);
    t.same(rows.ids, expectedIds(n), `all ${n} records arrived, in append order`);
    t.equal(rows.lines, n * 2, 'with all their lines');
    const stats = writer.stats();
    t.match(stats, { records: n, pending: 0, inFlight: 0, dropped: 0, failedBatches: 0 });
    t.ok(stats.commitRetries >= held.commitRetries, `commitRetries ${stats.commitRetries}`);
    t.ok(stats.commitFailures >= stats.commitRetries, `commitFailures ${stats.commitFailures} counts every failed transaction`);
    t.ok(stats.maxAgeMs >= 150, `the stall shows in maxAgeMs (${stats.maxAgeMs} ms)`);

    const text = renderPrometheus(
      { series: () => [], counts: () => ({ series: 0, overflow: 0, rowsWritten: 0, rowsDropped: 0, writeFailures: 0, rowsPruned: 0, running: 0, maxSeries: 0 }) },
      { runtime: null, admission: null, logs: stats },
    );
    t.match(text, `\nisola_log_commit_retries_total ${stats.commitRetries}\n`, 'GET /metrics shows the retries');
    t.match(text, `\nisola_log_commit_failures_total ${stats.commitFailures}\n`, 'and the failed transactions');
    t.match(text, '\nisola_log_dropped_total 0\n');
  });

  t.test(`close() keeps retrying until the lock is released (${thread})`, async (t) => {
    const { dir, db, writer } = await setup(t, thread);
    // The lock holder is another process: close() blocks this thread while it retries.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require(${JSON.stringify(require.resolve('better-sqlite3'))}))(process.argv[1]);
         db.exec('BEGIN IMMEDIATE');
         process.stdout.write('locked\\n');
         setTimeout(() => { db.exec('COMMIT'); db.close(); }, 400);`,
        path.join(dir, 'isola.db'),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    t.teardown(() => holder.kill('SIGKILL'));
    await new Promise((resolve, reject) => {
      holder.stdout.once('data', resolve);
      holder.once('exit', () => reject(new Error('lock holder exited early')));
    });
    for (let i = 0; i < 100; i++) writer.append(record(i));
    const started = Date.now();
    writer.close();
    const tookMs = Date.now() - started;
    t.ok(tookMs >= 100, `close() waited for the lock (${tookMs} ms)`);
    t.same(onDisk(db).ids, expectedIds(100), 'everything written by close()');
    t.match(writer.stats(), { records: 100, dropped: 0, failedBatches: 0 });
    t.ok(writer.stats().commitRetries > 0, `commitRetries ${writer.stats().commitRetries}`);
  });

  t.test(`close() gives up at closeTimeoutMs and reports what it lost (${thread})`, async (t) => {
    const { db, writer, other } = await setup(t, thread, { closeTimeoutMs: 200 });
    const stderr = captureStderr(t);
    other.exec('BEGIN IMMEDIATE'); // held by this thread: close() cannot see it released
    for (let i = 0; i < 25; i++) writer.append(record(i));
    const started = Date.now();
    writer.close();
    const tookMs = Date.now() - started;
    other.exec('COMMIT');
    t.ok(tookMs >= 150 && tookMs < 3000, `close() returned after its deadline (${tookMs} ms)`);
    t.same(onDisk(db).ids, [], 'nothing could be written');
    t.match(writer.stats(), { records: 0, dropped: 25, failedBatches: 1, pending: 0, inFlight: 0 });
    t.ok(writer.stats().commitRetries > 0, 'retried before giving up');
    const lost = stderr.filter((line) => line.startsWith('[logs] LOST'));
    t.equal(lost.length, 1, 'one loud line');
    t.match(lost[0], /LOST 25 invocation log records \(request ids b0 … b24\), not written: the close deadline passed/);
  });
}

t.test('the worker thread dies while a batch waits for its retry: the batch is written inline, first', async (t) => {
  const { db, writer, other } = await setup(t, 'worker');
  captureStderr(t);
  other.exec('BEGIN IMMEDIATE');
  for (let i = 0; i < 30; i++) writer.append(record(i));
  await until(() => writer.stats().commitRetries >= 2);
  t.equal(writer.stats().inFlight, 30, 'the batch is held by the worker');
  // What a crash of the thread looks like from here (reaching past the writer's privates on purpose).
  await writer.thread.worker.terminate();
  await until(() => writer.stats().thread === 'inline' && writer.stats().inFlight === 0);
  t.equal(writer.stats().pending, 30, 'taken back, waiting for its retry here');
  for (let i = 30; i < 40; i++) writer.append(record(i));
  other.exec('COMMIT');
  await until(() => writer.stats().records === 40);
  t.same(onDisk(db).ids, expectedIds(40), 'all records, in append order');
  t.match(writer.stats(), { dropped: 0, failedBatches: 0 });
});
