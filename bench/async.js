#!/usr/bin/env node
'use strict';
/**
 * Async invocation (issue 14): durable enqueues per second, enqueue → start
 * latency, queue drain rate, and what one enqueue costs in fsyncs
 * (each commit is one sync of the queue's WAL, synchronous = FULL).
 *
 *  0. The queue alone, in this process (no HTTP, no signing): c concurrent
 *     submitters through the group commit into SqliteEventQueue — what the
 *     queue can take, and its fsyncs per enqueue.
 *  1. Enqueue rate at each concurrency: the load generator replays one
 *     signed `Invoke` (InvocationType Event) against a server whose consumer
 *     is paused (asyncMaxInFlight 0), so only enqueues are measured; every
 *     request is still verified (signature, timestamp, secret) and every 200
 *     answer carries a RequestId the server committed first. The load
 *     generator is wrk when installed (C, one thread: ~20-35 µs of CPU per
 *     request, reported as "client µs"), else autocannon in this process
 *     (JavaScript, several times that, on the same 2 cores). The server's
 *     own cost is read from /proc: CPU µs of the gateway process per
 *     request ("server µs"); 1e6 / server µs is what its one event loop
 *     could answer if it had a core to itself ("ceiling/s"; the fsync of
 *     each group commit blocks the loop on top of that). fsyncs per
 *     enqueue come from GET /metrics (isola_async_queue_syncs_total /
 *     isola_async_enqueued_total) over the run: one per enqueue commit,
 *     shared by the batch (group commit). Baselines in the same run,
 *     same server: GetAccount (the control API's floor: signature check,
 *     routing, envelope) and a sync `Invoke` of the same function.
 *  2. Drain rate: that server is stopped with its events queued and started
 *     again on the same data directory with the consumer on; events/s from
 *     "listening" until the queue is empty, for a function that takes ~1 ms.
 *  3. Enqueue → start latency with an idle function: events sent one at a
 *     time (spaced out), the handler returns Date.now() at its start; the
 *     time from sending the Invoke to that, p50/p99.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { startIsola } = require('./lib/servers');
const { ApiClient, createFunction, invokeParams, signedRequest } = require('./lib/api');
const { runLoad } = require('./lib/load');
const { findWrk, runWrk } = require('./lib/wrk');
const { treeCpu } = require('./lib/proc');
const { GroupCommit } = require('../dist/core/async/group-commit');
const { SqliteEventQueue } = require('../dist/store/queue');
const { machine, machineLine, percentile, printTable, writeResult, option, wantsHelp, fail, run } = require('./lib/report');

const USAGE = `
node bench/async.js [--duration s] [--connections 1,16,64] [--samples n]

  --duration     seconds per enqueue run             (env BENCH_DURATION, default 5)
  --connections  concurrency levels of the enqueues  (env BENCH_CONNECTIONS, default 1,16,64)
  --samples      enqueue → start latency samples     (env BENCH_SAMPLES, default 200)
  BENCH_LOAD     wrk | autocannon (default: wrk when installed)
  BENCH_SERVER_ARGS  extra \`isola serve\` flags
`;

const SINK = 'exports.main_handler = async (e) => { const end = Date.now() + 1; while (Date.now() < end); return e.n ?? 0; };\n';
const STAMP = 'exports.main_handler = async () => Date.now();\n';

/** Scrapes GET /metrics for the async queue counters. */
function queueCounters(url) {
  return new Promise((resolve, reject) => {
    http.get(`${url}/metrics`, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        const read = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
        resolve({ enqueued: read('isola_async_enqueued_total'), syncs: read('isola_async_queue_syncs_total'), depth: read('isola_async_queue_depth') });
      });
    }).on('error', reject);
  });
}

/** c submitters, each awaiting its durable enqueue before the next, for `seconds`; in this process. */
async function queueAlone(c, seconds) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-bench-queue-'));
  const queue = new SqliteEventQueue(dir, { maxPerFunction: 100_000_000 });
  const group = new GroupCommit((events) => queue.enqueue(events, Date.now()));
  const payload = JSON.stringify({ n: 1, pad: 'x'.repeat(200) });
  let n = 0;
  const end = Date.now() + seconds * 1000;
  const latencies = [];
  const worker = async () => {
    while (Date.now() < end) {
      const t = process.hrtime.bigint();
      await group.submit({ requestId: `r-${c}-${n++}`, namespace: 'default', functionName: 'f', qualifier: '$LATEST', payload, invokeType: 'Event', leaseMs: 13_000 });
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: c }, worker));
  const secs = (Date.now() - started) / 1000;
  const { syncs, enqueued } = queue.stats();
  queue.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { connections: c, enqueuesPerSec: enqueued / secs, p50: percentile(latencies, 50), p99: percentile(latencies, 99), syncsPerEnqueue: syncs / enqueued };
}

/**
 * One load run against the server at `url` with its CPU cost: `serverUs` (the gateway process)
 * and `hostsUs` (its children, the isolate hosts) per answered request, from /proc, and
 * `clientUs` (the load generator's CPU per request: wrk's, or this process's for autocannon).
 */
async function measuredLoad(server, useWrk, options) {
  const before = treeCpu(server.pid);
  const ownBefore = process.cpuUsage();
  const r = useWrk ? await runWrk({ ...options, clientCpu: true }) : await runLoad(options);
  const own = process.cpuUsage(ownBefore);
  const after = treeCpu(server.pid);
  const per = (ms) => (r.requests > 0 ? (ms * 1000) / r.requests : NaN);
  const clientMs = useWrk ? r.clientCpuMs : (own.user + own.system) / 1000;
  return { ...r, serverUs: per(after.root - before.root), hostsUs: per(after.children - before.children), clientUs: per(clientMs) };
}

async function main() {
  if (wantsHelp(USAGE)) return;
  const duration = option('duration', 'BENCH_DURATION', 5);
  const connections = option('connections', 'BENCH_CONNECTIONS', [1, 16, 64], 'list');
  const samples = option('samples', 'BENCH_SAMPLES', 200, 'int');
  const loadName = process.env.BENCH_LOAD ?? (findWrk() ? 'wrk' : 'autocannon');
  if (loadName !== 'wrk' && loadName !== 'autocannon') fail(`BENCH_LOAD must be wrk or autocannon, got ${loadName}`);
  const useWrk = loadName === 'wrk';
  const facts = machine();
  console.log(machineLine(facts));

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-bench-async-'));
  const configOf = (settings) => {
    const file = path.join(dataDir, '..', `${path.basename(dataDir)}-${Object.values(settings).join('-')}.json`);
    fs.writeFileSync(file, JSON.stringify(settings));
    return file;
  };
  // burstPerMinute 0: the scale-out limit (500 new instances a minute) would otherwise throttle the
  // drain's cold starts and measure the burst bucket's refill instead of the queue.
  const paused = configOf({ asyncMaxInFlight: 0, asyncQueueMaxEvents: 10_000_000, burstPerMinute: 0 });
  const running = configOf({ asyncQueueMaxEvents: 10_000_000, burstPerMinute: 0 });
  let server;
  let client;
  const result = { queueAlone: [], enqueue: [], drain: null, latency: null };
  for (const c of connections) result.queueAlone.push(await queueAlone(c, duration));
  try {
    // 1. Enqueue rate, consumer paused.
    server = await startIsola({ dataDir, args: ['--config', paused] }).catch((err) => fail(`cannot start the isola server: ${err.message}`));
    client = new ApiClient(server);
    await createFunction(client, { name: 'sink', files: { 'index.js': SINK } }).catch((err) => fail(`cannot create the sink function: ${err.message}`));
    const enqueue = signedRequest({ url: server.url, credentials: server.credentials, action: 'Invoke', params: { ...invokeParams('sink', { n: 1 }), InvocationType: 'Event', LogType: 'None' } });
    const sync = signedRequest({ url: server.url, credentials: server.credentials, action: 'Invoke', params: invokeParams('sink', { n: 1 }) });
    const okAsync = (text) => /"FunctionRequestId":"[0-9a-f-]{36}"/.test(text) && !text.includes('"Error"');
    const floor = signedRequest({ url: server.url, credentials: server.credentials, action: 'GetAccount', params: {} });
    const okSync = (text) => /"InvokeResult":\s*0[,}]/.test(text);
    const okFloor = (text) => text.includes('"RequestId"') && !text.includes('"Error"');
    // wrk cannot check bodies: each request is checked once here, and wrk counts non-2xx answers.
    if (useWrk) {
      for (const [what, r, ok] of [['GetAccount', floor, okFloor], ['Invoke Event', enqueue, okAsync], ['Invoke', sync, okSync]]) {
        const answer = await fetch(`${server.url}/`, { method: 'POST', headers: r.headers, body: r.body }).then((res) => res.text());
        if (!ok(answer)) fail(`${what} preflight: unexpected answer ${answer.slice(0, 300)}`);
      }
    }
    const load = (r, c, verifyBody) => measuredLoad(server, useWrk, { url: `${server.url}/`, method: 'POST', headers: r.headers, body: r.body, connections: c, duration, verifyBody });
    for (const c of connections) {
      const f = await load(floor, c, okFloor);
      const before = await queueCounters(server.url);
      const a = await load(enqueue, c, okAsync);
      const after = await queueCounters(server.url);
      const s = await load(sync, c, okSync);
      const enqueued = after.enqueued - before.enqueued;
      const syncs = after.syncs - before.syncs;
      result.enqueue.push({
        connections: c, enqueuesPerSec: a.rps, p50: a.p50, p99: a.p99, errors: a.errors, firstError: a.sample,
        enqueued, syncs, syncsPerEnqueue: enqueued ? syncs / enqueued : NaN, syncInvokesPerSec: s.rps, syncErrors: s.errors, apiFloorPerSec: f.rps,
        serverUs: a.serverUs, clientUs: a.clientUs, ceilingPerSec: 1e6 / a.serverUs, apiFloorServerUs: f.serverUs, syncServerUs: s.serverUs, syncHostsUs: s.hostsUs,
      });
    }
    const queued = (await queueCounters(server.url)).depth;
    client.close();
    await server.stop();

    // 2. Drain: the same data directory, consumer on.
    const t0 = Date.now();
    server = await startIsola({ dataDir, args: ['--config', running] }).catch((err) => fail(`cannot restart the isola server: ${err.message}`));
    const listening = Date.now();
    for (;;) {
      const { depth } = await queueCounters(server.url);
      if (depth === 0) break;
      if (Date.now() - listening > 600_000) fail(`the queue did not drain in 10 minutes (${depth} left)`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const drainMs = Date.now() - listening;
    result.drain = { events: queued, ms: drainMs, eventsPerSec: queued / (drainMs / 1000), startMs: listening - t0 };

    // 3. Enqueue → start latency, idle function.
    client = new ApiClient(server);
    await createFunction(client, { name: 'stamp', files: { 'index.js': STAMP } });
    const sent = [];
    for (let i = 0; i < samples; i++) {
      const at = Date.now();
      const { response } = await client.timedCall('Invoke', { FunctionName: 'stamp', InvocationType: 'Event', ClientContext: '{}' });
      sent.push({ id: response.Result.FunctionRequestId, at, acked: Date.now() });
      await new Promise((r) => setTimeout(r, 20));
    }
    while ((await queueCounters(server.url)).depth > 0) await new Promise((r) => setTimeout(r, 50));
    const fromSend = [];
    const fromAck = [];
    for (const s of sent) {
      const { response } = await client.timedCall('GetFunctionLogs', { FunctionName: 'stamp', FunctionRequestId: s.id, StartTime: new Date(s.at - 60_000).toISOString().replace('T', ' ').slice(0, 19), EndTime: new Date(Date.now() + 1000).toISOString().replace('T', ' ').slice(0, 19) });
      const started = Number(response.Data?.[0]?.RetMsg);
      if (!Number.isFinite(started)) continue;
      fromSend.push(started - s.at);
      fromAck.push(started - s.acked);
    }
    result.latency = { samples: fromSend.length, sendToStartP50: percentile(fromSend, 50), sendToStartP99: percentile(fromSend, 99), ackToStartP50: percentile(fromAck, 50), ackToStartP99: percentile(fromAck, 99) };
  } finally {
    client?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    for (const f of [paused, running]) fs.rmSync(f, { force: true });
  }

  console.log('\nthe queue alone (in-process group commit into queue.db; an enqueue commit is one WAL fsync, synchronous = FULL)');
  printTable(
    ['c', 'enqueues/s', 'p50 ms', 'p99 ms', 'fsyncs/enqueue'],
    result.queueAlone.map((r) => [r.connections, r.enqueuesPerSec, r.p50, r.p99, r.syncsPerEnqueue]),
    { digits: [0, 0, 2, 2, 4] },
  );
  console.log(`\ndurable enqueues through the signed control API (consumer paused; load generator ${loadName}); baselines on the same server: GetAccount, sync Invoke`);
  console.log('server µs = CPU of the gateway process per request (/proc); ceiling/s = 1e6 / server µs; client µs = the load generator\'s CPU per request');
  printTable(
    ['c', 'enqueues/s', 'p50 ms', 'p99 ms', 'errors', 'fsyncs/enqueue', 'server µs', 'ceiling/s', 'client µs', 'GetAccount/s', 'its server µs', 'sync invokes/s', 'its server µs'],
    result.enqueue.map((r) => [r.connections, r.enqueuesPerSec, r.p50, r.p99, r.errors, r.syncsPerEnqueue, r.serverUs, r.ceilingPerSec, r.clientUs, r.apiFloorPerSec, r.apiFloorServerUs, r.syncInvokesPerSec, r.syncServerUs]),
    { digits: [0, 0, 2, 2, 0, 4, 1, 0, 1, 0, 1, 0, 1] },
  );
  const d = result.drain;
  console.log(`\ndrain: ${d.events} events of a ~1 ms function in ${d.ms} ms after restart = ${Math.round(d.eventsPerSec)} events/s (server start ${d.startMs} ms)`);
  const l = result.latency;
  console.log(`enqueue → start, idle function (${l.samples} samples): send→start p50 ${l.sendToStartP50.toFixed(1)} ms, p99 ${l.sendToStartP99.toFixed(1)} ms; ack→start p50 ${l.ackToStartP50.toFixed(1)} ms, p99 ${l.ackToStartP99.toFixed(1)} ms`);
  const file = writeResult('async', { machine: facts, settings: { duration, connections, samples, load: loadName, server: process.env.BENCH_ISOLA_ROOT ?? 'this checkout', serverArgs: process.env.BENCH_SERVER_ARGS ?? '' }, ...result });
  console.log(`\nwritten ${file}`);
  for (const r of result.enqueue) {
    if (r.errors > 0) console.log(`warning: c=${r.connections}: ${r.errors} enqueues failed (${r.firstError})`);
    if (r.syncErrors > 0) console.log(`warning: c=${r.connections}: ${r.syncErrors} sync invokes failed`);
  }
}

run(main);
