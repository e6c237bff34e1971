'use strict';
// A timer trigger firing every second, over a fake clock, across two
// restarts of the platform on the same data directory: each scheduled
// second fires exactly once (none twice at a restart), and after a
// downtime of ten seconds only one catch-up firing comes (the latest missed
// time), not a burst. Each firing is an async event of the spec's shape.
const t = require('tap');
const { asyncPlatform } = require('./helpers/async-platform');

const ECHO = 'exports.main_handler = async (event) => event;';
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The events the function received from the timer, by their Time, oldest first. */
async function firedTimes(t, { platform, logsOf }) {
  const { items } = platform.async.listStatus({ namespace: 'default', functionName: 'tick', invokeTypes: ['Timer'], orderBy: 'start_time', order: 'asc', offset: 0, limit: 100 });
  const events = [];
  for (const item of items) {
    t.equal(item.status, 'FINISHED', `${item.requestId} ran`);
    const runs = await logsOf('tick', item.requestId);
    t.equal(runs.length, 1, `${item.requestId} ran once`);
    events.push(JSON.parse(runs[0].retMsg));
  }
  return events.map((e) => e.Time).sort();
}

t.test('every second: once per tick, across restarts; one catch-up after downtime', async (t) => {
  const first = await asyncPlatform(t);
  const { platform, clock, create, advance } = first;
  const t0 = clock.now();
  await create('tick', ECHO);
  const view = platform.timers.create('default', 'tick', { TriggerName: 'every-second', Type: 'timer', TriggerDesc: '* * * * * * *', CustomArgument: 'hello' });
  t.match(view, { type: 'timer', name: 'every-second', triggerDesc: '* * * * * * *', customArgument: 'hello', enabled: true, qualifier: '$LATEST' });

  for (let i = 1; i <= 5; i++) {
    await advance(1000);
    t.equal(platform.timers.scheduler.fired, i, `fired ${i} time(s) after ${i} s`);
  }
  const events = [];
  {
    const { items } = platform.async.listStatus({ namespace: 'default', functionName: 'tick', invokeTypes: ['Timer'], orderBy: 'start_time', order: 'asc', offset: 0, limit: 1 });
    const [run] = await first.logsOf('tick', items[0].requestId);
    events.push(JSON.parse(run.retMsg));
  }
  t.same(events[0], { Type: 'Timer', TriggerName: 'every-second', Time: iso(t0 + 1000), Message: 'hello' }, 'the event of the spec');
  await platform.close();

  // Restart at the same instant: the second already fired is not fired again.
  const second = await asyncPlatform(t, {}, { dataDir: first.dataDir, clock });
  await second.settled();
  t.equal(second.platform.timers.scheduler.fired, 0, 'nothing fires at a restart when no time was missed');
  for (let i = 1; i <= 3; i++) await second.advance(1000);
  t.equal(second.platform.timers.scheduler.fired, 3);
  await second.platform.close();

  // Ten seconds down: one catch-up firing for the latest missed second, then once per second again.
  clock.advance(10_000);
  const third = await asyncPlatform(t, {}, { dataDir: first.dataDir, clock });
  await third.settled();
  t.equal(third.platform.timers.scheduler.fired, 1, 'one catch-up firing, not ten');
  await third.advance(1000);
  t.equal(third.platform.timers.scheduler.fired, 2);

  const times = await firedTimes(t, third);
  const expected = [1, 2, 3, 4, 5, 6, 7, 8, 18, 19].map((s) => iso(t0 + s * 1000));
  t.same(times, expected, 'each scheduled second exactly once; the missed ones (9-17) stand for by 18');
});
