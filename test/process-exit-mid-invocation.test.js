'use strict';
// A function's process that exits while it runs an invocation ends it as process_exit (439); the
// next call starts a new instance.
const t = require('tap');
const { processExecutor } = require('./helpers/process-executor');
const { createSandbox } = require('../dist/native');
const { dataDir } = require('./fixtures/runtime/util');

for (const [runtime, files] of [
  ['Python3.9', { 'index.py': "import os\ndef main_handler(event, context):\n    print('bye')\n    if event.get('exit'):\n        os._exit(3)\n    return os.getpid()\n" }],
  ['Nodejs16.13', { 'index.js': "exports.main_handler = (event) => { console.log('bye'); if (event.exit) process.exit(3); return process.pid; };" }],
]) {
  t.test(`${runtime}: exit mid-invocation → process_exit, then a new instance`, async (t) => {
    // Unconfined: under tap, Node's process.exit runs tap's processinfo exit hook (injected into
    // every child through NODE_OPTIONS), which writes .tap/ under the cwd — the read-only code tree
    // when confined — and throws, so the exit would never happen. Not a concern outside tap.
    const { deploy } = processExecutor(t, { sandbox: createSandbox({ dataDir, enabled: false }) });
    const fn = deploy(files, { runtime, timeoutMs: 5000 });
    const warm = await fn.invoke({});
    t.equal(warm.kind, 'ok', warm.errorMessage);
    const o = await fn.invoke({ exit: true });
    t.equal(o.kind, 'process_exit');
    t.match(o.errorMessage, /exited \(code 3\)/);
    t.equal(o.instanceId, warm.instanceId);
    const next = await fn.invoke({});
    t.equal(next.kind, 'ok');
    t.not(next.result, warm.result, 'another process');
    t.ok(next.coldStart, 'a cold start');
  });
}
