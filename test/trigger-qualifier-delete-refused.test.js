'use strict';
// Deleting a version or an alias that a trigger fires is refused (not
// cascaded): the trigger would otherwise answer 404 without saying why.
// Once the trigger is re-pointed, the delete goes through.
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');

const desc = (path) => JSON.stringify({ api: { requestConfig: { method: 'GET', path } } });

t.test('a version or alias a trigger fires cannot be deleted', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'fired', { 'index.js': 'exports.main_handler = async () => "v";\n' });
  await client.PublishVersion({ FunctionName: 'fired' });
  await client.PublishVersion({ FunctionName: 'fired' });
  await client.CreateAlias({ FunctionName: 'fired', Name: 'live', FunctionVersion: '2' });
  await client.CreateTrigger({ FunctionName: 'fired', TriggerName: 'by-version', Type: 'apigw', TriggerDesc: desc('/by-version'), Qualifier: '1' });
  await client.CreateTrigger({ FunctionName: 'fired', TriggerName: 'by-alias', Type: 'apigw', TriggerDesc: desc('/by-alias'), Qualifier: 'live' });

  const v = await expectApiError(t, client.DeleteFunctionVersion({ FunctionName: 'fired', Qualifier: '1' }), 'FailedOperation.DeleteFunction');
  t.match(v.message, /apigw trigger by-version/, 'the message names the trigger');
  await expectApiError(t, client.DeleteFunction({ FunctionName: 'fired', Qualifier: '1' }), 'FailedOperation.DeleteFunction', 'DeleteFunction with a Qualifier too');
  const a = await expectApiError(t, client.DeleteAlias({ FunctionName: 'fired', Name: 'live' }), 'FailedOperation.DeleteAlias');
  t.match(a.message, /apigw trigger by-alias/);
  t.equal((await request(`${server.url}/by-version`)).status, 200, 'the trigger still works');
  t.equal((await request(`${server.url}/by-alias`)).status, 200);
  t.same((await client.ListVersionByFunction({ FunctionName: 'fired' })).FunctionVersion, ['$LATEST', '1', '2'], 'nothing deleted');

  await client.UpdateTrigger({ FunctionName: 'fired', TriggerName: 'by-version', Type: 'apigw', Qualifier: '$LATEST' });
  await client.DeleteFunctionVersion({ FunctionName: 'fired', Qualifier: '1' });
  await client.DeleteTrigger({ FunctionName: 'fired', TriggerName: 'by-alias', Type: 'apigw' });
  await client.DeleteAlias({ FunctionName: 'fired', Name: 'live' });
  t.notOk((await client.ListAliases({ FunctionName: 'fired' })).Aliases.some((x) => x.Name === 'live'), 'deleted once no trigger fires it');
});
