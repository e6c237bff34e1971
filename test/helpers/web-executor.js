'use strict';
// A web executor (dist/native) for the tests of web functions on subprocess runtimes: the sandbox
// (full when root) on a temp data dir, closed at teardown; `deploy(files)` writes a code tree with an
// executable scf_bootstrap and `get(spec, path)` runs one exchange into a collecting sink.
const { createWebExecutor, createSandbox } = require('../../dist/native');
const { writeTree, spec: specOf, dataDir } = require('../fixtures/runtime/util');

let rid = 0;

function webExecutor(t, options = {}) {
  const ex = createWebExecutor({
    sandbox: createSandbox({ dataDir, ...options.sandbox }),
    platform: { region: 'ap-test', appId: '1250000000', uin: '100000000001' },
    keepAliveMs: 60_000,
    ...options.executor,
  });
  t.teardown(() => ex.close());
  return {
    ex,
    /** Deploys `files` (scf_bootstrap made executable unless given as { data, mode }) as a web function version. */
    deploy(files, over = {}) {
      const tree = { ...files };
      if (typeof tree.scf_bootstrap === 'string') tree.scf_bootstrap = { data: tree.scf_bootstrap, mode: 0o755 };
      return ex.prepare(specOf(writeTree(tree), { runtime: 'Nodejs16.13', type: 'HTTP', handler: '', timeoutMs: 3000, initTimeoutMs: 10_000, ...over }));
    },
    /** One exchange: resolves with the outcome, the status, headers and body the sink saw. */
    async request(spec, { method = 'GET', path = '/', headers = [], body = null, bodyStream, signal } = {}) {
      const sink = collectingSink();
      const requestId = `web-${process.pid}-${++rid}`;
      const request = { method, url: `http://fn.test${path}`, headers: [['host', 'fn.test'], ...headers, ['x-scf-request-id', requestId]], body: body === null ? null : Buffer.from(body), ...(bodyStream ? { bodyStream } : {}) };
      const outcome = await ex.serveHttp({ requestId, spec, request }, sink, signal);
      return { outcome, ...sink.seen, text: Buffer.concat(sink.seen.chunks).toString('utf8') };
    },
  };
}

/** An HttpResponseSink that keeps what it is given (always draining). */
function collectingSink() {
  const seen = { status: 0, headers: [], chunks: [], ended: false, aborted: null };
  return {
    seen,
    start(status, headers) { seen.status = status; seen.headers = headers; },
    write(chunk) { seen.chunks.push(Buffer.from(chunk)); return true; },
    drained() { return Promise.resolve(); },
    end() { seen.ended = true; },
    abort(reason) { seen.aborted = reason; },
  };
}

module.exports = { webExecutor, collectingSink };

/** The test web app (test/fixtures/web/app.js) with its scf_bootstrap, as code-tree files. */
const WEB_APP = {
  scf_bootstrap: '#!/bin/sh\nexec node app.js\n',
  'app.js': require('node:fs').readFileSync(require('node:path').join(__dirname, '..', 'fixtures', 'web', 'app.js'), 'utf8'),
};

module.exports.WEB_APP = WEB_APP;
