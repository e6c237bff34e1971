'use strict';
// Provisioned concurrency through the official SDK (scf-api.md §3.8,
// platform-semantics §3): only published versions, allocation progress,
// the error codes, a call to a provisioned version pays no cold start, and
// provisioned instances outlive the idle reclaim that takes the others.
const t = require('tap');
const { startServer, expectApiError, persistentServer } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');
const { until } = require('./helpers/wait');

const HANDLER = { 'index.js': 'const started = Date.now();\nexports.main_handler = async () => ({ started });\n' };

async function ready(client, FunctionName, Qualifier, count) {
  let last;
  await until(`version ${Qualifier} to have ${count} provisioned instances ready`, async () => {
    const got = await client.GetProvisionedConcurrencyConfig({ FunctionName, Qualifier });
    last = got.Allocated[0];
    return last && last.Status === 'Done' && last.AvailableProvisionedConcurrencyNum === count;
  }, 20_000).catch((err) => { throw new Error(`${err.message} (last: ${JSON.stringify(last)})`); });
  return last;
}

t.test('provisioned concurrency on a published version: errors, progress, warm calls, kept past the idle reclaim', async (t) => {
  // Instances idle for 1.5 s are reclaimed: only provisioned ones survive that.
  const { dataDir, args } = persistentServer(t, { instanceKeepAliveMs: 1500 });
  const server = await startServer(t, { dataDir, args });
  const client = server.client();
  await createFunction(client, 'warm', HANDLER, { MemorySize: 128 });
  await client.PublishVersion({ FunctionName: 'warm' });

  // Errors the spec lists.
  await expectApiError(t, client.PutProvisionedConcurrencyConfig({ FunctionName: 'warm', Qualifier: '$LATEST', VersionProvisionedConcurrencyNum: 1 }), 'InvalidParameterValue.Qualifier', '$LATEST cannot be provisioned');
  await expectApiError(t, client.PutProvisionedConcurrencyConfig({ FunctionName: 'warm', Qualifier: '$DEFAULT', VersionProvisionedConcurrencyNum: 1 }), 'InvalidParameterValue.Qualifier', 'an alias cannot be provisioned');
  await expectApiError(t, client.PutProvisionedConcurrencyConfig({ FunctionName: 'warm', Qualifier: '7', VersionProvisionedConcurrencyNum: 1 }), 'ResourceNotFound.Version', 'unknown version');
  await expectApiError(t, client.PutProvisionedConcurrencyConfig({ FunctionName: 'nope', Qualifier: '1', VersionProvisionedConcurrencyNum: 1 }), 'ResourceNotFound.Function');
  await expectApiError(t, client.PutProvisionedConcurrencyConfig({ FunctionName: 'warm', Qualifier: '1', VersionProvisionedConcurrencyNum: -1 }), 'InvalidParameterValue.VersionProvisionedConcurrencyNum');
  await expectApiError(t, client.PutProvisionedConcurrencyConfig({ FunctionName: 'warm', Qualifier: '1', VersionProvisionedConcurrencyNum: 0 }), 'InvalidParameterValue.VersionProvisionedConcurrencyNum', '0 without actions');
  await expectApiError(t, client.PutProvisionedConcurrencyConfig({
    FunctionName: 'warm', Qualifier: '1', VersionProvisionedConcurrencyNum: 1,
    TriggerActions: [{ TriggerName: 'morning', TriggerProvisionedConcurrencyNum: 2, TriggerCronConfig: '0 0 9 * * *' }],
  }), 'InvalidParameterValue.TriggerActions', 'a cron of 6 fields');
  await expectApiError(t, client.PutProvisionedConcurrencyConfig({
    FunctionName: 'warm', Qualifier: '1', VersionProvisionedConcurrencyNum: 0, ProvisionedType: 'ConcurrencyUtilizationTracking', TrackingTarget: 1.5, MinCapacity: 1, MaxCapacity: 2,
  }), 'InvalidParameterValue.TrackingTarget');
  await expectApiError(t, client.PutProvisionedConcurrencyConfig({
    FunctionName: 'warm', Qualifier: '1', VersionProvisionedConcurrencyNum: 0, ProvisionedType: 'ConcurrencyUtilizationTracking', TrackingTarget: 0.5, MinCapacity: 3, MaxCapacity: 2,
  }), 'InvalidParameterValue.MaxCapacity');
  await client.PutReservedConcurrencyConfig({ FunctionName: 'warm', ReservedConcurrencyMem: 256 });
  await expectApiError(t, client.PutProvisionedConcurrencyConfig({ FunctionName: 'warm', Qualifier: '1', VersionProvisionedConcurrencyNum: 3 }), 'FailedOperation.ProvisionedExceedReserved', '3 × 128 MB > 256 MB reserved');
  await client.DeleteReservedConcurrencyConfig({ FunctionName: 'warm' });
  t.same((await client.GetProvisionedConcurrencyConfig({ FunctionName: 'warm' })).Allocated, [], 'nothing provisioned yet');

  await client.PutProvisionedConcurrencyConfig({ FunctionName: 'warm', Qualifier: '1', VersionProvisionedConcurrencyNum: 2 });
  const info = await ready(client, 'warm', '1', 2);
  t.match(info, { Qualifier: '1', AllocatedProvisionedConcurrencyNum: 2, AvailableProvisionedConcurrencyNum: 2, Status: 'Done', ProvisionedType: 'Default', VersionProvisionedConcurrencyNum: 2 });
  t.equal((await client.GetFunction({ FunctionName: 'warm' })).FunctionVersion, '$LATEST');
  t.equal((await client.ListFunctions({})).Functions.find((f) => f.FunctionName === 'warm').TotalProvisionedConcurrencyMem, 256, '2 × 128 MB provisioned');

  // The reserved quota now cannot go below the provisioned memory, and the version cannot be deleted.
  await expectApiError(t, client.PutReservedConcurrencyConfig({ FunctionName: 'warm', ReservedConcurrencyMem: 128 }), 'FailedOperation.ProvisionedExceedReserved');
  await expectApiError(t, client.DeleteFunctionVersion({ FunctionName: 'warm', Qualifier: '1' }), 'FailedOperation.DeleteFunction', 'a provisioned version is in use');

  // A call to the provisioned version finds a warm instance: no Init Report.
  const first = await invoke(client, 'warm', {}, { Qualifier: '1' });
  t.equal(first.InvokeResult, 0);
  t.notMatch(first.Log, /Init Report/, 'the first call of a provisioned version pays no cold start');
  const startedAt = JSON.parse(first.RetMsg).started;

  // Past the idle reclaim (1.5 s) the provisioned instances are still there, and $LATEST's instance is not.
  const latest = await invoke(client, 'warm');
  t.match(latest.Log, /Init Report/, '$LATEST cold-starts');
  await new Promise((r) => setTimeout(r, 3500));
  const later = await invoke(client, 'warm', {}, { Qualifier: '1' });
  t.notMatch(later.Log, /Init Report/, 'still warm after idling past the keep-alive');
  t.ok(JSON.parse(later.RetMsg).started <= startedAt + 1000, 'the same provisioned instances (started before the first call)');
  t.match((await invoke(client, 'warm')).Log, /Init Report/, '$LATEST was reclaimed after idling');

  // Two calls at once both find a provisioned instance.
  const both = await Promise.all([invoke(client, 'warm', { n: 1 }, { Qualifier: '1' }), invoke(client, 'warm', { n: 2 }, { Qualifier: '1' })]);
  for (const r of both) t.notMatch(r.Log, /Init Report/, 'concurrent call within the provisioned count: warm');

  // Delete: the setting goes; the version can be deleted again.
  await client.DeleteProvisionedConcurrencyConfig({ FunctionName: 'warm', Qualifier: '1' });
  t.same((await client.GetProvisionedConcurrencyConfig({ FunctionName: 'warm' })).Allocated, []);
  await expectApiError(t, client.DeleteProvisionedConcurrencyConfig({ FunctionName: 'warm', Qualifier: '1' }), 'ResourceNotFound.Version', 'nothing left to delete');
  await client.DeleteFunctionVersion({ FunctionName: 'warm', Qualifier: '1' });
});
