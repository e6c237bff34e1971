'use strict';
// The log tables are written 16 rows per INSERT (store/multi-insert.ts): a
// batch whose size is not a multiple of 16 must still store every invocation
// and line, in order, each pointing at its own lines; and a batch the database
// refuses part-way must leave nothing of itself in the next batch written.
const t = require('tap');
const { logRecord } = require('./helpers/log-records');
const { openDatabase } = require('../dist/store/db');
const { LogsRepo } = require('../dist/store/logs');

function setup(t) {
  const db = openDatabase(t.testdir());
  t.teardown(() => db.close());
  return { db, repo: new LogsRepo(db) };
}

/** Record i with i % 3 lines, and a cold start on every fifth. */
function record(prefix, i) {
  const r = logRecord(i, { prefix, lines: i % 3, logTime: 1_800_000_000_000 + i });
  if (i % 5 === 0) r.coldStart = { totalMs: i + 0.5, pullCodeMs: 1, initRuntimeMs: 2, initFunctionMs: 3 };
  return r;
}

function stored(db) {
  return db.prepare('SELECT * FROM invocation_logs ORDER BY id').all();
}

t.test('batches of 1, 15, 16, 17, 33 and 40 records: every row and line, in order', async (t) => {
  const { db, repo } = setup(t);
  const expected = [];
  for (const [b, size] of [1, 15, 16, 17, 33, 40].entries()) {
    const batch = Array.from({ length: size }, (_, i) => record(`b${b}-`, i));
    repo.writeBatch(batch);
    expected.push(...batch);
  }
  const rows = stored(db);
  t.equal(rows.length, expected.length, 'one row per record');
  let lineCount = 0;
  for (const [k, row] of rows.entries()) {
    const r = expected[k];
    if (row.request_id !== r.requestId || row.log_time !== r.logTime || row.line_count !== r.lines.length) {
      t.fail(`row ${k} is ${row.request_id}/${row.log_time}/${row.line_count}, expected ${r.requestId}/${r.logTime}/${r.lines.length}`);
      return;
    }
    t.equal(row.coldstart_ms, r.coldStart ? r.coldStart.totalMs : null, `${r.requestId} cold start`);
    const lines = repo.linesOf(row).map((l) => [l.request_id, l.message]);
    t.same(lines, r.lines.map((l) => [r.requestId, l.message]), `${r.requestId} lines`);
    lineCount += r.lines.length;
  }
  t.equal(db.prepare('SELECT count(*) AS n FROM log_lines').get().n, lineCount, 'no stray lines');
});

for (const bad of [3, 20]) {
  t.test(`a batch refused at record ${bad} of 23 writes nothing, and the next batch only itself`, async (t) => {
    const { db, repo } = setup(t);
    const refused = Array.from({ length: 23 }, (_, i) => record('x', i));
    refused[bad].namespace = null; // NOT NULL: the database refuses the row
    t.throws(() => repo.writeBatch(refused), /NOT NULL/, 'the batch fails');
    t.equal(stored(db).length, 0, 'nothing of the refused batch');
    const next = Array.from({ length: 18 }, (_, i) => record('y', i));
    repo.writeBatch(next);
    const rows = stored(db);
    t.same(rows.map((r) => r.request_id), next.map((r) => r.requestId), 'exactly the next batch, in order');
    t.equal(db.prepare("SELECT count(*) AS n FROM log_lines WHERE request_id LIKE 'x%'").get().n, 0, 'no line of the refused batch');
  });
}
