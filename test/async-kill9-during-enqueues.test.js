'use strict';
// kill -9 of the server at random points during a stream of async enqueues,
// 50 rounds on one data directory: after the last restart every RequestId
// the API returned is executed (its status is FINISHED, written only when a
// run ended ok), and the events the API never acknowledged (committed, but
// the answer died with the process) are at most the requests in flight at
// each kill. Durability is the queue's synchronous=FULL commit before the
// answer (core/async/enqueue.ts).
const path = require('node:path');
const Database = require('better-sqlite3');
const t = require('tap');
const { startServer, persistentServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');

// 50 server starts: about a minute on an idle 2-core machine, several under load.
t.setTimeout(600_000);

const ROUNDS = Number(process.env.ISOLA_KILL_ROUNDS ?? 50);
const STREAMS = 8;

t.test(`kill -9 during enqueues, ${ROUNDS} rounds: nothing acknowledged is lost`, { timeout: 600_000 }, async (t) => {
  // A short lease margin: events leased by a killed server run again 1.2 s later (timeout 1 s + 200 ms).
  const { dataDir, args } = persistentServer(t, { asyncLeaseMarginMs: 200 }, ['--isolate-hosts', '1']);
  const acked = new Set();
  let sent = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const server = await startServer(t, { dataDir, args });
    const client = server.client();
    if (round === 0) await createFunction(client, 'sink', { 'index.js': 'exports.main_handler = async (e) => e.n;' }, { Timeout: 1 });
    let dead = false;
    const stream = async () => {
      while (!dead) {
        sent += 1;
        try {
          const { Result } = await client.Invoke({ FunctionName: 'sink', InvocationType: 'Event', ClientContext: JSON.stringify({ n: sent }) });
          acked.add(Result.FunctionRequestId);
        } catch {
          return; // the server died under this request: it was not acknowledged
        }
      }
    };
    const streams = Array.from({ length: STREAMS }, stream);
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 200));
    dead = true;
    await server.kill9();
    await Promise.all(streams);
  }
  t.ok(acked.size > ROUNDS, `${acked.size} events acknowledged over ${ROUNDS} kills`);

  const server = await startServer(t, { dataDir, args });
  const client = server.client();
  const deadline = Date.now() + 120_000;
  while ((await client.ListAsyncEvents({ FunctionName: 'sink', Status: ['RUNNING'], Limit: 1 })).TotalCount > 0) {
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await server.stop();

  const db = new Database(path.join(dataDir, 'queue.db'), { readonly: true });
  t.teardown(() => db.close());
  const status = new Map(db.prepare('SELECT request_id, status FROM event_status').all().map((r) => [r.request_id, r.status]));
  const missing = [...acked].filter((id) => !status.has(id));
  t.same(missing, [], 'every acknowledged RequestId is in the queue after the kills');
  const notFinished = [...acked].filter((id) => status.get(id) !== 'FINISHED');
  t.same(notFinished, [], 'every acknowledged event was executed');
  const unacknowledged = [...status.keys()].filter((id) => !acked.has(id)).length;
  t.ok(unacknowledged <= ROUNDS * STREAMS, `${unacknowledged} committed but unacknowledged (at most the ${STREAMS} in flight per kill)`);
  t.equal(db.prepare('SELECT count(*) AS n FROM events').get().n, 0, 'the queue is empty');
});
