'use strict';
// `isola provisioned set | get | rm` end to end: the CLI as a child process
// against a real server, outcomes checked through the official SDK.
const t = require('tap');
const { isola } = require('./helpers/cli');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { until } = require('./helpers/wait');

t.test('isola provisioned set | get | rm', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'cp', { 'index.js': 'exports.main_handler = async () => "ok";\n' });
  await client.PublishVersion({ FunctionName: 'cp' });
  await client.PublishVersion({ FunctionName: 'cp' });

  const set = await isola(server, ['provisioned', 'set', 'cp', '1', '1']);
  t.equal(set.code, 0, set.stderr);
  t.match(set.stdout, /^provisioned concurrency set on version 1 of function cp \(namespace default\)/);
  const scheduled = await isola(server, ['provisioned', 'set', 'cp', '2', '1', '--schedule', 'night=0@0 0 22 * * * *', '--schedule', 'day=2@0 0 8 * * MON-FRI *']);
  t.equal(scheduled.code, 0, scheduled.stderr);
  const onServer = await client.GetProvisionedConcurrencyConfig({ FunctionName: 'cp', Qualifier: '2' });
  t.match(onServer.Allocated[0].TriggerActions, [
    { TriggerName: 'night', TriggerProvisionedConcurrencyNum: 0, TriggerCronConfig: '0 0 22 * * * *' },
    { TriggerName: 'day', TriggerProvisionedConcurrencyNum: 2, TriggerCronConfig: '0 0 8 * * MON-FRI *' },
  ]);

  await until('both versions ready', async () => {
    const { Allocated } = await client.GetProvisionedConcurrencyConfig({ FunctionName: 'cp' });
    return Allocated.length === 2 && Allocated.every((a) => a.Status === 'Done');
  }, 20_000);
  const table = await isola(server, ['provisioned', 'get', 'cp']);
  t.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  t.match(lines[0], /^VERSION +ASKED +READY +STATUS +KIND +REASON$/);
  t.match(lines[1], /^1 +1 +1 +Done +static/);
  t.match(lines[2], /^2 +1 +1 +Done +scheduled: night=0@0 0 22 \* \* \* \*, day=2@0 0 8 \* \* MON-FRI \*/);
  const asJson = JSON.parse((await isola(server, ['provisioned', 'get', 'cp', '1', '--json'])).stdout);
  t.match(asJson.Allocated, [{ Qualifier: '1', AvailableProvisionedConcurrencyNum: 1 }]);

  const tracking = await isola(server, ['provisioned', 'set', 'cp', '1', '--tracking', '0.7', '--min', '1', '--max', '4']);
  t.equal(tracking.code, 0, tracking.stderr);
  t.match((await client.GetProvisionedConcurrencyConfig({ FunctionName: 'cp', Qualifier: '1' })).Allocated[0], { ProvisionedType: 'ConcurrencyUtilizationTracking', MinCapacity: 1, MaxCapacity: 4 });

  const latest = await isola(server, ['provisioned', 'set', 'cp', '$LATEST', '1']);
  t.equal(latest.code, 1);
  t.match(latest.stderr, /^isola: InvalidParameterValue\.Qualifier: /);
  const badSchedule = await isola(server, ['provisioned', 'set', 'cp', '1', '1', '--schedule', 'nightly']);
  t.equal(badSchedule.code, 1);
  t.match(badSchedule.stderr, /--schedule expects/);
  const noMax = await isola(server, ['provisioned', 'set', 'cp', '1', '--tracking', '0.5', '--min', '1']);
  t.equal(noMax.code, 1);
  t.match(noMax.stderr, /^isola: --tracking needs --min and --max/);

  const removed = await isola(server, ['provisioned', 'rm', 'cp', '2']);
  t.same(removed, { code: 0, stdout: 'removed provisioned concurrency from version 2 of function cp (namespace default)\n', stderr: '' });
  t.same((await client.GetProvisionedConcurrencyConfig({ FunctionName: 'cp' })).Allocated.map((a) => a.Qualifier), ['1'], 'the server has it');
});
