'use strict';
// TraceEnable gates how long an async event's final status is kept: a
// function with TraceEnable TRUE keeps each event's record (status, start,
// end, attempt) for 3 days; without it the record lives while the event is
// queued or running and for an hour after its end, then it is gone
// (ResourceNotFound.AsyncEvent). Fake clock.
const t = require('tap');
const { asyncPlatform } = require('./helpers/async-platform');

t.test('traced statuses outlive untraced ones', async (t) => {
  const { platform, create, settled, advance } = await asyncPlatform(t);
  await create('traced', 'exports.main_handler = async () => "t";', { TraceEnable: 'TRUE' });
  await create('plain', 'exports.main_handler = async () => "p";');
  const enqueue = (functionName) => platform.async.enqueue({ namespace: 'default', functionName, qualifier: '$LATEST', event: '{}' });
  const traced = await enqueue('traced');
  const plain = await enqueue('plain');
  await settled();
  t.match(platform.async.status('default', traced), { status: 'FINISHED', attempt: 1, endTime: Number });
  t.match(platform.async.status('default', plain), { status: 'FINISHED', attempt: 1 }, 'an untraced event\'s fate is visible after it ends');

  await advance(59 * 60 * 1000);
  t.ok(platform.async.queue.status('default', plain), 'still there after 59 min');
  await advance(2 * 60 * 1000);
  t.throws(() => platform.async.status('default', plain), { code: 'ResourceNotFound.AsyncEvent' }, 'untraced: gone an hour after its end');
  t.match(platform.async.status('default', traced), { status: 'FINISHED' }, 'traced: kept');

  // The 3-day retention of traced records (the consumer prunes with both bounds).
  const now = platform.async.clock.now();
  platform.async.queue.pruneStatus(now - 3 * 24 * 3600 * 1000, now - 3600 * 1000);
  t.ok(platform.async.queue.status('default', traced), 'kept under 3 days');
  platform.async.queue.pruneStatus(now + 1, now + 1);
  t.notOk(platform.async.queue.status('default', traced), 'gone past its retention');
});
