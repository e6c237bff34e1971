'use strict';
// Conformance driver for the isolate executor (dist/runtime): JavaScript fixtures written to code
// trees, function configs turned into VersionSpecs, and the executor contract's operations
// (executor/contract.ts) behind one adapter function each.
const { createIsolateRuntime } = require('../../../dist/runtime');
const { writeTree, dataDir } = require('../../fixtures/runtime/util');
const { resolveConfig } = require('../harness');
const FIXTURES = require('./isolate-fixtures');

/** The executor's operations. `ex` is what `open` resolved to. */
const adapter = {
  open: (options) => createIsolateRuntime({ hosts: 2, dataDir, keepAliveMs: 60_000, ...options }),
  invoke: (ex, requestId, spec, event, signal) => ex.invoke({ requestId, spec: ex.prepare(spec), event: JSON.stringify(event) }, signal),
  serveHttp: (ex, requestId, spec, request, sink, signal) => ex.serveHttp({ requestId, spec: ex.prepare(spec), request }, sink, signal),
  stats: (ex, spec) => ex.stats().instances[spec.key] ?? { busy: 0, idle: 0 },
  close: (ex) => ex.close(),
  destroy: (ex) => ex.destroy(),
};

// Fixtures this executor cannot provide, with the reason printed when a case is skipped.
const UNSUPPORTED = {};

let keyN = 0;
let reqN = 0;
const dirs = new Map();

/**
 * Cases read `kind` (never a status code: the core maps kinds to codes), so the status is taken
 * off here; `requestId` is the id the driver invoked with.
 */
function outcome(o, requestId) {
  const { statusCode, ...rest } = o;
  return { ...rest, requestId };
}

/** One open executor: the operations cases call, with neutral arguments. */
function wrap(ex) {
  return {
    /** Runs `event` (a JSON value) through `fn`; `opts.signal` aborts it. */
    async invoke(fn, event = {}, opts = {}) {
      const requestId = `cf-${process.pid}-${++reqN}`;
      return outcome(await adapter.invoke(ex, requestId, fn.spec, event, opts.signal), requestId);
    },
    /**
     * Serves one HTTP exchange: `request` = { method?, path?, headers?, body?, bodyStream? }
     * (path with its query; body bytes or null), the response goes to `sink`.
     */
    async serveHttp(fn, request = {}, sink, opts = {}) {
      const requestId = `cf-${process.pid}-${++reqN}`;
      const { method = 'GET', path: p = '/', headers = [], body = null, bodyStream } = request;
      const data = { method, url: `http://fn.test${p}`, headers, body, ...(bodyStream ? { bodyStream } : {}) };
      return outcome(await adapter.serveHttp(ex, requestId, fn.spec, data, sink, opts.signal), requestId);
    },
    /** Instances of `fn` right now: { busy, idle }. */
    stats: (fn) => adapter.stats(ex, fn.spec),
    close: () => adapter.close(ex),
    destroy: () => adapter.destroy(ex),
  };
}

/** The isolate driver; `start()` opens the executor the cases share, `open()` another one. */
function createIsolateDriver() {
  let shared = null;
  const driver = {
    name: 'isolate',
    /** errorMessage of an uncaught generic error (the fixtures' `Error`) with this message. */
    errorText: (message) => `Error: ${message}`,
    /** How the fixtures' entry file appears in a stack trace. */
    entryFile: /\/var\/user\/index\.js/,
    /** Per-invocation log quotas (README: "Per-invocation quotas"), or null when the executor has none. */
    logLimits: { lineChars: 8192, lines: 5000, bytes: 1024 * 1024, notice: /log limit reached/ },

    /** null when `fixture` can be deployed here, else the reason it cannot; unknown names throw. */
    unsupported(fixture) {
      if (!(fixture in FIXTURES)) throw new Error(`isolate driver: no fixture named '${fixture}'`);
      return UNSUPPORTED[fixture] ?? null;
    },
    /** A function running `fixture` with `config` (see CONFIG_DEFAULTS); each call is a new version (new pool). */
    deploy(fixture, config) {
      const reason = driver.unsupported(fixture);
      if (reason) throw new Error(`isolate driver: fixture '${fixture}' unsupported: ${reason}`);
      const c = resolveConfig(config);
      const { files, handler } = FIXTURES[fixture];
      if (!dirs.has(fixture)) dirs.set(fixture, writeTree(files));
      const codeDir = dirs.get(fixture);
      const spec = {
        key: `cf${++keyN}-${fixture}`, namespace: c.namespace, functionName: c.functionName, version: c.version,
        // Fixtures name their export; a fetch handler makes a web function.
        runtime: 'Isolate', type: handler.endsWith('.fetch') ? 'HTTP' : 'Event',
        codeDir, layerDirs: [], handler, env: { ...c.env }, memoryMb: c.memoryMb, timeoutMs: c.timeoutMs,
        initTimeoutMs: c.initTimeoutMs, instanceConcurrency: c.instanceConcurrency,
      };
      return { fixture, spec };
    },
    /** Opens another executor (hosts: 1 by default), for cases about its lifecycle. */
    open: async (options = { hosts: 1 }) => wrap(await adapter.open(options)),

    start: async () => { shared = wrap(await adapter.open({})); },
    close: () => (shared ? shared.close() : undefined),
    invoke: (...a) => shared.invoke(...a),
    serveHttp: (...a) => shared.serveHttp(...a),
    stats: (...a) => shared.stats(...a),
  };
  return driver;
}

module.exports = { createIsolateDriver };
