'use strict';
// A function's process that exits while it runs an invocation ends it as process_exit (439); the
// next call starts a new instance.
const t = require('tap');
const { processExecutor } = require('./helpers/process-executor');

for (const [runtime, files] of [
  ['Python3.9', { 'index.py': "import os\ndef main_handler(event, context):\n    print('bye')\n    if event.get('exit'):\n        os._exit(3)\n    return os.getpid()\n" }],
  ['Nodejs16.13', { 'index.js': "exports.main_handler = (event) => { console.log('bye'); if (event.exit) process.exit(3); return process.pid; };" }],
]) {
  t.test(`${runtime}: exit mid-invocation → process_exit, then a new instance`, async (t) => {
    const { deploy } = processExecutor(t);
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
