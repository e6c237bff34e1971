'use strict';
// Conformance drivers for the process executor (dist/native): the Python runtime with Python
// fixtures, the Node.js runtime with the JavaScript fixtures of the isolate driver, the custom
// runtime with the Python fixtures run by a Python scf_bootstrap (custom-bootstrap.py). Each driver's
// executor runs in the sandbox (confined when root, as in production) and reclaims idle instances after a minute.
const fs = require('node:fs');
const path = require('node:path');
const { createProcessExecutor, createSandbox } = require('../../../dist/native');
const { dataDir } = require('../../fixtures/runtime/util');
const { createDriver } = require('./common');

const WEB = 'event functions only: web functions on subprocess runtimes run in the web executor (drivers/web.js)';
const HTTP_FIXTURES = ['http-echo', 'http-status-headers', 'http-stream', 'http-throws', 'http-never-responds'];
const webSkips = () => Object.fromEntries(HTTP_FIXTURES.map((f) => [f, WEB]));
const open = (options) => createProcessExecutor({
  sandbox: createSandbox({ dataDir }),
  platform: { region: 'ap-test', appId: '1250000000', uin: '100000000001' },
  keepAliveMs: 60_000,
  ...options,
});
const logLimits = { lineChars: 8192, lines: 5000, bytes: 1024 * 1024, notice: /log limit reached/ };

/**
 * A driver for a built-in runtime whose handlers return a value (no Promise or callback shape):
 * Python, PHP, Java, Go — `parts` = { name, language, fixtures, runtime, errorText, entryFile, missingText?,
 * unsupportedMore? (fixtures this language cannot express, with the reason), executorOptions? }.
 */
function valueDriver({ language, unsupportedMore = {}, executorOptions = {}, ...parts }) {
  const NO_ASYNC = `${language} handlers return a value: no Promise or callback shape`;
  return createDriver({
    open: (options) => open({ ...executorOptions, ...options }),
    unsupported: { ...webSkips(), 'promise-result': NO_ASYNC, 'callback-result': NO_ASYNC, 'callback-error': NO_ASYNC, ...unsupportedMore },
    logLimits,
    ...parts,
  });
}

function createPythonDriver() {
  return valueDriver({
    name: 'python', language: 'Python', fixtures: require('./python-fixtures'), runtime: 'Python3.9',
    errorText: (message) => `Exception: ${message}`, entryFile: /\/index\.py"/,
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

function createCustomDriver() {
  const bootstrap = { data: fs.readFileSync(path.join(__dirname, 'custom-bootstrap.py'), 'utf8'), mode: 0o755 };
  const python = require('./python-fixtures');
  const fixtures = Object.fromEntries(Object.entries(python).map(([name, f]) => [name, { ...f, files: { ...f.files, scf_bootstrap: bootstrap } }]));
  const JS_ONLY = 'the fixtures are Python\'s: no Promise or callback shape';
  // What the platform sees of a custom runtime is a process and four HTTP calls: the rest is the runtime's own.
  const INIT = 'a custom runtime has no init-error endpoint: a failed import is its process exiting before ready (init_exit, 405), a slow one the ready call missing (init_timeout, 450) — test/custom-runtime-start-failures.test.js';
  return createDriver({
    name: 'custom',
    open,
    fixtures,
    unsupported: {
      ...webSkips(), 'promise-result': JS_ONLY, 'callback-result': JS_ONLY, 'callback-error': JS_ONLY,
      'throws': 'the runtime API\'s error is one text (the errorMessage): no separate stack — test/custom-runtime-error-post.test.js',
      'no-handler': INIT, 'no-module': INIT, 'init-throws': INIT, 'init-busy-loop': INIT,
      'context-dump': 'the runtime API hands a custom runtime request_id, memory_limit_in_mb and time_limit_in_ms only: the other context fields are the runtime\'s own business',
      'logs-levels': 'a custom runtime\'s log is its raw stdout (log) and stderr (error): no levels',
    },
    runtime: 'CustomRuntime',
    errorText: (message) => `Exception: ${message}`,
    entryFile: /\/index\.py"/,
    logLimits,
  });
}

function createPhpDriver() {
  return valueDriver({
    name: 'php', language: 'PHP', fixtures: require('./php-fixtures'), runtime: 'Php8.0',
    errorText: (message) => `Exception: ${message}`, entryFile: /\/index\.php[:(]\d+/,
  });
}

function createJavaDriver() {
  return valueDriver({
    name: 'java', language: 'Java', fixtures: require('./java-fixtures').compileJavaFixtures(), runtime: 'Java11',
    // A pre-started spare makes the call after a discarded instance warm by design (and shows in the
    // idle counts): the suite pins the one-instance-per-call behaviour; test/process-java-spare.test.js the spares.
    executorOptions: { spares: false },
    errorText: (message) => `java.lang.RuntimeException: ${message}`, entryFile: /\(Index\.java:\d+\)/,
    missingText: {
      handler: 'handler missing: f_no_handler.Index::mainHandler (a public method mainHandler(event) or mainHandler(event, Context))',
      module: 'class missing: f_no_module.Nothere',
    },
  });
}

/** The Go driver: the fixture program built with `go build` (go-fixtures.js). */
function createGoDriver() {
  const { buildGoFunction, goFixtures } = require('./go-fixtures');
  const ERRORS = 'a Go panic carries the stack but ends the instance (ShouldExit, as the cloud library says); a returned error keeps it but has no stack — both: test/process-go-panic.test.js';
  const INIT = 'a Go function has no init-error message: a panic before it listens is an exit before ready (init_exit, 405), a slow init no Function.Ping answer (init_timeout, 450) — test/process-go-start-failures.test.js';
  return valueDriver({
    name: 'go', language: 'Go', fixtures: goFixtures(buildGoFunction()), runtime: 'Go1',
    errorText: (message) => message, entryFile: /main\.go:\d+/,
    missingText: { module: 'module missing: main (the Go runtime starts the executable the handler names, at the code root)' },
    unsupportedMore: {
      'throws': ERRORS, 'init-throws': INIT, 'init-busy-loop': INIT,
      'no-handler': 'a Go handler names an executable: there is no function inside it to miss',
      'logs-levels': 'a Go function\'s log is its raw stdout (log) and stderr (error): no levels',
    },
  });
}

module.exports = { createPythonDriver, createNodejsProcessDriver, createCustomDriver, createPhpDriver, createJavaDriver, createGoDriver };
