'use strict';
// The sample custom runtimes (samples/custom-shell: sh + curl; samples/custom-python: urllib)
// spawned plainly against a RuntimeApiServer: ready, a round trip, the error path, and a
// second event on the same process (the bootstrap loops).
const t = require('tap');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startApi } = require('./helpers/runtime-api');

const SAMPLES = path.join(__dirname, '..', 'samples');

async function runSample(t, name, handler) {
  const { api, host, port } = await startApi(t);
  const dir = path.join(SAMPLES, name);
  const child = spawn(path.join(dir, 'scf_bootstrap'), [], {
    cwd: dir,
    // No __pycache__ written into the sample's directory.
    env: { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', SCF_RUNTIME_API: host, SCF_RUNTIME_API_PORT: String(port), _HANDLER: handler },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: the teardown kills curl with the shell
  });
  let output = '';
  child.stdout.on('data', (c) => { output += c; });
  child.stderr.on('data', (c) => { output += c; });
  t.teardown(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } });
  const exited = new Promise((resolve) => child.once('exit', () => resolve('exited')));
  const ready = await Promise.race([api.ready.then(() => 'ready'), exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000).unref())]);
  t.equal(ready, 'ready', `${name} says ready (output: ${output})`);
  return { api, output: () => output };
}

const invoke = (api, requestId, event) => api.invoke({ requestId, event: JSON.stringify(event), memoryMb: 128, timeoutMs: 3000 });

t.test('custom-shell: sh + curl', async (t) => {
  const { api, output } = await runSample(t, 'custom-shell', '');
  const ok = await invoke(api, 'req-sh-1', { hello: 'world' });
  t.equal(ok.kind, 'response');
  t.same(JSON.parse(ok.body), { requestId: 'req-sh-1', event: { hello: 'world' } });
  const failed = await invoke(api, 'req-sh-2', { fail: true });
  t.equal(failed.kind, 'error');
  t.match(failed.body, /asked to fail/);
  const again = await invoke(api, 'req-sh-3', [1, 2]);
  t.same(JSON.parse(again.body), { requestId: 'req-sh-3', event: [1, 2] }, 'the loop serves the next event');
  t.notMatch(output(), /curl:/, 'no curl errors');
});

t.test('custom-python: urllib', async (t) => {
  const { api, output } = await runSample(t, 'custom-python', 'index.main_handler');
  const ok = await invoke(api, 'req-py-1', { hello: 'world' });
  t.equal(ok.kind, 'response');
  t.same(JSON.parse(ok.body), { requestId: 'req-py-1', event: { hello: 'world' }, tmp: true });
  const failed = await invoke(api, 'req-py-2', { fail: 'bad input' });
  t.equal(failed.kind, 'error');
  t.match(JSON.parse(failed.body), { errorType: 'ValueError', errorMessage: 'bad input', stackTrace: /Traceback/ });
  const again = await invoke(api, 'req-py-3', 'plain');
  t.same(JSON.parse(again.body).event, 'plain', 'the loop serves the next event');
  t.match(output(), /handling req-py-1/, 'print goes to stdout');
});
