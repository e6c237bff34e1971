'use strict';
// Async execution mode (AsyncRunEnable, fixed at creation): a 5-second task
// of a function whose timeout is 1 s completes when run as an async event
// (the mode's limit is 24 h) — a synchronous Invoke of it too, which is
// queued and answered at once (spec §8); a failed event in this mode is not retried;
// the mode cannot be changed after creation. Through the official SDK.
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { until } = require('./helpers/wait');

const LONG = `exports.main_handler = async (event) => {
  await new Promise((r) => setTimeout(r, 5000));
  if (event.fail) throw new Error('failed after 5 s');
  return 'done after 5 s';
};`;

t.test('a 5 s task with a 1 s timeout completes in async mode', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'long', { 'index.js': LONG }, { Timeout: 1, AsyncRunEnable: 'TRUE' });
  t.equal((await client.GetFunction({ FunctionName: 'long' })).AsyncRunEnable, 'TRUE');

  const ok = (await client.Invoke({ FunctionName: 'long', InvocationType: 'Event', ClientContext: '{}' })).Result.FunctionRequestId;
  const bad = (await client.Invoke({ FunctionName: 'long', InvocationType: 'Event', ClientContext: '{"fail":true}' })).Result.FunctionRequestId;
  const sync = (await client.Invoke({ FunctionName: 'long', ClientContext: '{}' })).Result.FunctionRequestId;

  const finished = await until('FINISHED', async () => {
    const { Result } = await client.GetAsyncEventStatus({ InvokeRequestId: ok });
    return Result.Status === 'FINISHED' && Result;
  }, 20_000);
  t.match(finished, { Status: 'FINISHED', StatusCode: 200 });
  const [run] = (await client.GetFunctionLogs({ FunctionName: 'long', FunctionRequestId: ok })).Data;
  t.match(run, { StatusCode: 200, RetMsg: '"done after 5 s"' }, 'ran to its end');
  t.ok(run.Duration >= 4900, `ran ${run.Duration} ms, past the 1 s timeout`);
  const queuedSync = await until('the synchronous call FINISHED', async () => {
    const { Result } = await client.GetAsyncEventStatus({ InvokeRequestId: sync });
    return Result.Status === 'FINISHED' && Result;
  }, 20_000);
  t.match(queuedSync, { Status: 'FINISHED', StatusCode: 200 }, 'a synchronous call ran as an async event, past the 1 s timeout');

  const failed = await until('FAILED', async () => {
    const { Result } = await client.GetAsyncEventStatus({ InvokeRequestId: bad });
    return Result.Status === 'FAILED' && Result;
  }, 20_000);
  t.match(failed, { StatusCode: 430 });
  await new Promise((r) => setTimeout(r, 2500));
  const runs = (await client.GetFunctionLogs({ FunctionName: 'long', FunctionRequestId: bad })).Data;
  t.equal(runs.length, 1, 'no automatic retry in async execution mode');

  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'long', AsyncRunEnable: 'FALSE' }), 'UnsupportedOperation.AsyncRunEnable', 'fixed at creation');
  await client.UpdateFunctionConfiguration({ FunctionName: 'long', AsyncRunEnable: 'TRUE', Description: 'same mode' });
  t.pass('sending the mode it has is accepted');
});
