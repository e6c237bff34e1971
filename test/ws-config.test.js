'use strict';
// WebSocket configuration through the official SDK: ProtocolType WS and
// ProtocolParams.WSParams.IdleTimeOut on CreateFunction and
// UpdateFunctionConfiguration (enabling on an existing web function, never
// disabling, idle timeout 10–7200 s, execution Timeout ≥ idle timeout).
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');

const WEB_CODE = { 'index.mjs': 'export default { fetch() { return new Response("ok") } }' };
const WEB = { Type: 'HTTP', Handler: 'index.fetch' };
const EVENT_CODE = { 'index.js': 'exports.main_handler = () => 1' };

const wsOf = async (client, name) => {
  const got = await client.GetFunction({ FunctionName: name });
  return { ProtocolType: got.ProtocolType, IdleTimeOut: got.ProtocolParams?.WSParams?.IdleTimeOut, Timeout: got.Timeout };
};

t.test('WebSocket configuration on create and update', async (t) => {
  const server = await startServer(t);
  const client = server.client();

  // create with WS + idle 20
  await createFunction(client, 'ws', WEB_CODE, { ...WEB, Timeout: 60, ProtocolType: 'WS', ProtocolParams: { WSParams: { IdleTimeOut: 20 } } });
  t.same(await wsOf(client, 'ws'), { ProtocolType: 'WS', IdleTimeOut: 20, Timeout: 60 }, 'GetFunction shows WS and idle 20');

  // the idle timeout can change
  await client.UpdateFunctionConfiguration({ FunctionName: 'ws', ProtocolParams: { WSParams: { IdleTimeOut: 30 } } });
  t.same(await wsOf(client, 'ws'), { ProtocolType: 'WS', IdleTimeOut: 30, Timeout: 60 }, 'idle timeout updated to 30');

  // WS sent again is a no-op; other settings still apply
  await client.UpdateFunctionConfiguration({ FunctionName: 'ws', ProtocolType: 'WS', Description: 'still ws' });
  t.same(await wsOf(client, 'ws'), { ProtocolType: 'WS', IdleTimeOut: 30, Timeout: 60 }, 'ProtocolType WS again keeps the idle timeout');

  // cannot be disabled
  const off = await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'ws', ProtocolType: '' }), 'InvalidParameterValue.ProtocolType', 'ProtocolType "" on a WS function');
  t.match(off?.message, /cannot be disabled/, 'the error says WebSocket cannot be disabled');
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'ws', ProtocolType: 'HTTP' }), 'InvalidParameterValue.ProtocolType', 'another ProtocolType on a WS function');
  t.equal((await wsOf(client, 'ws')).ProtocolType, 'WS', 'still WS after the refused updates');

  // Timeout must stay ≥ idle timeout, also when only Timeout is lowered
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'ws', Timeout: 10 }), 'InvalidParameterValue.IdleTimeOut', 'Timeout 10 with idle 30');
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'ws', ProtocolParams: { WSParams: { IdleTimeOut: 61 } } }), 'InvalidParameterValue.IdleTimeOut', 'idle 61 above Timeout 60');
  await client.UpdateFunctionConfiguration({ FunctionName: 'ws', Timeout: 10, ProtocolParams: { WSParams: { IdleTimeOut: 10 } } });
  t.same(await wsOf(client, 'ws'), { ProtocolType: 'WS', IdleTimeOut: 10, Timeout: 10 }, 'Timeout and idle lowered together');

  // idle timeout range 10–7200
  await client.UpdateFunctionConfiguration({ FunctionName: 'ws', Timeout: 900 });
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'ws', ProtocolParams: { WSParams: { IdleTimeOut: 9 } } }), 'InvalidParameterValue.IdleTimeOut', 'idle 9');
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'ws', ProtocolParams: { WSParams: { IdleTimeOut: 7201 } } }), 'InvalidParameterValue.IdleTimeOut', 'idle 7201');
  await expectApiError(
    t,
    createFunction(client, 'ws-low', WEB_CODE, { ...WEB, Timeout: 60, ProtocolType: 'WS', ProtocolParams: { WSParams: { IdleTimeOut: 9 } } }),
    'InvalidParameterValue.IdleTimeOut',
    'idle 9 on create',
  );
  await expectApiError(
    t,
    createFunction(client, 'ws-high', WEB_CODE, { ...WEB, Timeout: 900, ProtocolType: 'WS', ProtocolParams: { WSParams: { IdleTimeOut: 7201 } } }),
    'InvalidParameterValue.IdleTimeOut',
    'idle 7201 on create',
  );

  // enabling WS on an existing web function
  await createFunction(client, 'web', WEB_CODE, WEB);
  t.same(await wsOf(client, 'web'), { ProtocolType: '', IdleTimeOut: undefined, Timeout: 3 }, 'a plain web function has no ProtocolType');
  await client.UpdateFunctionConfiguration({ FunctionName: 'web', ProtocolType: '' });
  t.equal((await wsOf(client, 'web')).ProtocolType, '', 'ProtocolType "" on a non-WS function changes nothing');
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'web', ProtocolType: 'TCP' }), 'InvalidParameterValue.ProtocolType', 'ProtocolType other than WS');
  await expectApiError(
    t,
    client.UpdateFunctionConfiguration({ FunctionName: 'web', ProtocolParams: { WSParams: { IdleTimeOut: 20 } } }),
    'InvalidParameterValue.WebSocketsParams',
    'ProtocolParams on a non-WS function',
  );
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'web', ProtocolType: 'WS' }), 'InvalidParameterValue.IdleTimeOut', 'enabling with Timeout 3 < default idle 15');
  t.equal((await wsOf(client, 'web')).ProtocolType, '', 'a refused enable leaves the function unchanged');
  await client.UpdateFunctionConfiguration({ FunctionName: 'web', ProtocolType: 'WS', Timeout: 15 });
  t.same(await wsOf(client, 'web'), { ProtocolType: 'WS', IdleTimeOut: 15, Timeout: 15 }, 'enabled by update with the default idle timeout 15');
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'web', ProtocolType: '' }), 'InvalidParameterValue.ProtocolType', 'enabled by update, cannot be disabled');

  await createFunction(client, 'web2', WEB_CODE, { ...WEB, Timeout: 100 });
  await client.UpdateFunctionConfiguration({ FunctionName: 'web2', ProtocolType: 'WS', ProtocolParams: { WSParams: { IdleTimeOut: 100 } } });
  t.same(await wsOf(client, 'web2'), { ProtocolType: 'WS', IdleTimeOut: 100, Timeout: 100 }, 'ProtocolParams in the enabling call set the idle timeout');

  // Event functions cannot have WebSocket
  await createFunction(client, 'event', EVENT_CODE, { Timeout: 60 });
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'event', ProtocolType: 'WS' }), 'InvalidParameterValue.ProtocolType', 'WS on an Event function');
  await expectApiError(
    t,
    createFunction(client, 'event-ws', EVENT_CODE, { Timeout: 60, ProtocolType: 'WS' }),
    'InvalidParameterValue.ProtocolType',
    'WS on Event at create',
  );
  await expectApiError(
    t,
    client.UpdateFunctionConfiguration({ FunctionName: 'event', ProtocolParams: { WSParams: { IdleTimeOut: 20 } } }),
    'InvalidParameterValue.WebSocketsParams',
    'ProtocolParams on an Event function',
  );
  t.equal((await wsOf(client, 'event')).ProtocolType, '', 'the Event function is unchanged');
});
