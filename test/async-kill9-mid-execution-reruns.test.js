'use strict';
// kill -9 of the server while an async event runs: its lease (timeout +
// margin) passes, the restarted server runs it again, and the log records
// that run as the second attempt (RetryNum 1).
const t = require('tap');
const { startServer, persistentServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');

t.test('an event cut by kill -9 runs again with attempt 2', async (t) => {
  const { dataDir, args } = persistentServer(t, { asyncLeaseMarginMs: 300 }, ['--isolate-hosts', '1']);

  const first = await startServer(t, { dataDir, args });
  let client = first.client();
  await createFunction(client, 'slow', {
    'index.js': 'exports.main_handler = async (e) => { await new Promise((r) => setTimeout(r, 1500)); return { slept: e.n }; };',
  }, { Timeout: 3 });
  const { Result } = await client.Invoke({ FunctionName: 'slow', InvocationType: 'Event', ClientContext: '{"n":1}' });
  const id = Result.FunctionRequestId;
  await new Promise((r) => setTimeout(r, 600));
  t.match((await client.GetRequestStatus({ FunctionName: 'slow', FunctionRequestId: id })).Data[0], { RetCode: 1, RetryNum: 0 }, 'running its first attempt');
  await first.kill9();

  const second = await startServer(t, { dataDir, args });
  client = second.client();
  const deadline = Date.now() + 20_000;
  while ((await client.GetAsyncEventStatus({ InvokeRequestId: id })).Result.Status !== 'FINISHED') {
    if (Date.now() > deadline) throw new Error('the event did not finish after the restart');
    await new Promise((r) => setTimeout(r, 100));
  }
  const logs = await client.GetFunctionLogs({ FunctionName: 'slow', FunctionRequestId: id });
  t.equal(logs.Data.length, 1, 'one logged run: the killed one never ended');
  t.match(logs.Data[0], { RequestId: id, RetryNum: 1, StatusCode: 200, RetMsg: '{"slept":1}' }, 'the rerun is attempt 2 (RetryNum 1)');
  t.match((await client.GetRequestStatus({ FunctionName: 'slow', FunctionRequestId: id })).Data[0], { RetCode: 0, RetryNum: 1 });
});
