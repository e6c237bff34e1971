'use strict';
// Scheduled and utilisation-tracking provisioned concurrency: a scheduled
// action (7-field cron) changes the count when it fires, and the count it
// set is kept; a tracking setting starts at its minimum. The tracking rule
// itself (up at once, down at most once per 10 min) is checked as the pure
// decision it is.
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { until } = require('./helpers/wait');
const { decideTracking, checkCron, SCALE_DOWN_EVERY_MS } = require('../dist/core');

t.test('tracking decision: ceil(concurrency / target) within [min, max], scale-down rate-limited', async (t) => {
  const cfg = { target: 0.5, min: 1, max: 5 };
  let s = { current: 1, lastScaleDownAt: -Infinity };
  s = decide(s, 2, cfg, 0);
  t.equal(s.current, 4, '2 calls at 50 % target usage → 4');
  t.equal(decide(s, 10, cfg, 1).current, 5, 'capped at max');
  t.equal(decide(s, 2, cfg, 2), s, 'no change → the same state');
  const down = decide(s, 0, cfg, 1000);
  t.equal(down.current, 1, 'idle → min (first scale-down is allowed)');
  const up = decide(down, 1, cfg, 2000);
  t.equal(up.current, 2, 'up again at once');
  t.equal(decide(up, 0, cfg, 3000), up, 'a second scale-down within 10 min waits');
  t.equal(decide(up, 0, cfg, 1000 + SCALE_DOWN_EVERY_MS).current, 1, 'and happens 10 min after the last one');
  function decide(...args) { return decideTracking(...args); }
});

t.test('7-field cron check', async (t) => {
  t.equal(checkCron('0 30 9 * * MON-FRI *', 'x'), '0 30 9 * * MON-FRI *');
  t.equal(checkCron(' */5 * * * * * 2026 ', 'x'), '*/5 * * * * * 2026');
  for (const bad of ['0 30 9 * * *', '0 30 9 * * * 2026 1', '61 * * * * * *', 'x y z a b c d', 42]) {
    t.throws(() => checkCron(bad, 'TriggerActions[0]'), { code: 'InvalidParameterValue.TriggerActions' }, `refused: ${JSON.stringify(bad)}`);
  }
});

t.test('a scheduled action changes the provisioned count when it fires', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'sched', { 'index.js': 'exports.main_handler = async () => 1;\n' });
  await client.PublishVersion({ FunctionName: 'sched' });
  await expectApiError(t, client.PutProvisionedConcurrencyConfig({
    FunctionName: 'sched', Qualifier: '1', VersionProvisionedConcurrencyNum: 1,
    TriggerActions: [{ TriggerName: 'a', TriggerProvisionedConcurrencyNum: 2, TriggerCronConfig: '* * * * * * *' }, { TriggerName: 'a', TriggerProvisionedConcurrencyNum: 1, TriggerCronConfig: '* * * * * * *' }],
  }), 'InvalidParameterValue.TriggerActions', 'two actions of one name');

  // Every second (7 fields: second … year), the count becomes 2.
  await client.PutProvisionedConcurrencyConfig({
    FunctionName: 'sched', Qualifier: '1', VersionProvisionedConcurrencyNum: 1,
    TriggerActions: [{ TriggerName: 'every-second', TriggerProvisionedConcurrencyNum: 2, TriggerCronConfig: '* * * * * * *' }],
  });
  const fired = await until('the scheduled action to set 2 instances', async () => {
    const { Allocated } = await client.GetProvisionedConcurrencyConfig({ FunctionName: 'sched', Qualifier: '1' });
    const info = Allocated[0];
    return info && info.AllocatedProvisionedConcurrencyNum === 2 && info.Status === 'Done' ? info : null;
  }, 20_000);
  t.match(fired, {
    VersionProvisionedConcurrencyNum: 1, AvailableProvisionedConcurrencyNum: 2,
    TriggerActions: [{ TriggerName: 'every-second', TriggerProvisionedConcurrencyNum: 2, TriggerCronConfig: '* * * * * * *', ProvisionedType: 'Default' }],
  });
  t.equal((await client.ListFunctions({})).Functions.find((f) => f.FunctionName === 'sched').TotalProvisionedConcurrencyMem, 256, 'the quota counts the most the schedule can ask for');

  // Utilisation tracking: starts at MinCapacity.
  await client.PutProvisionedConcurrencyConfig({
    FunctionName: 'sched', Qualifier: '1', VersionProvisionedConcurrencyNum: 0,
    ProvisionedType: 'ConcurrencyUtilizationTracking', TrackingTarget: 0.7, MinCapacity: 1, MaxCapacity: 3,
  });
  const tracking = await until('the tracking setting at its minimum', async () => {
    const { Allocated } = await client.GetProvisionedConcurrencyConfig({ FunctionName: 'sched' });
    return Allocated[0]?.Status === 'Done' && Allocated[0].AllocatedProvisionedConcurrencyNum === 1 ? Allocated[0] : null;
  }, 20_000);
  t.match(tracking, { ProvisionedType: 'ConcurrencyUtilizationTracking', TrackingTarget: 0.7, MinCapacity: 1, MaxCapacity: 3, AvailableProvisionedConcurrencyNum: 1, TriggerActions: [] });
  t.equal((await client.ListFunctions({})).Functions.find((f) => f.FunctionName === 'sched').TotalProvisionedConcurrencyMem, 384, 'MaxCapacity × 128 MB');
});
