'use strict';
// Async execution mode (spec §8: such a function "answers every call at once
// with a RequestId"): a synchronous Invoke or InvokeFunction of an
// AsyncRunEnable function does not wait for a 3-second handler: it answers a
// RequestId at once, and the call runs as an async event with the event it
// was given (status FINISHED, its log). What an async event cannot carry is
// refused, not dropped: a RoutingKey, an event over 128 KB. A function
// without the mode still answers its result synchronously. Through the SDK.
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { until } = require('./helpers/wait');
const { isola } = require('./helpers/cli');

const SLOW = `exports.main_handler = async (event) => {
  await new Promise((r) => setTimeout(r, 3000));
  return { echoed: event.n };
};`;

t.test('a synchronous call of an AsyncRunEnable function is queued and answered at once', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'task', { 'index.js': SLOW }, { Timeout: 10, AsyncRunEnable: 'TRUE' });
  await createFunction(client, 'plain', { 'index.js': SLOW }, { Timeout: 10 });

  const started = Date.now();
  const invoked = await client.Invoke({ FunctionName: 'task', ClientContext: '{"n":1}', LogType: 'Tail' });
  const viaInvokeFunction = await client.InvokeFunction({ FunctionName: 'task', Event: '{"n":2}' });
  const answeredMs = Date.now() - started;
  t.ok(answeredMs < 2500, `both answered in ${answeredMs} ms, before one 3 s run could end`);
  for (const { Result } of [invoked, viaInvokeFunction]) {
    t.match(Result, { FunctionRequestId: /^[0-9a-f-]{36}$/, RetMsg: '', ErrMsg: '', Log: '', InvokeResult: 0, Duration: 0 }, 'a RequestId and empty fields, as an Event invocation');
  }

  for (const [{ Result }, n] of [[invoked, 1], [viaInvokeFunction, 2]]) {
    const id = Result.FunctionRequestId;
    const status = await until(`event ${n} FINISHED`, async () => {
      const { Result: s } = await client.GetAsyncEventStatus({ InvokeRequestId: id });
      return s.Status === 'FINISHED' && s;
    }, 60_000);
    t.match(status, { Status: 'FINISHED', StatusCode: 200 });
    const [run] = (await client.GetFunctionLogs({ FunctionName: 'task', FunctionRequestId: id })).Data;
    t.equal(run.RetMsg, JSON.stringify({ echoed: n }), `the run got the event of call ${n}`);
  }
  const listed = await client.ListAsyncEvents({ FunctionName: 'task' });
  t.equal(listed.TotalCount, 2, 'both calls are listed as async events');

  const cli = await isola(server, ['invoke', 'task', '--event', '{"n":4}']);
  t.equal(cli.code, 0, cli.stderr);
  t.match(cli.stdout.trim(), /^[0-9a-f-]{36}$/, '`isola invoke` prints the RequestId of the queued call');
  t.match(cli.stderr, /runs in async execution mode: the call was queued/, 'and says it was queued');

  await expectApiError(
    t,
    client.Invoke({ FunctionName: 'task', ClientContext: '{}', RoutingKey: '{"k":"v"}' }),
    'InvalidParameterValue.RoutingKey',
    'a RoutingKey cannot ride on a queued call: refused',
  );
  await expectApiError(
    t,
    client.Invoke({ FunctionName: 'task', ClientContext: JSON.stringify({ pad: 'x'.repeat(130 * 1024) }) }),
    'InvalidParameter.RequestTooLarge',
    'the async event limit (128 KB) applies',
  );
  await expectApiError(t, client.Invoke({ FunctionName: 'task', Namespace: 'nowhere', ClientContext: '{}' }), 'ResourceNotFound.Namespace', 'a missing namespace is named');

  const plain = await client.Invoke({ FunctionName: 'plain', ClientContext: '{"n":3}' });
  t.match(plain.Result, { InvokeResult: 0, RetMsg: JSON.stringify({ echoed: 3 }) }, 'without the mode a call still waits for its result');
});
