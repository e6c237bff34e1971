'use strict';
// Regression: a run's settle arriving after its event was terminated must
// not touch a newer event that re-used the freed row id (SQLite hands out
// max(rowid) + 1 again once the table is empty). It acked the newer event
// as FINISHED without running it — seen with a graceful terminate, whose
// run ends seconds after the event left the queue.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const t = require('tap');
const { SqliteEventQueue } = require('../dist/store');

const event = (requestId) => ({ requestId, namespace: 'default', functionName: 'f', qualifier: '$LATEST', payload: '{}', invokeType: 'Event', leaseMs: 1000 });

t.test('a late settle of a terminated event spares the event that took its row id', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-queue-'));
  const queue = new SqliteEventQueue(dir, { maxPerFunction: 10 });
  t.teardown(() => { queue.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  queue.enqueue([event('old')], 1);
  const [old] = queue.lease(1, 1);
  t.ok(queue.abort('default', 'old', 2), 'terminated while running');
  queue.enqueue([event('new')], 3);
  const [fresh] = queue.lease(3, 1);
  t.equal(fresh.id, old.id, 'the new event re-used the row id (the condition of the bug)');

  queue.settle([{ kind: 'ack', id: old.id, requestId: 'old', status: 'FINISHED', statusCode: 200 }], 4);
  t.match(queue.status('default', 'new'), { status: 'RUNNING' }, 'the new event is untouched');
  t.match(queue.status('default', 'old'), { status: 'ABORTED' }, 'the old one stays ABORTED');
  t.equal(queue.depthOf('default', 'f'), 1);

  queue.settle([{ kind: 'ack', id: fresh.id, requestId: 'new', status: 'FINISHED', statusCode: 200 }], 5);
  t.match(queue.status('default', 'new'), { status: 'FINISHED' }, 'its own settle applies');
});
