'use strict';
// The status index holds only rows that are not 200 (migration 0004), and
// SQLite uses a partial index only when the query states its condition: a
// status search must still find exactly the matching rows, and a search for
// failures must still go through that index rather than scan the function's
// whole history (LogsRepo.search adds `status_code <> 200`).
const t = require('tap');
const { logRecord } = require('./helpers/log-records');
const { openDatabase } = require('../dist/store/db');
const { LogsRepo } = require('../dist/store/logs');

const STATUSES = [200, 200, 433, 200, 432, 200, 429, 430, 200, 434];

t.test('status searches over a partial index', async (t) => {
  const db = openDatabase(t.testdir());
  t.teardown(() => db.close());
  const repo = new LogsRepo(db);
  const records = Array.from({ length: 60 }, (_, i) => ({ ...logRecord(i, { lines: 0, logTime: 1_800_000_000_000 + i }), statusCode: STATUSES[i % STATUSES.length] }));
  repo.writeBatch(records);

  const plans = [];
  const prepare = db.prepare.bind(db);
  db.prepare = (sql) => {
    if (sql.startsWith('SELECT * FROM invocation_logs')) plans.push(prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array((sql.match(/\?/g) ?? []).length).fill(1)).map((r) => r.detail).join(' | '));
    return prepare(sql);
  };
  t.teardown(() => { db.prepare = prepare; });

  const cases = [
    [{ in: [433] }, (s) => s === 433],
    [{ in: [432, 429] }, (s) => s === 432 || s === 429],
    [{ notIn: [200] }, (s) => s !== 200],
    [{ in: [200] }, (s) => s === 200],
    [{ notIn: [433, 434] }, (s) => s !== 433 && s !== 434],
  ];
  for (const [status, keep] of cases) {
    const { rows, total } = repo.search({ namespace: 'default', functionName: 'fn', status, limit: 100, order: 'asc' });
    const expected = records.filter((r) => keep(r.statusCode)).map((r) => r.requestId);
    t.same(rows.map((r) => r.request_id), expected, `${JSON.stringify(status)}: the matching rows, in order`);
    t.equal(total, expected.length, `${JSON.stringify(status)}: total`);
  }
  t.match(plans[0], /USING INDEX invocation_logs_by_status \(namespace=\? AND function_name=\? AND status_code=\?\)/, 'one failing status is read through the status index');
  t.equal(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'invocation_logs_by_status'").get().sql.includes('WHERE status_code <> 200'), true, 'the index leaves out 200');
});
