'use strict';
// A function held at reserved concurrency 0 gets async events: each run is
// throttled (432) and the event waits — it is not failed, it keeps its
// attempt number and is retried with a growing back-off (fake clock). Once
// the reservation is raised, the queue drains and every event finishes on
// its first counted attempt.
const t = require('tap');
const { asyncPlatform } = require('./helpers/async-platform');

t.test('a throttled function drains its queue once its concurrency is raised', async (t) => {
  const { platform, create, settled, advance, logsOf } = await asyncPlatform(t);
  await create('held', 'exports.main_handler = async (e) => ({ done: e.i });');
  platform.async.updateRetryConfig('default', 'held', { RetryConfig: [{ RetryNum: 0 }], MsgTTL: 3600 });
  platform.concurrency.putReserved('default', 'held', 0);

  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(platform.async.enqueue({ namespace: 'default', functionName: 'held', qualifier: '$LATEST', event: JSON.stringify({ i }) }));
  const requestIds = await Promise.all(ids);
  await settled();
  // Several rounds of throttling: RetryNum 0 would have failed a user error at once; a throttle is not one.
  for (let round = 0; round < 6; round++) await advance(10_000);
  for (const id of requestIds) {
    t.match(platform.async.status('default', id), { status: 'RUNNING', statusCode: 432, attempt: 0 }, 'waiting, not failed; no attempt counted');
  }
  const throttled = await logsOf('held', requestIds[0]);
  t.ok(throttled.length >= 3, `throttled several times (${throttled.length})`);
  t.ok(throttled.every((r) => r.statusCode === 432 && r.retryNum === 0), 'each throttle logged as 432 with RetryNum 0');

  platform.concurrency.deleteReserved('default', 'held');
  await advance(10_000);
  await advance(10_000);
  for (const id of requestIds) t.match(platform.async.status('default', id), { status: 'FINISHED', statusCode: 200, attempt: 1 }, 'drained');
  const last = (await logsOf('held', requestIds[4])).at(-1);
  t.equal(last.retMsg, '{"done":4}');
  t.equal(platform.async.queue.depthOf('default', 'held'), 0, 'queue empty');
});
