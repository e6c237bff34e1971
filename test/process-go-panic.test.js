'use strict';
// A Go function that panics: 430 with the panic's message and its stack (the cloud library's
// StackTrace frames), and the instance is replaced (ShouldExit) — the next call is a cold start
// on a fresh process. An error the handler returns is 430 too, and keeps the instance.
const t = require('tap');
const { processExecutor } = require('./helpers/process-executor');
const { findGo, buildGoFunction } = require('./conformance/drivers/go-fixtures');

if (findGo() === null) {
  t.plan(0, 'go not found in PATH (Debian: golang-go; .ci/run installs it)');
} else {
  const binary = buildGoFunction();
  /** The fixture program as a fresh function running `fixture`, and its first call's outcome. */
  const firstCall = async (t, fixture) => {
    const fn = processExecutor(t).deploy({ main: { data: binary, mode: 0o755 }, fixture }, { runtime: 'Go1', handler: 'main' });
    return { fn, a: await fn.invoke({}) };
  };

  t.test('a panic: user_error with the stack, the instance replaced', async (t) => {
    const { fn, a } = await firstCall(t, 'throws');
    t.equal(a.kind, 'user_error');
    t.equal(a.errorMessage, 'boom');
    t.match(a.errorStack, /^\*errors\.errorString: boom\n/);
    t.match(a.errorStack, /main\.inner\n\t\S*main\.go:\d+/, 'the frame that panicked, with its file and line');
    t.same(a.logs.map((l) => l.message), ['about to fail']);
    const b = await fn.invoke({});
    t.equal(b.kind, 'user_error');
    t.not(b.instanceId, a.instanceId, 'the second call ran on a new instance');
    t.ok(b.coldStart, 'after a cold start');
  });

  t.test('a returned error: user_error without a stack, the instance kept', async (t) => {
    const { fn, a } = await firstCall(t, 'returns-error');
    t.equal(a.kind, 'user_error');
    t.equal(a.errorMessage, 'boom');
    t.equal(a.errorStack, undefined);
    const b = await fn.invoke({});
    t.equal(b.instanceId, a.instanceId, 'the same instance');
    t.notOk(b.coldStart);
  });
}
