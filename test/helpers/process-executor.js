'use strict';
// A process executor (dist/native) for the hostile tests of subprocess runtimes: the sandbox (full when root)
// on a temp data dir, closed at teardown; `run(files, event, spec)` deploys a fresh version and invokes it.
const { createProcessExecutor, createSandbox } = require('../../dist/native');
const { writeTree, spec: specOf, req, dataDir } = require('../fixtures/runtime/util');

function processExecutor(t, options = {}) {
  const ex = createProcessExecutor({
    sandbox: createSandbox({ dataDir }),
    platform: { region: 'ap-test', appId: '1250000000', uin: '100000000001' },
    keepAliveMs: 60_000,
    ...options,
  });
  t.teardown(() => ex.close());
  return {
    ex,
    /** Deploys `files` as a new version (runtime Python3.9 unless `over.runtime`) and invokes it with `event`. */
    deploy(files, over = {}) {
      const spec = ex.prepare(specOf(writeTree(files), { runtime: 'Python3.9', type: 'Event', initTimeoutMs: 5000, ...over }));
      return { spec, invoke: (event = {}, signal) => ex.invoke(req(spec, event), signal) };
    },
  };
}

module.exports = { processExecutor };
