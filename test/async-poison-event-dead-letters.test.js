'use strict';
// A poison event (its handler always throws) is retried at the configured
// back-off — exponential, on a fake clock — then lands in its dead-letter
// target with its error: an isola dead-letter queue (listed, re-driven once
// the function is fixed) or another function (invoked with the original
// event and the failure). Every run is logged with its RetryNum.
const t = require('tap');
const { asyncPlatform } = require('./helpers/async-platform');

const POISON = `exports.main_handler = async (event) => {
  if (process.env.MODE !== 'fixed') throw new Error('poison ' + event.n);
  return { healed: event.n };
};`;

t.test('retried at 1 s then 2 s, then into the dead-letter queue; re-driven after a fix', async (t) => {
  const { platform, clock, create, settled, advance, logsOf } = await asyncPlatform(t, { asyncRetryBaseMs: 1000 });
  await create('poison', POISON);
  platform.async.updateRetryConfig('default', 'poison', { RetryConfig: [{ RetryNum: 2 }], MsgTTL: 3600 });
  platform.functions.updateConfiguration('default', 'poison', { DeadLetterConfig: { Type: 'QUEUE', Name: 'dlq' } });

  const requestId = await platform.async.enqueue({ namespace: 'default', functionName: 'poison', qualifier: '$LATEST', event: '{"n":7}' });
  await settled();
  const t0 = clock.now();
  t.equal((await logsOf('poison', requestId)).length, 1, 'first run at once');
  t.equal(platform.async.queue.nextVisibleAt(), t0 + 1000, 'first retry 1 s later (base)');
  t.match(platform.async.status('default', requestId), { status: 'RUNNING', statusCode: 430, attempt: 1 }, 'between retries the event is RUNNING');

  await advance(999);
  t.equal((await logsOf('poison', requestId)).length, 1, 'not before its time');
  await advance(1);
  t.equal((await logsOf('poison', requestId)).length, 2, 'second run at +1 s');
  t.equal(platform.async.queue.nextVisibleAt(), t0 + 1000 + 2000, 'second retry 2 s after the second run (doubled)');
  await advance(1999);
  t.equal((await logsOf('poison', requestId)).length, 2);
  await advance(1);

  const runs = await logsOf('poison', requestId);
  t.same(runs.map((r) => r.retryNum), [0, 1, 2], 'three runs, RetryNum 0, 1, 2 in the log');
  t.ok(runs.every((r) => r.statusCode === 430), 'each a code exception');
  t.match(platform.async.status('default', requestId), { status: 'FAILED', statusCode: 430, attempt: 3 });
  t.equal(platform.async.queue.nextVisibleAt(), undefined, 'nothing left in the queue');

  const { total, items } = platform.async.listDeadLetters('dlq', 0, 10);
  t.equal(total, 1, 'one dead letter');
  t.match(items[0], { requestId, functionName: 'poison', payload: '{"n":7}', attempts: 3, statusCode: 430 });
  t.match(items[0].error, /poison 7/, 'the dead letter carries the error');
  t.match(items[0].error, /after 2 retries/);

  // Fix the function, re-drive: the same RequestId runs again and finishes.
  platform.functions.updateConfiguration('default', 'poison', { Environment: { Variables: [{ Key: 'MODE', Value: 'fixed' }] } });
  const moved = platform.async.redrive('dlq');
  t.same(moved.map((d) => d.requestId), [requestId]);
  await settled();
  t.match(platform.async.status('default', requestId), { status: 'FINISHED', statusCode: 200 });
  t.equal(platform.async.listDeadLetters('dlq', 0, 10).total, 0, 'the queue is empty after the re-drive');
  const last = (await logsOf('poison', requestId)).at(-1);
  t.equal(last.retMsg, '{"healed":7}');
});

t.test('into a dead-letter function, with the original event and the failure', async (t) => {
  const { platform, create, settled, logsOf } = await asyncPlatform(t);
  await create('poison', POISON);
  await create('catcher', 'exports.main_handler = async (letter) => letter;');
  platform.async.updateRetryConfig('default', 'poison', { RetryConfig: [{ RetryNum: 0 }] });
  platform.functions.updateConfiguration('default', 'poison', { DeadLetterConfig: { Type: 'FUNCTION', Name: 'catcher' } });

  const requestId = await platform.async.enqueue({ namespace: 'default', functionName: 'poison', qualifier: '$LATEST', event: '{"n":1}' });
  await settled();
  await settled();
  t.match(platform.async.status('default', requestId), { status: 'FAILED', statusCode: 430, attempt: 1 }, 'no retry with RetryNum 0');
  const letters = platform.async.listStatus({ namespace: 'default', functionName: 'catcher', orderBy: 'start_time', order: 'asc', offset: 0, limit: 10 });
  t.equal(letters.total, 1, 'the catcher got one event');
  t.match(letters.items[0], { invokeType: 'DeadLetter', status: 'FINISHED' });
  const [run] = await logsOf('catcher', letters.items[0].requestId);
  const letter = JSON.parse(run.retMsg);
  t.match(letter, { Type: 'DeadLetter', RequestId: requestId, FunctionName: 'poison', Attempts: 1, Event: { n: 1 }, Error: { StatusCode: 430 } });
  t.match(letter.Error.Message, /poison 1/);
});
