'use strict';
// Timer triggers through the official SDK: CreateTrigger Type timer with a
// cron TriggerDesc and CustomArgument; listed beside HTTP triggers and in
// GetFunction; updated, disabled, deleted; bad input refused with precise
// codes (bad cron, message too long, web function, duplicate name); the
// trigger fires on the real clock into the async queue (InvokeType Timer).
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { until } = require('./helpers/wait');

t.test('timer triggers over the control API', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'job', { 'index.js': 'exports.main_handler = async (event) => event;' });
  await createFunction(client, 'site', { 'index.mjs': 'export default { fetch() { return new Response("x") } }' }, { Type: 'HTTP', Handler: 'index.fetch' });

  const { TriggerInfo } = await client.CreateTrigger({ FunctionName: 'job', TriggerName: 'every-second', Type: 'timer', TriggerDesc: '* * * * * * *', CustomArgument: '{"k":1}' });
  t.match(TriggerInfo, { TriggerName: 'every-second', Type: 'timer', TriggerDesc: '* * * * * * *', CustomArgument: '{"k":1}', Enable: 1, Qualifier: '$LATEST' });

  const fired = await until('a timer firing ran', async () => {
    const { EventList } = await client.ListAsyncEvents({ FunctionName: 'job', InvokeType: ['Timer'], Status: ['FINISHED'] });
    return EventList.length > 0 && EventList;
  }, 10_000);
  const logs = await until('its log', async () => {
    const page = await client.GetFunctionLogs({ FunctionName: 'job', FunctionRequestId: fired[0].InvokeRequestId });
    return page.Data.length > 0 && page.Data;
  });
  const event = JSON.parse(logs[0].RetMsg);
  t.match(event, { Type: 'Timer', TriggerName: 'every-second', Message: '{"k":1}', Time: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/ }, 'the spec\'s timer event');

  await client.UpdateTriggerStatus({ FunctionName: 'job', TriggerName: 'every-second', Type: 'timer', Enable: 'CLOSE' });
  const { Triggers } = await client.ListTriggers({ FunctionName: 'job' });
  t.match(Triggers, [{ TriggerName: 'every-second', Type: 'timer', Enable: 0 }]);
  await client.UpdateTrigger({ FunctionName: 'job', TriggerName: 'every-second', Type: 'timer', TriggerDesc: '0 0 3 * * * *', CustomArgument: 'nightly' });
  const fn = await client.GetFunction({ FunctionName: 'job' });
  t.match(fn.Triggers, [{ TriggerName: 'every-second', Type: 'timer', TriggerDesc: '0 0 3 * * * *', CustomArgument: 'nightly', Enable: 0 }]);

  await expectApiError(t, client.CreateTrigger({ FunctionName: 'job', TriggerName: 'bad', Type: 'timer', TriggerDesc: '0 0 25 * * * *' }), 'InvalidParameterValue.TriggerDesc');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'job', TriggerName: 'bad', Type: 'timer', TriggerDesc: '0 0 * * *  * * *' }), 'InvalidParameterValue.TriggerDesc');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'job', TriggerName: 'bad', Type: 'timer', TriggerDesc: '* * * * * * *', CustomArgument: 'x'.repeat(4097) }), 'InvalidParameterValue.CustomArgument');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'site', TriggerName: 'bad', Type: 'timer', TriggerDesc: '* * * * * * *' }), 'InvalidParameterValue.FunctionType');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'job', TriggerName: 'every-second', Type: 'timer', TriggerDesc: '* * * * * * *' }), 'ResourceInUse.TriggerName');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'job', TriggerName: 'bad', Type: 'timer', TriggerDesc: '* * * * * * *', Qualifier: 'nope' }), 'ResourceNotFound.Qualifier');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'job', TriggerName: 'x', Type: 'cos', TriggerDesc: '{}' }), 'UnsupportedOperation.Trigger');
  await expectApiError(t, client.UpdateTriggerStatus({ FunctionName: 'job', TriggerName: 'nope', Type: 'timer', Enable: 'OPEN' }), 'ResourceNotFound.Trigger');

  await client.DeleteTrigger({ FunctionName: 'job', TriggerName: 'every-second', Type: 'timer' });
  t.equal((await client.ListTriggers({ FunctionName: 'job' })).TotalCount, 0);
});
