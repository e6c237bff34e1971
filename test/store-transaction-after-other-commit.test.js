'use strict';
// Hostile to the store: the log writer thread writes isola.db through its own connection. A
// main-thread transaction that read first and wrote after that thread committed failed at
// once with SQLITE_BUSY (a stale snapshot; no busy wait helps it): CreateFunction answered
// InternalError under load. A Store transaction takes the write lock when it begins.
const t = require('tap');
const path = require('node:path');
const Database = require('better-sqlite3');
const { openStore } = require('../dist/store');

t.test('a transaction that reads then writes is not spoiled by another connection', async (t) => {
  const dir = t.testdir({});
  const store = openStore(dir, { maxZipBytes: 1 << 20, maxUnpackedBytes: 1 << 20 });
  t.teardown(() => store.close());
  // Stands in for the log writer thread's connection; no busy wait, so it cannot hang the test.
  const other = new Database(path.join(dir, 'isola.db'));
  other.pragma('busy_timeout = 0');
  t.teardown(() => other.close());
  let otherError = null;
  store.transaction(() => {
    t.equal(store.settings.get('probe'), undefined, 'read first');
    try {
      other.prepare("INSERT INTO settings (key, value) VALUES ('other', 'x')").run();
    } catch (err) {
      otherError = err;
    }
    store.settings.put('probe', 'written');
  });
  t.equal(store.settings.get('probe'), 'written', 'the transaction committed');
  t.equal(otherError?.code, 'SQLITE_BUSY', 'the other connection waited for the lock instead of committing in between');
});
