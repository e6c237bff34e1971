'use strict';
// Shared by the conformance cases: the function configuration every driver accepts, the skip rule,
// the one place that decides which outcome kinds a missing handler may have, and small waits.
const { recordingSink } = require('../fixtures/runtime/http');

/**
 * Function configuration a case may pass to `driver.deploy(fixture, config)`; these are the
 * defaults (the platform's, with a 3 s init timeout instead of 60 s). Unknown keys are errors.
 */
const CONFIG_DEFAULTS = Object.freeze({
  namespace: 'default',
  functionName: 'conformance',
  version: '$LATEST',
  env: Object.freeze({}),
  memoryMb: 128,
  timeoutMs: 3000,
  initTimeoutMs: 3000,
  instanceConcurrency: 1,
});

/** Merges `config` over CONFIG_DEFAULTS; throws on a key it does not know (a typo would test the default). */
function resolveConfig(config = {}) {
  for (const k of Object.keys(config)) {
    if (!(k in CONFIG_DEFAULTS)) throw new TypeError(`Unknown function config key \`${k}\`; expected one of ${Object.keys(CONFIG_DEFAULTS).join(', ')}`);
  }
  return { ...CONFIG_DEFAULTS, ...config };
}

/**
 * Registers subtest `name` that deploys `fixtures`. When the driver cannot provide one of them
 * (`driver.unsupported(fixture)` gives its reason) the subtest is skipped with that reason, so
 * every skip is visible in the output as "<driver>: <reason>".
 */
function fnTest(t, driver, name, fixtures, fn) {
  const reason = fixtures.map((f) => driver.unsupported(f)).find(Boolean);
  if (reason) return t.test(name, { skip: `${driver.name}: ${reason}` }, () => {});
  return t.test(name, fn);
}

/** The outcome kind of a missing handler or module (executor/contract.ts). */
const MISSING_KINDS = ['handler_missing'];

/** Asserts a missing handler/module outcome with the platform's message (e.g. 'handler missing: index.main_handler'). */
function assertMissing(t, o, message) {
  t.ok(MISSING_KINDS.includes(o.kind), `kind ${o.kind} is one of ${MISSING_KINDS.join(', ')}`);
  t.equal(o.errorMessage, message);
  t.equal(o.result, undefined, 'no result');
}

/** Asserts `o` ended 'ok' and returns its result decoded from JSON. */
function okResult(t, o) {
  t.equal(o.kind, 'ok', o.errorMessage ?? '');
  return o.result === undefined ? undefined : JSON.parse(o.result);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check()` every 10 ms until it returns true or `ms` pass; returns its last answer. */
async function waitFor(check, ms = 2000) {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await sleep(10);
  return check();
}

module.exports = { CONFIG_DEFAULTS, resolveConfig, fnTest, MISSING_KINDS, assertMissing, okResult, sleep, waitFor, recordingSink };
