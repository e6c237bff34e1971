#!/usr/bin/env node
'use strict';
/**
 * Durable enqueues through the control API, this checkout against another
 * build, in the same rounds (issue 14's A/B figure). Both servers run at
 * once with their consumers paused (asyncMaxInFlight 0); each round runs wrk
 * (one thread, pre-signed `Invoke` Event requests, each still verified by
 * the server) against one then the other — the order flips every round, so
 * neither always follows the other — and, with --account, `GetAccount` on
 * the same server right after (a baseline that never touches the queue).
 * Per run: enqueues/s, p50, and the gateway process's CPU µs per request
 * from /proc (the figure that varies least with the neighbours' load).
 * Prints every run, then medians and same-round ratios (this ÷ other).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startIsola } = require('./lib/servers');
const { ApiClient, createFunction, invokeParams, signedRequest } = require('./lib/api');
const { findWrk, runWrk } = require('./lib/wrk');
const { treeCpu } = require('./lib/proc');
const { machine, machineLine, median, printTable, writeResult, option, wantsHelp, fail, run } = require('./lib/report');

const USAGE = `
node bench/async-compare.js --compare <checkout> [--rounds 6] [--duration 5] [--connections 64] [--account]

  --compare      another isola checkout (built: dist/) to run against this one   (env BENCH_COMPARE)
  --rounds       alternating rounds                                               (env BENCH_ROUNDS, default 6)
  --duration     seconds per run                                                  (env BENCH_DURATION, default 5)
  --connections  wrk connections                                                  (env BENCH_CONNECTIONS, default 64)
  --account      also GetAccount after each enqueue run (a baseline without the queue)
`;

const SINK = 'exports.main_handler = async () => 0;\n';

/** Starts a paused-consumer server of `root` with the sink function; its two pre-signed requests. */
async function startTarget(root, config) {
  const server = await startIsola({ root, args: ['--config', config] });
  const client = new ApiClient(server);
  try {
    await createFunction(client, { name: 'sink', files: { 'index.js': SINK } });
  } finally {
    client.close();
  }
  const sign = (action, params) => signedRequest({ url: server.url, credentials: server.credentials, action, params });
  const enqueue = sign('Invoke', { ...invokeParams('sink', { n: 1 }), InvocationType: 'Event', LogType: 'None' });
  const account = sign('GetAccount', {});
  // wrk reads no bodies: each request's answer is checked once here.
  const answer = await fetch(`${server.url}/`, { method: 'POST', headers: enqueue.headers, body: enqueue.body }).then((r) => r.text());
  if (!/"FunctionRequestId":"[0-9a-f-]{36}"/.test(answer) || answer.includes('"Error"')) fail(`${root}: enqueue preflight answered ${answer.slice(0, 300)}`);
  return { server, enqueue, account };
}

/** One wrk run of `request` against `server`, with the gateway's CPU µs per answered request. */
async function measured(server, request, connections, duration) {
  const before = treeCpu(server.pid);
  const r = await runWrk({ url: `${server.url}/`, method: 'POST', headers: request.headers, body: request.body, connections, duration });
  const after = treeCpu(server.pid);
  return { rps: r.rps, p50: r.p50, errors: r.errors, serverUs: r.requests > 0 ? ((after.root - before.root) * 1000) / r.requests : NaN };
}

async function main() {
  if (wantsHelp(USAGE)) return;
  const other = option('compare', 'BENCH_COMPARE', undefined, 'string');
  if (!other) fail('--compare <checkout> is required (another isola checkout with dist/ built)');
  if (!fs.existsSync(path.join(other, 'dist', 'cli', 'main.js'))) fail(`${other} has no dist/cli/main.js: build it first`);
  if (!findWrk()) fail('wrk is not installed (apt-get install wrk)');
  const rounds = option('rounds', 'BENCH_ROUNDS', 6, 'int');
  const duration = option('duration', 'BENCH_DURATION', 5);
  const connections = option('connections', 'BENCH_CONNECTIONS', 64, 'int');
  const withAccount = process.argv.includes('--account');
  const facts = machine();
  console.log(machineLine(facts));

  const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'isola-async-compare-')), 'config.json');
  fs.writeFileSync(config, JSON.stringify({ asyncMaxInFlight: 0, asyncQueueMaxEvents: 10_000_000, burstPerMinute: 0 }));
  const roots = { this: path.resolve(__dirname, '..'), other: path.resolve(other) };
  const targets = {};
  const runs = [];
  try {
    for (const [name, root] of Object.entries(roots)) targets[name] = await startTarget(root, config);
    for (let round = 1; round <= rounds; round++) {
      for (const name of round % 2 === 1 ? ['other', 'this'] : ['this', 'other']) {
        const t = targets[name];
        const e = await measured(t.server, t.enqueue, connections, duration);
        const a = withAccount ? await measured(t.server, t.account, connections, duration) : undefined;
        runs.push({ round, target: name, enqueue: e, account: a, load: os.loadavg()[0] });
        const note = a ? `  GetAccount ${a.rps.toFixed(0)}/s ${a.serverUs.toFixed(1)} µs` : '';
        console.log(`round ${round} ${name.padEnd(5)} ${e.rps.toFixed(0).padStart(6)} enqueues/s  p50 ${e.p50} ms  ${e.serverUs.toFixed(1)} µs/enqueue  errors ${e.errors}${note}  load ${os.loadavg()[0].toFixed(1)}`);
      }
    }
  } finally {
    for (const t of Object.values(targets)) await t.server.stop();
    fs.rmSync(path.dirname(config), { recursive: true, force: true });
  }

  const of = (name) => runs.filter((r) => r.target === name);
  const ratios = (pick) => of('this').map((r) => pick(r) / pick(of('other').find((o) => o.round === r.round)));
  console.log(`\nc=${connections}, ${rounds} alternating rounds of ${duration} s (this = ${roots.this}, other = ${roots.other})`);
  printTable(
    ['', 'enqueues/s median', 'server µs/enqueue median', 'GetAccount µs median'],
    ['this', 'other'].map((n) => [n, median(of(n).map((r) => r.enqueue.rps)), median(of(n).map((r) => r.enqueue.serverUs)), withAccount ? median(of(n).map((r) => r.account.serverUs)) : NaN]),
    { digits: [0, 0, 1, 1] },
  );
  const rps = ratios((r) => r.enqueue.rps);
  const us = ratios((r) => r.enqueue.serverUs);
  console.log(`same-round ratios this ÷ other: enqueues/s ${rps.map((x) => x.toFixed(2)).join(' ')} (median ${median(rps).toFixed(2)}); µs/enqueue ${us.map((x) => x.toFixed(2)).join(' ')} (median ${median(us).toFixed(2)})`);
  const errors = runs.reduce((n, r) => n + r.enqueue.errors, 0);
  if (errors > 0) console.log(`warning: ${errors} enqueues failed`);
  const file = writeResult('async-compare', { machine: facts, settings: { rounds, duration, connections, roots }, runs });
  console.log(`written ${file}`);
}

run(main);
