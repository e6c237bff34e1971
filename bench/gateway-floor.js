#!/usr/bin/env node
'use strict';
/**
 * How much of the gateway's CPU per request is uWebSockets.js work (issue
 * 15): raw uWS answering `hello` the gateway's way, one step at a time
 * (bench/lib/uws-floor.js): in the request handler; in a later turn inside
 * res.cork with an onAborted handler (the gateway answers when the isolate
 * host's frame arrives); and with the status line and two headers written
 * one call each (UwsResponseSink.writeHead). CPU µs per request from /proc,
 * alternating rounds. The rest of the gateway's CPU per request
 * (`node bench/http.js`, "server µs") is isola's own work.
 */
const { startUwsFloor } = require('./lib/servers');
const { runRounds, warmUp } = require('./lib/rounds');
const { runLoad } = require('./lib/load');
const { findWrk, runWrk, wrkVersion } = require('./lib/wrk');
const { withCpu } = require('./lib/proc');
const { machine, machineLine, median, printTable, writeResult, loadOptions, loadUsage, wantsHelp, run } = require('./lib/report');

const USAGE = `
node bench/gateway-floor.js [--duration s] [--rounds n] [--connections 64] [--warmup s]

${loadUsage('concurrency levels', [64])}
`;

const VARIANTS = { sync: 'uWS sync', deferred: 'uWS deferred+cork', head: 'uWS deferred+head' };

async function main() {
  if (wantsHelp(USAGE)) return;
  const { duration, rounds, connections, warmup } = loadOptions([64]);
  const m = machine();
  console.log(machineLine(m));
  const wrk = findWrk();
  const load = withCpu(wrk ? runWrk : runLoad);
  const generator = wrk ? `${wrkVersion(wrk)}, -t1` : 'autocannon';
  console.log(`gateway floor: ${rounds} rounds × c=${connections.join(',')} × ${duration} s per variant, warm-up ${warmup} s; load generator ${generator}\n`);
  const servers = {};
  try {
    for (const [variant, name] of Object.entries(VARIANTS)) servers[name] = await startUwsFloor(variant);
    const targets = Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, { url: s.url, pid: s.pid }]));
    await warmUp(targets, connections, warmup, load);
    const runs = await runRounds({ rounds, connections, duration, targets, load, alternate: true });
    const rows = [];
    for (const c of connections) {
      for (const name of Object.keys(targets)) {
        const mine = runs.filter((r) => r.connections === c && r.target === name);
        rows.push([c, name, median(mine.map((r) => r.rps)), median(mine.map((r) => r.cpuUs.server)), mine.reduce((n, r) => n + r.errors, 0)]);
      }
    }
    console.log(`\nsummary (${generator}): median of ${rounds} rounds; CPU µs/req of the server process from /proc`);
    printTable(['c', 'variant', 'req/s', 'CPU µs/req', 'errors'], rows, { digits: [0, 0, 0, 1, 0] });
    const file = writeResult('gateway-floor', { machine: m, generator, duration, rounds, connections, runs });
    console.log(`\nwritten ${file}`);
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
}

run(main);
