'use strict';
// Conformance drivers for the process executor (dist/native): the Python runtime with Python
// fixtures, the Node.js runtime with the JavaScript fixtures of the isolate driver. Each driver's
// executor runs in the sandbox (confined when root, as in production) and reclaims idle instances after a minute.
const { createProcessExecutor, createSandbox } = require('../../../dist/native');
const { dataDir } = require('../../fixtures/runtime/util');
const { createDriver } = require('./common');

const WEB = 'event functions only: web functions on subprocess runtimes need scf_bootstrap (not built yet)';
const HTTP_FIXTURES = ['http-echo', 'http-status-headers', 'http-stream', 'http-throws', 'http-never-responds'];
const webSkips = () => Object.fromEntries(HTTP_FIXTURES.map((f) => [f, WEB]));
const open = (options) => createProcessExecutor({
  sandbox: createSandbox({ dataDir }),
  platform: { region: 'ap-test', appId: '1250000000', uin: '100000000001' },
  keepAliveMs: 60_000,
  ...options,
});
const logLimits = { lineChars: 8192, lines: 5000, bytes: 1024 * 1024, notice: /log limit reached/ };

function createPythonDriver() {
  const fixtures = require('./python-fixtures');
  const JS_ONLY = 'Python handlers return a value: no Promise or callback shape';
  return createDriver({
    name: 'python',
    open,
    fixtures,
    unsupported: { ...webSkips(), 'promise-result': JS_ONLY, 'callback-result': JS_ONLY, 'callback-error': JS_ONLY },
    runtime: 'Python3.9',
    errorText: (message) => `Exception: ${message}`,
    entryFile: /\/index\.py"/,
    logLimits,
  });
}

function createNodejsProcessDriver() {
  const fixtures = require('./isolate-fixtures');
  return createDriver({
    name: 'nodejs-process',
    open,
    fixtures,
    unsupported: webSkips(),
    runtime: 'Nodejs16.13',
    errorText: (message) => `Error: ${message}`,
    entryFile: /\/index\.js:\d+/,
    logLimits,
  });
}

module.exports = { createPythonDriver, createNodejsProcessDriver };
