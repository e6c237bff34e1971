'use strict';
// The async CLI against a real server (issue 14): `config set --retries
// --max-age --dead-letter`, `invoke --async`, `async list|get`, `dlq
// list|redrive` — a failing event lands in a dead-letter queue, is listed,
// and after a fix is re-driven to FINISHED.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { until } = require('./helpers/wait');
const { isola } = require('./helpers/cli');

t.test('fire and forget, see the fate, dead-letter and re-drive from the CLI', async (t) => {
  const server = await startServer(t);
  await createFunction(server.client(), 'flaky', {
    'index.js': 'exports.main_handler = async (e) => { if (process.env.MODE !== "fixed") throw new Error("not yet " + e.n); return { n: e.n }; };',
  });

  const set = await isola(server, ['config', 'set', 'flaky', '--retries', '0', '--max-age', '1h', '--dead-letter', 'queue:parked']);
  t.equal(set.code, 0, set.stderr);
  t.match(set.stdout, /AsyncRetries:\s+0\n/);
  t.match(set.stdout, /AsyncMaxAge:\s+3600s\n/);
  t.match(set.stdout, /DeadLetter:\s+queue:parked\n/);

  const queued = await isola(server, ['invoke', 'flaky', '--async', '--event', '{"n":5}']);
  t.equal(queued.code, 0, queued.stderr);
  const id = queued.stdout.trim();
  t.match(id, /^[0-9a-f-]{36}$/, 'invoke --async prints the RequestId');

  const failed = await until('FAILED', async () => {
    const got = await isola(server, ['async', 'get', 'flaky', id]);
    return /Status:\s+FAILED/.test(got.stdout) && got;
  });
  t.match(failed.stdout, /StatusCode:\s+430/);
  const list = await isola(server, ['async', 'list', 'flaky', '--status', 'failed']);
  t.match(list.stdout, /^REQUEST ID\s+STATUS\s+TYPE/);
  t.match(list.stdout, new RegExp(`${id}\\s+FAILED\\s+Event\\s+\\$LATEST`));

  const dead = await isola(server, ['dlq', 'list', 'parked']);
  t.equal(dead.code, 0, dead.stderr);
  t.match(dead.stdout, new RegExp(`1\\s+parked\\s+${id}\\s+flaky\\s+1\\s.*not yet 5`));

  t.equal((await isola(server, ['config', 'set', 'flaky', '--env', 'MODE=fixed'])).code, 0);
  const redrive = await isola(server, ['dlq', 'redrive', 'parked']);
  t.equal(redrive.stdout, `re-drove 1 event(s) from parked\n${id}\n`);
  await until('FINISHED after the re-drive', async () => /Status:\s+FINISHED/.test((await isola(server, ['async', 'get', 'flaky', id])).stdout));
  t.match((await isola(server, ['dlq', 'list', 'parked'])).stdout, /^ID\s+QUEUE.*\n$/, 'the queue is empty');

  const stopped = await isola(server, ['async', 'stop', 'flaky', id]);
  t.equal(stopped.code, 1, 'a finished event cannot be stopped');
  t.match(stopped.stderr, /^isola: FailedOperation.AsyncEventStatus: Async event \S+ is FINISHED/);

  const bad = await isola(server, ['config', 'set', 'flaky', '--dead-letter', 'bogus']);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /--dead-letter expects fn:<function>, queue:<name> or none/);
  const badStatus = await isola(server, ['async', 'list', 'flaky', '--status', 'done']);
  t.equal(badStatus.code, 1);
  t.match(badStatus.stderr, /--status expects one of RUNNING, FINISHED, FAILED, ABORTED/);
});
