'use strict';
// TerminateAsyncEvent with GraceShutdown through the SDK: the running code
// is signalled first — an isolate handler through `context.signal`'s
// `abort` event, a Python process by SIGTERM — and `[PLATFORM] Signal
// received successfully` is in its log; code that stops ends as it
// returns; code that ignores the signal is killed after the grace period
// and logged 439; a process without a SIGTERM handler exits (439). Every
// terminated event is ABORTED, and is not run again.
const t = require('tap');
const { startServer, persistentServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { until } = require('./helpers/wait');

const LISTENS = `exports.main_handler = async (event, context) => new Promise((resolve) => {
  const timer = setTimeout(() => resolve('ran to the end'), 20000);
  context.signal.addEventListener('abort', () => {
    clearTimeout(timer);
    console.log('cleaning up: ' + context.signal.reason.name);
    resolve('stopped cleanly');
  });
});`;
const IGNORES = `exports.main_handler = async () => { await new Promise((r) => setTimeout(r, 20000)); return 'ran to the end'; };`;
// The SIGTERM handler is installed at import, so a signal that comes as the run starts is caught too.
const PY_HANDLES = `import signal, time
stopped = []
signal.signal(signal.SIGTERM, lambda s, f: stopped.append(s))
def main_handler(event, context):
    for _ in range(400):
        if stopped:
            print("cleaning up after SIGTERM")
            return "stopped cleanly"
        time.sleep(0.05)
    return "ran to the end"
`;
const PY_DEFAULT = `import time
def main_handler(event, context):
    time.sleep(20)
    return "ran to the end"
`;

t.test('graceful terminate of isolates and processes', async (t) => {
  const server = await startServer(t, persistentServer(t, { asyncGraceShutdownMs: 1500 }));
  const client = server.client();
  const opts = { Timeout: 30 };
  await createFunction(client, 'listens', { 'index.js': LISTENS }, opts);
  await createFunction(client, 'ignores', { 'index.js': IGNORES }, opts);
  await createFunction(client, 'pyhandles', { 'index.py': PY_HANDLES }, { ...opts, Runtime: 'Python3.9' });
  await createFunction(client, 'pydefault', { 'index.py': PY_DEFAULT }, { ...opts, Runtime: 'Python3.9' });

  const runLog = async (fn, id) => until(`the log of ${fn}`, async () => {
    const page = await client.GetFunctionLogs({ FunctionName: fn, FunctionRequestId: id });
    return page.Data.length > 0 && page.Data;
  }, 20_000);
  /** Queues an event, waits until it is running (its cold start done), terminates it gracefully. */
  const startAndStop = async (fn) => {
    const id = (await client.Invoke({ FunctionName: fn, InvocationType: 'Event' })).Result.FunctionRequestId;
    await new Promise((r) => setTimeout(r, fn.startsWith('py') ? 2500 : 1000));
    await client.TerminateAsyncEvent({ FunctionName: fn, InvokeRequestId: id, GraceShutdown: true });
    t.equal((await client.GetAsyncEventStatus({ InvokeRequestId: id })).Result.Status, 'ABORTED', `${fn}: ABORTED at once`);
    return id;
  };

  const ids = {};
  for (const fn of ['listens', 'ignores', 'pyhandles', 'pydefault']) ids[fn] = await startAndStop(fn);

  const [listens] = await runLog('listens', ids.listens);
  t.match(listens, { StatusCode: 200, RetMsg: '"stopped cleanly"' }, 'the isolate handler heard context.signal and returned');
  t.match(listens.Log, /\[PLATFORM\] Signal received successfully/);
  t.match(listens.Log, /cleaning up: AbortError/);

  const [ignores] = await runLog('ignores', ids.ignores);
  t.match(ignores, { StatusCode: 439 }, 'ignored the signal: killed after the grace period, 439');
  t.match(ignores.Log, /\[PLATFORM\] Signal received successfully/);
  t.ok(ignores.Duration >= 1400 && ignores.Duration < 10_000, `killed after the grace period (${ignores.Duration} ms)`);

  const [pyhandles] = await runLog('pyhandles', ids.pyhandles);
  t.match(pyhandles, { StatusCode: 200, RetMsg: '"stopped cleanly"' }, 'the Python handler caught SIGTERM and returned');
  t.match(pyhandles.Log, /\[PLATFORM\] Signal received successfully/);
  t.match(pyhandles.Log, /cleaning up after SIGTERM/);

  const [pydefault] = await runLog('pydefault', ids.pydefault);
  t.match(pydefault, { StatusCode: 439 }, 'a process without a handler exits on SIGTERM: 439');
  t.match(pydefault.Log, /\[PLATFORM\] Signal received successfully/);

  await new Promise((r) => setTimeout(r, 1000));
  for (const [fn, id] of Object.entries(ids)) {
    t.equal((await client.GetAsyncEventStatus({ InvokeRequestId: id })).Result.Status, 'ABORTED', `${fn}: still ABORTED`);
    t.equal((await client.GetFunctionLogs({ FunctionName: fn, FunctionRequestId: id })).Data.length, 1, `${fn}: not run again`);
  }
});
