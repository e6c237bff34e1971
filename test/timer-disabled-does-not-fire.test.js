'use strict';
// A disabled timer trigger does not fire, and enabling it does not catch
// up the times it missed while disabled; disabling it again or deleting it
// stops it (fake clock).
const t = require('tap');
const { asyncPlatform } = require('./helpers/async-platform');

t.test('disabled, enabled, disabled, deleted', async (t) => {
  const { platform, clock, create, advance } = await asyncPlatform(t);
  await create('tick', 'exports.main_handler = async (event) => event;');
  const timers = platform.timers;
  const count = () => platform.async.listStatus({ namespace: 'default', functionName: 'tick', invokeTypes: ['Timer'], orderBy: 'start_time', order: 'asc', offset: 0, limit: 100 }).total;

  timers.create('default', 'tick', { TriggerName: 'off', Type: 'timer', TriggerDesc: '*/2 * * * * * *', Enable: 'CLOSE' });
  await advance(10_000);
  t.equal(count(), 0, 'a trigger created disabled never fires');

  timers.updateStatus('default', 'tick', { TriggerName: 'off', Type: 'timer', Enable: 'OPEN' });
  await advance(0);
  t.equal(count(), 0, 'enabling does not catch up the disabled period');
  const enabledAt = clock.now();
  await advance(4000);
  t.equal(count(), 2, 'enabled: every 2 s');
  t.throws(() => timers.updateStatus('default', 'tick', { TriggerName: 'off', Type: 'timer', Enable: 'OPEN' }), { code: 'FailedOperation.UpdateTriggerStatus' });

  timers.updateStatus('default', 'tick', { TriggerName: 'off', Type: 'timer', Enable: 'CLOSE' });
  await advance(10_000);
  t.equal(count(), 2, 'disabled again: no more firings');
  t.ok(clock.now() > enabledAt);

  timers.updateStatus('default', 'tick', { TriggerName: 'off', Type: 'timer', Enable: 'OPEN' });
  await advance(2000);
  t.equal(count(), 3);
  timers.delete('default', 'tick', { TriggerName: 'off', Type: 'timer' });
  await advance(10_000);
  t.equal(count(), 3, 'a deleted trigger stops');
  t.throws(() => timers.delete('default', 'tick', { TriggerName: 'off', Type: 'timer' }), { code: 'ResourceNotFound.Trigger' });
});
