'use strict';
// Async invocation through the official SDK against a real server (issue 14):
// Invoke with InvocationType Event answers a RequestId, the event runs, its
// status is readable (GetAsyncEventStatus, ListAsyncEvents, GetRequestStatus);
// the retry policy (Get/UpdateFunctionEventInvokeConfig); bad input gets the
// spec's error codes; a full queue refuses with LimitExceeded.Quota.
const t = require('tap');
const { startServer, expectApiError, persistentServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { until } = require('./helpers/wait');

t.test('fire-and-forget, statuses, retry policy and errors through the SDK', async (t) => {
  const server = await startServer(t, persistentServer(t, { asyncQueueMaxEvents: 3 }));
  const client = server.client();
  await createFunction(client, 'worker', { 'index.js': 'exports.main_handler = async (e) => { console.log("working on", e.job); return { job: e.job }; };' });

  const { Result } = await client.Invoke({ FunctionName: 'worker', InvocationType: 'Event', ClientContext: '{"job":"a"}' });
  t.match(Result, { RetMsg: '', ErrMsg: '', Log: '', InvokeResult: 0 }, 'async Result carries only the RequestId');
  const id = Result.FunctionRequestId;
  t.match(id, /^[0-9a-f-]{36}$/);
  await until('FINISHED', async () => (await client.GetAsyncEventStatus({ InvokeRequestId: id })).Result.Status === 'FINISHED');
  t.same((await client.GetAsyncEventStatus({ InvokeRequestId: id })).Result, { Status: 'FINISHED', StatusCode: 200, InvokeRequestId: id });
  const status = await client.GetRequestStatus({ FunctionName: 'worker', FunctionRequestId: id });
  t.match(status.Data[0], { RequestId: id, RetCode: 0, RetMsg: '{"job":"a"}', RetryNum: 0 }, 'GetRequestStatus sees the async run');

  const more = [];
  for (const job of ['b', 'c']) more.push((await client.Invoke({ FunctionName: 'worker', InvocationType: 'Event', ClientContext: JSON.stringify({ job }) })).Result.FunctionRequestId);
  await until('all FINISHED', async () => (await client.ListAsyncEvents({ FunctionName: 'worker', Status: ['FINISHED'] })).TotalCount === 3);
  const list = await client.ListAsyncEvents({ FunctionName: 'worker', Order: 'ASC', Limit: 2 });
  t.equal(list.TotalCount, 3);
  t.same(list.EventList.map((e) => e.InvokeRequestId), [id, more[0]], 'oldest first, paged');
  t.match(list.EventList[0], { InvokeType: 'Event', Qualifier: '$LATEST', Status: 'FINISHED', StartTime: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/, EndTime: /\.\d{6}$/ });
  t.equal((await client.ListAsyncEvents({ FunctionName: 'worker', InvokeRequestId: more[1] })).EventList[0].InvokeRequestId, more[1]);
  t.equal((await client.ListAsyncEvents({ FunctionName: 'worker', Status: ['FAILED'] })).TotalCount, 0);
  t.equal((await client.ListAsyncEvents({ FunctionName: 'worker', Offset: 2 })).EventList[0].InvokeRequestId, id, 'DESC by default');

  // Retry policy.
  t.same((await client.GetFunctionEventInvokeConfig({ FunctionName: 'worker' })).AsyncTriggerConfig, { RetryConfig: [{ RetryNum: 2 }], MsgTTL: 21600 }, 'defaults');
  await client.UpdateFunctionEventInvokeConfig({ FunctionName: 'worker', AsyncTriggerConfig: { RetryConfig: [{ RetryNum: 5 }], MsgTTL: 600 } });
  t.same((await client.GetFunctionEventInvokeConfig({ FunctionName: 'worker' })).AsyncTriggerConfig, { RetryConfig: [{ RetryNum: 5 }], MsgTTL: 600 });
  await expectApiError(t, client.UpdateFunctionEventInvokeConfig({ FunctionName: 'worker', AsyncTriggerConfig: { RetryConfig: [{ RetryNum: 11 }] } }), 'LimitExceeded.RetryNum');
  await expectApiError(t, client.UpdateFunctionEventInvokeConfig({ FunctionName: 'worker', AsyncTriggerConfig: { MsgTTL: 30 } }), 'LimitExceeded.MsgTTL');
  await expectApiError(t, client.UpdateFunctionEventInvokeConfig({ FunctionName: 'worker', AsyncTriggerConfig: { RetryConfig: 'x' } }), 'InvalidParameterValue.AsyncTriggerConfig');
  await expectApiError(t, client.UpdateFunctionEventInvokeConfig({ FunctionName: 'worker' }), 'MissingParameter');
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'worker', DeadLetterConfig: { Type: 'CMQ-QUEUE', Name: 'q1' } }), 'InvalidParameterValue.DeadLetterConfig', 'CMQ is refused, not ignored');

  // Bad input.
  await expectApiError(t, client.Invoke({ FunctionName: 'worker', InvocationType: 'Event', ClientContext: JSON.stringify({ s: 'x'.repeat(128 * 1024) }) }), 'InvalidParameter.RequestTooLarge', 'over 128 KB');
  await expectApiError(t, client.Invoke({ FunctionName: 'worker', InvocationType: 'Event', ClientContext: '{nope' }), 'InvalidParameterValue.Param');
  await expectApiError(t, client.Invoke({ FunctionName: 'ghost', InvocationType: 'Event' }), 'ResourceNotFound.Function');
  await expectApiError(t, client.Invoke({ FunctionName: 'worker', InvocationType: 'Later' }), 'InvalidParameterValue.InvocationType');
  await expectApiError(t, client.GetAsyncEventStatus({ InvokeRequestId: 'no-such-id' }), 'ResourceNotFound.AsyncEvent');
  await expectApiError(t, client.ListAsyncEvents({ FunctionName: 'worker', Status: ['DONE'] }), 'InvalidParameterValue');

  // A function held at reserved 0: events wait (RUNNING, GetRequestStatus RetCode 1); the 4th is over the cap of 3.
  await createFunction(client, 'held', { 'index.js': 'exports.main_handler = async () => 1;' });
  await client.PutReservedConcurrencyConfig({ FunctionName: 'held', ReservedConcurrencyMem: 0 });
  const held = [];
  for (let i = 0; i < 3; i++) held.push((await client.Invoke({ FunctionName: 'held', InvocationType: 'Event' })).Result.FunctionRequestId);
  await expectApiError(t, client.Invoke({ FunctionName: 'held', InvocationType: 'Event' }), 'LimitExceeded.Quota', 'over the per-function cap');
  t.equal((await client.GetAsyncEventStatus({ InvokeRequestId: held[0] })).Result.Status, 'RUNNING');
  t.match((await client.GetRequestStatus({ FunctionName: 'held', FunctionRequestId: held[0] })).Data[0], { RequestId: held[0], RetCode: 1 }, 'queued = running');
  await client.DeleteReservedConcurrencyConfig({ FunctionName: 'held' });
  await until('held drained', async () => (await client.ListAsyncEvents({ FunctionName: 'held', Status: ['FINISHED'] })).TotalCount === 3, 20_000);
  t.pass('the held queue drained after the reservation was removed');
});
