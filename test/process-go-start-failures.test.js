'use strict';
// A Go function that cannot start: the executable the handler names is missing (handler_missing)
// or not executable (bootstrap_missing, 445); it panics before listening (init_exit, 405, with its
// last words); it never answers Function.Ping (init_timeout, 450, at the init timeout).
const t = require('tap');
const { processExecutor } = require('./helpers/process-executor');
const { findGo, buildGoFunction } = require('./conformance/drivers/go-fixtures');

if (findGo() === null) {
  t.plan(0, 'go not found in PATH (Debian: golang-go; .ci/run installs it)');
} else {
  const binary = buildGoFunction();
  const GO = { runtime: 'Go1', handler: 'main' };

  t.test('the executable is missing → handler_missing naming it', async (t) => {
    const { deploy } = processExecutor(t);
    const o = await deploy({ fixture: 'echo-event' }, GO).invoke({});
    t.equal(o.kind, 'handler_missing');
    t.match(o.errorMessage, /^module missing: main /);
  });

  t.test('the executable is not executable → bootstrap_missing with its mode', async (t) => {
    const { deploy } = processExecutor(t);
    const o = await deploy({ main: { data: binary, mode: 0o644 }, fixture: 'echo-event' }, GO).invoke({});
    t.equal(o.kind, 'bootstrap_missing');
    t.match(o.errorMessage, /main is not executable \(mode 644\)/);
  });

  t.test('a panic before it listens → init_exit with its output', async (t) => {
    const { deploy } = processExecutor(t);
    const o = await deploy({ main: { data: binary, mode: 0o755 }, fixture: 'init-panics' }, GO).invoke({});
    t.equal(o.kind, 'init_exit');
    t.match(o.errorMessage, /exited before it was ready/);
    t.ok(o.logs.some((l) => l.message === 'before'), 'its output is the call\'s log');
    t.ok(o.logs.some((l) => /panic: bad init/.test(l.message)), 'the panic is in the log');
  });

  t.test('no Function.Ping answer → init_timeout at the init timeout, process killed', async (t) => {
    const { deploy, ex } = processExecutor(t);
    const t0 = Date.now();
    const o = await deploy({ main: { data: binary, mode: 0o755 }, fixture: 'init-slow' }, { ...GO, initTimeoutMs: 1000 }).invoke({});
    t.equal(o.kind, 'init_timeout');
    t.match(o.errorMessage, /did not answer Function\.Ping on \$_LAMBDA_SERVER_PORT within 1000 ms/);
    t.ok(Date.now() - t0 < 3000, `ended after ${Date.now() - t0} ms`);
    t.same(ex.stats().processes, [], 'nothing left running');
  });
}
