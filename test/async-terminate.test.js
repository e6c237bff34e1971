'use strict';
// TerminateAsyncEvent through the SDK: a running async event is stopped at
// once (status ABORTED, its run logged as 499, and it does not finish
// later); a queued one is removed before it runs; an ended one answers
// FailedOperation.AsyncEventStatus (graceful: async-terminate-graceful.test.js).
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { until } = require('./helpers/wait');

t.test('terminate a running and a queued async event', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'long', {
    'index.js': 'exports.main_handler = async () => { await new Promise((r) => setTimeout(r, 4000)); return "finished"; };',
  }, { Timeout: 10 });

  const { Result } = await client.Invoke({ FunctionName: 'long', InvocationType: 'Event' });
  const id = Result.FunctionRequestId;
  await new Promise((r) => setTimeout(r, 800));
  await expectApiError(t, client.TerminateAsyncEvent({ FunctionName: 'long', InvokeRequestId: id, GraceShutdown: 'yes' }), 'InvalidParameterValue', 'GraceShutdown is a boolean');
  await client.TerminateAsyncEvent({ FunctionName: 'long', InvokeRequestId: id });
  t.match((await client.GetAsyncEventStatus({ InvokeRequestId: id })).Result, { Status: 'ABORTED' }, 'ABORTED at once');
  const logs = await until('the canceled run in the log', async () => {
    const page = await client.GetFunctionLogs({ FunctionName: 'long', FunctionRequestId: id });
    return page.Data.length > 0 && page.Data;
  });
  t.match(logs[0], { RequestId: id, StatusCode: 499 }, 'the run ended canceled');
  await new Promise((r) => setTimeout(r, 4000));
  t.equal((await client.GetAsyncEventStatus({ InvokeRequestId: id })).Result.Status, 'ABORTED', 'still ABORTED after the handler would have finished');
  t.equal((await client.GetFunctionLogs({ FunctionName: 'long', FunctionRequestId: id })).Data.length, 1, 'not run again');
  await expectApiError(t, client.TerminateAsyncEvent({ FunctionName: 'long', InvokeRequestId: id }), 'FailedOperation.AsyncEventStatus', 'an ended event cannot be terminated');

  // A queued event (the function held at reserved 0) is removed before it ever runs.
  await client.PutReservedConcurrencyConfig({ FunctionName: 'long', ReservedConcurrencyMem: 0 });
  const queued = (await client.Invoke({ FunctionName: 'long', InvocationType: 'Event' })).Result.FunctionRequestId;
  await client.TerminateAsyncEvent({ FunctionName: 'long', InvokeRequestId: queued });
  await client.DeleteReservedConcurrencyConfig({ FunctionName: 'long' });
  await new Promise((r) => setTimeout(r, 1500));
  t.equal((await client.GetAsyncEventStatus({ InvokeRequestId: queued })).Result.Status, 'ABORTED');
  const ran = (await client.GetFunctionLogs({ FunctionName: 'long', FunctionRequestId: queued })).Data;
  t.ok(ran.every((r) => r.StatusCode === 432), 'it never ran (only throttled attempts, if any)');

  await expectApiError(t, client.TerminateAsyncEvent({ FunctionName: 'long', InvokeRequestId: 'nope' }), 'ResourceNotFound.AsyncEvent');
  await expectApiError(t, client.TerminateAsyncEvent({ FunctionName: 'ghost', InvokeRequestId: id }), 'ResourceNotFound.Function');
});
