'use strict';
// Utilisation-tracking provisioned concurrency follows the load: with two
// calls in flight and a 50 % target usage, the next 10-second check raises
// the version's provisioned count from its minimum (1) to ceil(2 / 0.5) = 4
// at once, and starts those instances.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');
const { until } = require('./helpers/wait');

t.test('a tracking setting scales up with the calls in flight', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'tracked', { 'index.js': 'exports.main_handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms)); return "done"; };\n' }, { Timeout: 30 });
  await client.PublishVersion({ FunctionName: 'tracked' });
  await client.PutProvisionedConcurrencyConfig({
    FunctionName: 'tracked', Qualifier: '1', VersionProvisionedConcurrencyNum: 0,
    ProvisionedType: 'ConcurrencyUtilizationTracking', TrackingTarget: 0.5, MinCapacity: 1, MaxCapacity: 4,
  });
  const get = async () => (await client.GetProvisionedConcurrencyConfig({ FunctionName: 'tracked', Qualifier: '1' })).Allocated[0];
  await until('the minimum of 1 instance', async () => (await get()).AvailableProvisionedConcurrencyNum === 1, 20_000);
  t.equal((await get()).AllocatedProvisionedConcurrencyNum, 1, 'starts at MinCapacity');

  // Two calls in flight for longer than one check period (10 s).
  const calls = Promise.all([invoke(client, 'tracked', { ms: 12_000 }, { Qualifier: '1' }), invoke(client, 'tracked', { ms: 12_000 }, { Qualifier: '1' })]);
  const scaled = await until('the count to follow the load', async () => {
    const info = await get();
    return info.AllocatedProvisionedConcurrencyNum === 4 ? info : null;
  }, 25_000);
  t.equal(scaled.AllocatedProvisionedConcurrencyNum, 4, 'ceil(2 calls / 0.5) = 4');
  const ready = await until('4 instances ready', async () => ((await get()).AvailableProvisionedConcurrencyNum === 4 ? true : null), 20_000);
  t.ok(ready, 'the executor started them');
  const results = await calls;
  t.same(results.map((r) => r.RetMsg), ['"done"', '"done"']);
});
