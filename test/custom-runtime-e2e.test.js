'use strict';
// Custom runtime event functions end to end: both samples deployed with the CLI (`isola deploy
// samples/… --runtime CustomRuntime`: scf_bootstrap keeps its executable bit through the zip and
// the server's unpack), invoked through the official SDK — results, the error path (430 with the
// posted body as the message), a response that is not JSON (returned as a JSON string), logs with
// the RequestId and the Init Report (the bootstrap's init output in the first call), warm reuse;
// GetFunction names the runtime; a bootstrap that is not executable is 445.
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');
const { startServer } = require('./helpers/server');
const { isola } = require('./helpers/cli');
const { createFunction, invoke } = require('./helpers/functions');
const { BOOTSTRAP } = require('./helpers/custom-runtime');

const SAMPLES = path.join(__dirname, '..', 'samples');

t.test('custom runtime functions through the CLI and the SDK', async (t) => {
  const server = await startServer(t);
  const client = server.client();

  for (const sample of ['custom-shell', 'custom-python']) {
    await t.test(sample, async (t) => {
      const dep = await isola(server, ['deploy', path.join(SAMPLES, sample), '--name', sample, '--runtime', 'CustomRuntime']);
      t.equal(dep.code, 0, dep.stderr);
      t.match(dep.stdout, /CustomRuntime Event/);
      t.match((await client.GetFunction({ FunctionName: sample })).StatusDesc, /scf_bootstrap/);

      const first = await invoke(client, sample, { hello: 'world' });
      t.equal(first.InvokeResult, 0, first.ErrMsg);
      t.match(JSON.parse(first.RetMsg), { requestId: first.FunctionRequestId, event: { hello: 'world' } });
      const lines = first.Log.trimEnd().split('\n');
      t.equal(lines[0], `START RequestId: ${first.FunctionRequestId}`);
      t.match(lines[1], /^Init Report RequestId: \S+ Coldstart:[\d.]+ms PullCode:[\d.]+ms InitRuntime:[\d.]+ms InitFunction:[\d.]+ms$/);
      // (custom-shell's handler writes its stderr to a file it posts on failure: nothing to log on success.)
      if (sample === 'custom-python') t.match(first.Log, new RegExp(`\\t${first.FunctionRequestId}\\t\\w+\\thandling ${first.FunctionRequestId}`), 'the bootstrap\'s output is the request\'s log');
      t.match(lines.at(-1), /StatusCode:200$/);

      const second = await invoke(client, sample, { n: 2 });
      t.equal(second.InvokeResult, 0, second.ErrMsg);
      t.notMatch(second.Log, /Init Report/, 'warm');

      const failed = await invoke(client, sample, { fail: 'on purpose' });
      t.equal(failed.InvokeResult, 430);
      t.match(failed.Log, sample === 'custom-shell' ? /asked to fail/ : /on purpose/, 'the posted error is in the log');
    });
  }

  await t.test('error body and a response that is not JSON', async (t) => {
    await createFunction(client, 'fixture', [{ name: 'scf_bootstrap', data: BOOTSTRAP, mode: 0o755 }], { Runtime: 'CustomRuntime', Handler: 'my.handler' });
    const echo = await invoke(client, 'fixture', { a: 1 });
    t.equal(echo.InvokeResult, 0, echo.ErrMsg);
    t.match(JSON.parse(echo.RetMsg), { event: { a: 1 }, handler: 'my.handler' }, '_HANDLER is the handler string');
    t.match(echo.Log, /\tinit output/, 'output during init joins the first call');

    const err = await invoke(client, 'fixture', { error: 'custom failure text' });
    t.equal(err.InvokeResult, 430);
    t.match(JSON.parse(err.ErrMsg), { errorMessage: 'UserCodeException', statusCode: 430 }, 'the envelope as for the built-in runtimes');
    t.match(err.Log, /custom failure text/, 'the posted body is the error message, in the log');

    const raw = await invoke(client, 'fixture', { raw: 'plain text, not JSON' });
    t.equal(raw.InvokeResult, 0, raw.ErrMsg);
    t.equal(JSON.parse(raw.RetMsg), 'plain text, not JSON', 'returned as a JSON string');
    const json = await invoke(client, 'fixture', { raw: '[1, 2]' });
    t.same(JSON.parse(json.RetMsg), [1, 2], 'JSON text is the result as it is');
  });

  await t.test('scf_bootstrap not executable → 445; missing → CreateFunction refuses the package', async (t) => {
    await createFunction(client, 'noexec', [{ name: 'scf_bootstrap', data: BOOTSTRAP, mode: 0o644 }], { Runtime: 'CustomRuntime' });
    const r = await invoke(client, 'noexec');
    t.equal(r.InvokeResult, 445);
    t.match(r.Log, /scf_bootstrap is not executable/);
    await t.rejects(createFunction(client, 'nobootstrap', { 'index.py': 'x = 1\n' }, { Runtime: 'CustomRuntime' }), { message: /scf_bootstrap must be at the root/ });
  });
});
