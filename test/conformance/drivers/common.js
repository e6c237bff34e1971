'use strict';
// What every conformance driver shares: fixtures written to code trees, function configs turned into
// VersionSpecs, and the executor contract's operations (executor/contract.ts) with neutral arguments.
// A driver names its executor (`open`), its fixtures and how its language shows errors.
const { writeTree } = require('../../fixtures/runtime/util');
const { resolveConfig } = require('../harness');

let keyN = 0;
let reqN = 0;

/**
 * Cases read `kind` (never a status code: the core maps kinds to codes), so a status is taken
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
      const o = await ex.invoke({ requestId, spec: ex.prepare(fn.spec), event: JSON.stringify(event) }, opts.signal);
      return outcome(o, requestId);
    },
    /**
     * Serves one HTTP exchange: `request` = { method?, path?, headers?, body?, bodyStream? }
     * (path with its query; body bytes or null), the response goes to `sink`.
     */
    async serveHttp(fn, request = {}, sink, opts = {}) {
      const requestId = `cf-${process.pid}-${++reqN}`;
      const { method = 'GET', path: p = '/', headers = [], body = null, bodyStream } = request;
      const data = { method, url: `http://fn.test${p}`, headers, body, ...(bodyStream ? { bodyStream } : {}) };
      return outcome(await ex.serveHttp({ requestId, spec: ex.prepare(fn.spec), request: data }, sink, opts.signal), requestId);
    },
    /** Keeps `count` provisioned instances of `fn` (Executor.provision). */
    provision: (fn, count) => ex.provision(ex.prepare(fn.spec), count),
    /** Provisioning progress of `fn`: { target, ready, error }. */
    provisioned: (fn) => ex.provisioned(fn.spec.key),
    /** Instances of `fn` right now: { busy, idle }. */
    stats: (fn) => ex.stats().instances[fn.spec.key] ?? { busy: 0, idle: 0 },
    close: () => ex.close(),
    destroy: () => ex.destroy(),
  };
}

/** The errorMessage of the `no-handler` and `no-module` fixtures where the handler is `file.function`. */
const MISSING_TEXT = Object.freeze({ handler: 'handler missing: index.main_handler', module: 'module missing: nothere' });

/**
 * A driver from its parts: `name`; `open(options)` → an executor; `fixtures` (name → { files,
 * handler }); `unsupported` (name → reason); `runtime` (the spec's runtime name) and
 * `typeOf(handler)` ('Event' | 'HTTP'); `errorText`, `entryFile`, `logLimits`, `missingText` (test/conformance/README.md).
 */
function createDriver({ name, open, fixtures, unsupported = {}, runtime, typeOf = () => 'Event', errorText, entryFile, logLimits, openDefaults, missingText = {} }) {
  let shared = null;
  const dirs = new Map();
  const driver = {
    name, errorText, entryFile, logLimits, missingText: { ...MISSING_TEXT, ...missingText },
    /** null when `fixture` can be deployed here, else the reason it cannot; unknown names throw. */
    unsupported(fixture) {
      if (unsupported[fixture]) return unsupported[fixture];
      if (!(fixture in fixtures)) throw new Error(`${name} driver: no fixture named '${fixture}'`);
      return null;
    },
    /** A function running `fixture` with `config` (see CONFIG_DEFAULTS); each call is a new version (new pool). */
    deploy(fixture, config) {
      const reason = driver.unsupported(fixture);
      if (reason) throw new Error(`${name} driver: fixture '${fixture}' unsupported: ${reason}`);
      const c = resolveConfig(config);
      const { files, handler } = fixtures[fixture];
      if (!dirs.has(fixture)) dirs.set(fixture, writeTree(files));
      const spec = {
        key: `cf${++keyN}-${fixture}`, namespace: c.namespace, functionName: c.functionName, version: c.version,
        runtime, type: typeOf(handler), codeDir: dirs.get(fixture), layerDirs: [], handler, env: { ...c.env },
        memoryMb: c.memoryMb, timeoutMs: c.timeoutMs, initTimeoutMs: c.initTimeoutMs, instanceConcurrency: c.instanceConcurrency,
      };
      return { fixture, spec };
    },
    /** Opens another executor, for cases about its lifecycle. */
    open: async (options = openDefaults) => wrap(await open(options)),
    start: async () => { shared = wrap(await open({})); },
    close: () => (shared ? shared.close() : undefined),
    invoke: (...a) => shared.invoke(...a),
    serveHttp: (...a) => shared.serveHttp(...a),
    stats: (...a) => shared.stats(...a),
    provision: (...a) => shared.provision(...a),
    provisioned: (...a) => shared.provisioned(...a),
  };
  return driver;
}

module.exports = { createDriver };
