'use strict';
// An interpreter that dies before its bootstrap is ready ends the call as init_exit (405); one that
// never gets ready is killed at the init timeout (at least minRuntimeStartMs), init_timeout (450).
// The next call tries again.
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');
const { processExecutor } = require('./helpers/process-executor');

const PY = { 'index.py': 'def main_handler(event, context):\n    return 1\n' };

function script(t, body) {
  const dir = t.testdir();
  const file = path.join(dir, 'python3');
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

t.test('the interpreter exits before ready → init_exit, with its last words', async (t) => {
  const { deploy } = processExecutor(t, { binaries: { python: script(t, 'echo "no such runtime" >&2; exit 7') } });
  const fn = deploy(PY);
  const o = await fn.invoke({});
  t.equal(o.kind, 'init_exit');
  t.match(o.errorMessage, /exited before it was ready: no such runtime/);
  t.same(o.logs.map((l) => l.message), ['no such runtime'], 'its output is the call\'s log');
  t.equal((await fn.invoke({})).kind, 'init_exit', 'the next call starts again');
});

t.test('the interpreter never gets ready → init_timeout at the init timeout, process killed', async (t) => {
  const { deploy, ex } = processExecutor(t, { binaries: { python: script(t, 'exec sleep 30') }, minRuntimeStartMs: 0 });
  const t0 = Date.now();
  const o = await deploy(PY, { initTimeoutMs: 1000 }).invoke({});
  t.equal(o.kind, 'init_timeout');
  t.match(o.errorMessage, /did not start within 1000 ms/);
  t.ok(Date.now() - t0 < 2500, `ended after ${Date.now() - t0} ms`);
  t.same(ex.stats().processes, [], 'nothing left running');
});
