'use strict';
// The Go custom-runtime package (native/go) through its sample (samples/custom-go), built here
// with Debian's golang-go as the package's scf_bootstrap: results, the function's error, its log
// lines, and warm reuse over the one kept-alive connection.
const t = require('tap');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { processExecutor } = require('./helpers/process-executor');
const { findGo } = require('./conformance/drivers/go-fixtures');

const go = findGo();
if (go === null) {
  t.plan(0, 'go not found in PATH (Debian: golang-go; .ci/run installs it)');
} else {
  t.test('the sample answers, fails with its error, logs, and stays warm', async (t) => {
    const out = path.join(t.testdir(), 'scf_bootstrap');
    execFileSync(go, ['build', '-o', out, '.'], {
      cwd: path.join(__dirname, '..', 'samples', 'custom-go'),
      env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOPROXY: 'off' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const { deploy } = processExecutor(t);
    const fn = deploy({ scf_bootstrap: { data: fs.readFileSync(out), mode: 0o755 } }, { runtime: 'CustomRuntime', memoryMb: 256 });

    const a = await fn.invoke({ name: 'isola' });
    t.equal(a.kind, 'ok', a.errorMessage);
    t.same(JSON.parse(a.result), { message: 'Hello, isola!', requestId: a.logs[0]?.requestId, memoryMb: 256 });
    t.same(a.logs.map((l) => l.message), ['custom-go: starting', `greeting isola (request ${a.logs[0]?.requestId})`], 'init output joins the first call');

    const b = await fn.invoke({});
    t.equal(b.kind, 'user_error');
    t.equal(b.errorMessage, 'name is required');
    t.equal(b.instanceId, a.instanceId, 'the same warm instance');

    const c = await fn.invoke({ name: 'again' });
    t.equal(JSON.parse(c.result).message, 'Hello, again!');
    t.notOk(c.coldStart, 'no cold start');
  });
}
