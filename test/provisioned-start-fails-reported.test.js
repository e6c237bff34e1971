'use strict';
// A provisioned version whose instances cannot start (its code throws at
// load) is reported, not hidden: GetProvisionedConcurrencyConfig answers
// Status Failed with the start's error as StatusReason, and the server keeps
// retrying (with a back-off) without spinning or crashing.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');
const { until } = require('./helpers/wait');

t.test('a provisioned start that fails shows as Failed with its reason', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'broken', { 'index.js': 'throw new Error("cannot load config");\nexports.main_handler = async () => 1;\n' });
  await client.PublishVersion({ FunctionName: 'broken' });
  await client.PutProvisionedConcurrencyConfig({ FunctionName: 'broken', Qualifier: '1', VersionProvisionedConcurrencyNum: 2 });
  const info = await until('the failure to be reported', async () => {
    const { Allocated } = await client.GetProvisionedConcurrencyConfig({ FunctionName: 'broken', Qualifier: '1' });
    return Allocated[0]?.Status === 'Failed' ? Allocated[0] : null;
  }, 20_000);
  t.match(info, { AllocatedProvisionedConcurrencyNum: 2, AvailableProvisionedConcurrencyNum: 0, StatusReason: /cannot load config/ });
  // Calls get the function's own error, as without provisioning.
  const r = await invoke(client, 'broken', {}, { Qualifier: '1' });
  t.not(r.InvokeResult, 0);
  t.match(r.ErrMsg, /UserCodeException/);
  t.match(r.Log, /cannot load config/, 'the error is in the log');
  // Fixed by a new version: provisioning that one works.
  await client.UpdateFunctionCode({ FunctionName: 'broken', Code: { ZipFile: require('./helpers/zip').makeZip({ 'index.js': 'exports.main_handler = async () => 1;\n' }).toString('base64') }, Publish: 'TRUE' });
  await client.DeleteProvisionedConcurrencyConfig({ FunctionName: 'broken', Qualifier: '1' });
  await client.PutProvisionedConcurrencyConfig({ FunctionName: 'broken', Qualifier: '2', VersionProvisionedConcurrencyNum: 1 });
  await until('version 2 ready', async () => (await client.GetProvisionedConcurrencyConfig({ FunctionName: 'broken', Qualifier: '2' })).Allocated[0]?.Status === 'Done', 20_000);
  t.pass('version 2 provisioned');
  t.ok(server.child.exitCode === null, 'the server is still running');
});
