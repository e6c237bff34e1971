'use strict';
// An async Invoke must not be answered before the queue's WAL is synced:
// enqueues commit without a sync of their own and the RequestId is
// acknowledged only after an fsync that started after the commit ends. The
// server runs in this process with the WAL's sync held back: the API stays
// silent while it is held and answers once it is released. In the queue: a
// sync that started BEFORE a commit does not make that commit durable. A
// failed sync is answered as an error, and nothing is acknowledged after it.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const t = require('tap');
const scf = require('tencentcloud-sdk-nodejs-scf');
const { startPlatform } = require('../dist/core/platform');
const { resolveConfig } = require('../dist/core/config');
const { startGateway } = require('../dist/gateway');
const { makeZip } = require('./helpers/zip');
const { SqliteEventQueue } = require('../dist/store');

const tick = (ms) => new Promise((r) => setTimeout(r, ms));

/** A sync function whose calls wait until the test releases (or fails) them, in order. */
function heldSync() {
  const calls = [];
  const sync = (fd, done) => calls.push({ fd, done });
  return {
    sync,
    calls,
    /** Completes the oldest waiting sync with a real fsync (or the error). */
    release(err = null) {
      const call = calls.shift();
      if (!call) throw new Error('no sync is waiting');
      if (err) call.done(err);
      else fs.fsync(call.fd, call.done);
    },
    async waitFor(n) {
      for (let i = 0; i < 500 && calls.length < n; i++) await tick(10);
      if (calls.length < n) throw new Error(`expected ${n} waiting sync(s), saw ${calls.length}`);
    },
  };
}

async function server(t, held) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-ack-sync-'));
  const config = resolveConfig({ dataDir, deploySample: false, isolateHosts: 1, port: 0, host: '127.0.0.1', asyncMaxInFlight: 0 });
  const { platform } = await startPlatform(config, { syncQueueWal: held.sync });
  const gateway = await startGateway(platform);
  t.teardown(async () => {
    // Whatever is still held completes, so close is not left waiting on the test.
    while (held.calls.length > 0) held.release();
    await gateway.close(1000);
    await platform.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const credentials = JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8'));
  const client = new scf.scf.v20180416.Client({
    credential: { secretId: credentials.SecretId, secretKey: credentials.SecretKey },
    region: 'ap-guangzhou',
    profile: { httpProfile: { protocol: 'http://', endpoint: `127.0.0.1:${gateway.port}`, reqTimeout: 60 } },
  });
  await platform.functions.create('default', 'sink', {
    Runtime: 'Nodejs18.15', Handler: 'index.main_handler', Type: 'Event',
    Code: { ZipFile: makeZip({ 'index.js': 'exports.main_handler = async () => 1;' }).toString('base64') },
  });
  return { platform, client };
}

/** Starts an async Invoke; `state()` says whether it was answered yet. */
function invokeAsync(client, n) {
  let answer;
  const promise = client.Invoke({ FunctionName: 'sink', InvocationType: 'Event', ClientContext: JSON.stringify({ n }) })
    .then((r) => (answer = { ok: r }), (err) => (answer = { err }));
  return { promise, state: () => answer };
}

t.test('the RequestId is answered only after a sync that started after the commit', async (t) => {
  const held = heldSync();
  const { platform, client } = await server(t, held);

  const status = () => platform.async.stats();
  const first = invokeAsync(client, 1);
  for (let i = 0; i < 500 && status().depth < 1; i++) await tick(10);
  t.equal(status().depth, 1, 'the event is committed');
  await tick(300);
  t.equal(first.state(), undefined, 'no answer while the WAL sync is held');
  await held.waitFor(1);

  // Arrives while the first sync is in flight: its commit is held until that sync ends (the sync could not cover it).
  const second = invokeAsync(client, 2);
  await tick(300);
  t.equal(status().depth, 1, 'the second is not committed while the first sync is in flight');
  held.release();
  await first.promise;
  t.ok(first.state().ok?.Result?.FunctionRequestId, 'the first is answered with its RequestId once its sync completed');
  await held.waitFor(1);
  t.equal(status().depth, 2, 'the second is committed once that sync ended, and waits for its own');
  await tick(300);
  t.equal(second.state(), undefined, 'the second is not answered before its own sync');
  held.release();
  await second.promise;
  t.ok(second.state().ok?.Result?.FunctionRequestId, 'the second is answered after its own sync');
  t.not(second.state().ok.Result.FunctionRequestId, first.state().ok.Result.FunctionRequestId);
  t.equal(platform.async.status('default', second.state().ok.Result.FunctionRequestId).status, 'RUNNING', 'queued (the consumer is paused)');
});

t.test('in the queue: a sync in flight at a commit does not make that commit durable', async (t) => {
  const held = heldSync();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-ack-sync-queue-'));
  const queue = new SqliteEventQueue(dir, { maxPerFunction: 10, syncFile: held.sync });
  t.teardown(() => {
    while (held.calls.length > 0) held.release();
    queue.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const event = (id) => ({ requestId: id, namespace: 'default', functionName: 'f', qualifier: '$LATEST', payload: '{}', invokeType: 'Event', leaseMs: 1000 });
  const done = [];
  t.same(queue.enqueue([event('a')], 1), ['ok']);
  const a = queue.durable().then(() => done.push('a'));
  t.equal(held.calls.length, 1, 'one sync started for a');
  t.same(queue.enqueue([event('b')], 2), ['ok']);
  const b = queue.durable().then(() => done.push('b'));
  t.equal(held.calls.length, 1, 'b waits: one sync at a time');
  held.release();
  await a;
  await tick(50);
  t.same(done, ['a'], 'the sync that started before b\'s commit released a only');
  t.equal(held.calls.length, 1, 'the next sync started at once for b');
  held.release();
  await b;
  t.same(done, ['a', 'b']);
  t.equal(queue.stats().syncs, 2, 'two syncs counted');
});

t.test('a failed sync answers an error, and nothing is acknowledged after it', async (t) => {
  const held = heldSync();
  const { client } = await server(t, held);

  const first = invokeAsync(client, 1);
  await held.waitFor(1);
  held.release(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
  await first.promise;
  t.ok(first.state().err, 'the enqueue whose sync failed is not acknowledged');
  t.match(first.state().err.code, /^InternalError/, 'answered as an internal error');

  const second = invokeAsync(client, 2);
  await second.promise;
  t.ok(second.state().err, 'a later enqueue is refused too (a failed fsync may have dropped pages: a later success proves nothing)');
  t.equal(held.calls.length, 0, 'no sync was attempted after the failure');
});
