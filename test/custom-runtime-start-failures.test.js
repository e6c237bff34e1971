'use strict';
// A custom runtime that cannot start: scf_bootstrap missing or not executable → bootstrap_missing
// (445) before anything runs; the bootstrap exits before POST /runtime/init/ready → init_exit (405)
// with its last words and its output as the call's log; it never says ready → init_timeout (450)
// at the function's init timeout, the process killed.
const t = require('tap');
const { deployCustom } = require('./helpers/custom-runtime');

t.test('no scf_bootstrap → bootstrap_missing', async (t) => {
  const { fn, ex } = deployCustom(t, { files: { 'index.py': 'x = 1\n' } });
  const o = await fn.invoke({});
  t.equal(o.kind, 'bootstrap_missing');
  t.match(o.errorMessage, /scf_bootstrap is missing/);
  t.same(ex.stats().processes, [], 'nothing started');
});

t.test('scf_bootstrap not executable → bootstrap_missing', async (t) => {
  const { fn } = deployCustom(t, { mode: 0o644 });
  const o = await fn.invoke({});
  t.equal(o.kind, 'bootstrap_missing');
  t.match(o.errorMessage, /scf_bootstrap is not executable \(mode 644\)/);
});

t.test('exit before ready → init_exit with its last words and output', async (t) => {
  const { fn } = deployCustom(t, { env: { INIT_MODE: 'exit' } });
  const o = await fn.invoke({});
  t.equal(o.kind, 'init_exit');
  t.match(o.errorMessage, /scf_bootstrap exited before it was ready: giving up before ready/);
  t.match(o.logs.map((l) => l.message), ['init output', 'giving up before ready']);
});

t.test('never ready → init_timeout at the init timeout, nothing left running', async (t) => {
  const { fn, ex } = deployCustom(t, { env: { INIT_MODE: 'hang' }, initTimeoutMs: 800 });
  const t0 = Date.now();
  const o = await fn.invoke({});
  t.equal(o.kind, 'init_timeout');
  t.match(o.errorMessage, /did not call POST \/runtime\/init\/ready within 800 ms/);
  t.ok(Date.now() - t0 < 2500, `ended after ${Date.now() - t0} ms`);
  t.same(ex.stats().processes, [], 'nothing left running');
});
