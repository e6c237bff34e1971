'use strict';
// The conformance driver of the web executor (dist/native's createWebExecutor): web functions on a
// subprocess runtime, the http-* fixtures as node:http servers behind scf_bootstrap, in the sandbox
// (own network namespace when root with slirp4netns, as in production).
const { createSandbox, createWebExecutor } = require('../../../dist/native');
const { dataDir } = require('../../fixtures/runtime/util');
const { createDriver } = require('./common');
const fixtures = require('./web-fixtures');

const EVENTS = 'web functions only: the web executor answers HTTP requests, events are not its business';
/** Every fixture the other drivers have that a web server has no counterpart of. */
const EVENT_FIXTURES = [
  'echo-event', 'promise-result', 'async-result', 'callback-result', 'callback-error', 'returns-undefined', 'throws', 'throws-async',
  'no-handler', 'no-module', 'init-throws', 'init-busy-loop', 'context-dump', 'env-dump', 'never-settles', 'busy-loop', 'counter-global',
  'sleep-echo', 'alloc-forever', 'alloc-some', 'logs-levels', 'logs-flood',
];

function createWebDriver() {
  const driver = createDriver({
    name: 'web',
    open: (options) => createWebExecutor({
      sandbox: createSandbox({ dataDir }),
      platform: { region: 'ap-test', appId: '1250000000', uin: '100000000001' },
      keepAliveMs: 60_000,
      ...options,
    }),
    fixtures,
    unsupported: {
      ...Object.fromEntries(EVENT_FIXTURES.map((f) => [f, EVENTS])),
      'http-throws': 'an uncaught error in a web server is its process exiting (process_exit, 439), not a user error with a stack — test/web-process-exit-while-serving.test.js',
    },
    runtime: 'Nodejs16.13',
    typeOf: () => 'HTTP',
    errorText: (message) => `Error: ${message}`,
    entryFile: /\/app\.js:\d+/,
    logLimits: null,
  });
  // A web function's init timeout covers its whole server start (node:http here), which a loaded
  // 2-core machine can push past the cases' 3 s default: 10 s unless a case sets its own.
  const deploy = driver.deploy;
  driver.deploy = (fixture, config = {}) => deploy(fixture, { initTimeoutMs: 10_000, ...config });
  return driver;
}

module.exports = { createWebDriver };
