'use strict';
// A provisioned setting the API acknowledged survives a crash of the server
// (kill -9): the next server starts the instances again before any call, so
// the first call after the restart pays no cold start.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');
const { until } = require('./helpers/wait');

t.test('provisioned instances are warm again after kill -9 and a restart', async (t) => {
  const first = await startServer(t);
  const client = first.client();
  await createFunction(client, 'kept', { 'index.js': 'exports.main_handler = async () => "hi";\n' });
  await client.PublishVersion({ FunctionName: 'kept' });
  await client.PutProvisionedConcurrencyConfig({ FunctionName: 'kept', Qualifier: '1', VersionProvisionedConcurrencyNum: 1 });
  await first.kill9();

  const second = await startServer(t, { dataDir: first.dataDir });
  const again = second.client();
  const info = await until('the provisioned instance after the restart', async () => {
    const { Allocated } = await again.GetProvisionedConcurrencyConfig({ FunctionName: 'kept', Qualifier: '1' });
    return Allocated[0]?.Status === 'Done' ? Allocated[0] : null;
  }, 20_000);
  t.match(info, { AllocatedProvisionedConcurrencyNum: 1, AvailableProvisionedConcurrencyNum: 1 });
  const result = await invoke(again, 'kept', {}, { Qualifier: '1' });
  t.equal(result.RetMsg, '"hi"');
  t.notMatch(result.Log, /Init Report/, 'the first call after the restart is warm');
  // An unprovisioned version of the same function still cold-starts (the check above can fail).
  t.match((await invoke(again, 'kept')).Log, /Init Report/, '$LATEST cold-starts');
});
