'use strict';
// Conformance driver for the isolate executor (dist/runtime): JavaScript fixtures; web functions are
// the fixtures whose handler is a fetch export.
const { createIsolateRuntime } = require('../../../dist/runtime');
const { dataDir } = require('../../fixtures/runtime/util');
const { createDriver } = require('./common');
const FIXTURES = require('./isolate-fixtures');

/** The isolate driver; `start()` opens the executor the cases share, `open()` another one (1 host). */
function createIsolateDriver() {
  return createDriver({
    name: 'isolate',
    open: (options) => createIsolateRuntime({ hosts: 2, dataDir, keepAliveMs: 60_000, ...options }),
    openDefaults: { hosts: 1 },
    fixtures: FIXTURES,
    runtime: 'Isolate',
    // Fixtures name their export; a fetch handler makes a web function.
    typeOf: (handler) => (handler.endsWith('.fetch') ? 'HTTP' : 'Event'),
    /** errorMessage of an uncaught generic error (the fixtures' `Error`) with this message. */
    errorText: (message) => `Error: ${message}`,
    entryFile: /\/var\/user\/index\.js/,
    // README: "Per-invocation quotas".
    logLimits: { lineChars: 8192, lines: 5000, bytes: 1024 * 1024, notice: /log limit reached/ },
  });
}

module.exports = { createIsolateDriver };
