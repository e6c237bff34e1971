'use strict';
// Runs every test/conformance/*.case.js against one executor driver: one set of cases, run once per
// executor (as hono's src/router/common.case.test.ts is run once per router).
const fs = require('node:fs');
const path = require('node:path');

/**
 * Registers one subtest per case file (in file-name order) on `t`, each given `driver`. The
 * driver's shared executor is started before the first and closed after the last.
 */
function runConformance(t, driver) {
  t.before(() => driver.start());
  t.teardown(() => driver.close());
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.case.js')).sort();
  for (const file of files) {
    const cases = require(path.join(__dirname, file));
    t.test(file.slice(0, -'.case.js'.length), async (t) => { cases(t, driver); });
  }
}

module.exports = { runConformance };
