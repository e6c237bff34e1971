'use strict';
// The queue's batch insert (several rows per INSERT statement): a group commit
// that crosses a function's cap refuses exactly the events past it, keeps every
// accepted one with its fields and RUNNING status in enqueue order, and a batch
// that fails (a RequestId twice) commits nothing, leaves the depths as they were
// and leaves no gathered rows to the next batch.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const t = require('tap');
const { SqliteEventQueue } = require('../dist/store');

const event = (requestId, functionName, traced = true) => ({
  requestId, namespace: 'default', functionName, qualifier: '$LATEST', payload: JSON.stringify({ requestId }), invokeType: 'Event', leaseMs: 1000 + requestId.length, traced,
});

t.test('a batch of 100 crossing a cap of 40', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-queue-'));
  const queue = new SqliteEventQueue(dir, { maxPerFunction: 40 });
  t.teardown(() => { queue.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  // 70 for `a` interleaved with 30 for `b`: 40 of `a` fit, all of `b`.
  const batch = Array.from({ length: 100 }, (_, i) => (i % 10 < 7 ? event(`a-${i}`, 'a', i % 2 === 0) : event(`b-${i}`, 'b')));
  const results = queue.enqueue(batch, 1000);
  const okA = batch.filter((e, i) => e.functionName === 'a' && results[i] === 'ok');
  t.equal(okA.length, 40, '40 of a accepted');
  t.same(batch.filter((e) => e.functionName === 'a').slice(0, 40).map((e) => e.requestId), okA.map((e) => e.requestId), 'the first 40 of a, in order');
  t.ok(batch.every((e, i) => e.functionName !== 'b' || results[i] === 'ok'), 'every event of b accepted');
  t.equal(results.filter((r) => r === 'full').length, 30, '30 refused');
  t.equal(queue.depthOf('default', 'a'), 40);
  t.equal(queue.depthOf('default', 'b'), 30);

  const leased = queue.lease(2000, 1000);
  const accepted = batch.filter((_, i) => results[i] === 'ok');
  t.same(leased.map((e) => e.requestId), accepted.map((e) => e.requestId), 'leased in enqueue order, nothing else');
  for (const [i, e] of leased.entries()) {
    const want = accepted[i];
    if (e.payload !== want.payload || e.leaseMs !== want.leaseMs || e.functionName !== want.functionName || e.enqueuedAt !== 1000 || e.attempt !== 1) {
      t.fail(`row ${i} does not hold its event: ${JSON.stringify(e)}`);
    }
  }
  t.match(queue.status('default', 'a-0'), { status: 'RUNNING', functionName: 'a' }, 'a RUNNING status for an accepted event');
  t.equal(queue.status('default', 'a-69'), undefined, 'no status for a refused one');

  const depthBefore = queue.depthOf('default', 'b');
  t.throws(() => queue.enqueue([event('b-x', 'b'), event('b-y', 'b'), event('b-x', 'b')], 3000), 'a RequestId twice in a batch fails it');
  t.equal(queue.depthOf('default', 'b'), depthBefore, 'the failed batch counted nothing');
  t.equal(queue.status('default', 'b-y'), undefined, 'and committed nothing');

  // 40 events for `c`, the 36th repeating the 1st: the 32-row statement ran, the remainder failed.
  const dupes = Array.from({ length: 40 }, (_, i) => event(i === 35 ? 'c-0' : `c-${i}`, 'c'));
  t.throws(() => queue.enqueue(dupes, 4000), 'a duplicate past the first 32 rows fails the batch');
  t.equal(queue.depthOf('default', 'c'), 0, 'nothing of it counted');
  t.equal(queue.status('default', 'c-1'), undefined, 'nothing of its first 32 rows committed');
  t.same(queue.enqueue([event('c-next', 'c')], 5000), ['ok'], 'the next batch commits');
  t.same(queue.lease(6000, 1000).filter((e) => e.functionName === 'c').map((e) => e.requestId), ['c-next'], 'c holds its own event only (no rows left over from the failed batch)');
});
