#!/usr/bin/env node
'use strict';
/**
 * Where a data-plane request's CPU goes (issue 15): one isola server with
 * V8's sampling profiler on in the gateway and in every isolate host
 * (`--cpu-prof`), a hello web function (default settings, or `--slots N`)
 * under wrk/autocannon load for `--duration` seconds, then the top
 * functions by self time per process, and CPU µs per request per process
 * from /proc. The .cpuprofile files stay in the printed directory (open
 * them in Chrome DevTools → Performance). With `--ws`: a WebSocket echo
 * function under ping-pong load (bench/lib/ws-load.js), CPU µs per message.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startIsola } = require('./lib/servers');
const { ApiClient, waitActive } = require('./lib/api');
const { zipFiles } = require('./lib/zip');
const { runLoad } = require('./lib/load');
const { findWrk, runWrk } = require('./lib/wrk');
const { runWsLoad } = require('./lib/ws-load');
const { treeCpu } = require('./lib/proc');
const { ECHO } = require('./lib/ws-echo-module');
const { machine, machineLine, printTable, option, wantsHelp, fail, run } = require('./lib/report');

const USAGE = `
node bench/profile-http.js [--duration s] [--connections n] [--slots n] [--top n] [--ws]

  --duration     seconds of load (env BENCH_DURATION, default 10)
  --connections  connections (env BENCH_CONNECTIONS, default 64)
  --slots        MaxConcurrency of the function (env BENCH_SLOTS, default 0 = default settings)
  --top          functions listed per process (default 25)
  --ws           a WebSocket echo function under ping-pong load (bench/ws.js's), per message
`;

const HELLO = `export default { fetch() { return new Response('hello'); } };\n`;

/** Self time per function (ms) of one .cpuprofile, largest first. */
function selfTimes(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return { total, rows: [...self.entries()].sort((a, b) => b[1] - a[1]) };
}

async function main() {
  if (wantsHelp(USAGE)) return;
  const duration = option('duration', 'BENCH_DURATION', 10);
  const connections = option('connections', 'BENCH_CONNECTIONS', 64, 'int');
  const slots = option('slots', 'BENCH_SLOTS', 0, 'int', { allowZero: true });
  const top = option('top', 'BENCH_TOP', 25, 'int');
  const ws = process.argv.includes('--ws');
  console.log(machineLine(machine()));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-profile-'));
  const gatewayDir = path.join(dir, 'gateway');
  const hostsDir = path.join(dir, 'hosts');
  fs.mkdirSync(gatewayDir);
  fs.mkdirSync(hostsDir);
  const cfg = path.join(dir, 'config.json');
  // As bench/ws.js: ping-pong at full speed exceeds the per-connection upstream limits.
  fs.writeFileSync(cfg, JSON.stringify({ wsMaxMessagesPerSecond: 1e9, wsMaxBytesPerSecond: 1e12 }));
  let isola;
  let client;
  try {
    isola = await startIsola({
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${gatewayDir}`],
      args: ws ? ['--config', cfg] : [],
      env: { ISOLA_HOST_V8_FLAGS: `--cpu-prof --cpu-prof-dir=${hostsDir}` },
    }).catch((err) => fail(`cannot start the isola server: ${err.message}`));
    client = new ApiClient(isola);
    await client.call('CreateFunction', {
      FunctionName: 'hello',
      Namespace: 'default',
      Runtime: 'Isolate',
      Type: 'HTTP',
      Handler: 'index.fetch',
      ...(ws ? { ProtocolType: 'WS', Timeout: 900, ProtocolParams: { WSParams: { IdleTimeOut: 900 } } } : {}),
      ...(slots > 0 ? { InstanceConcurrencyConfig: { MaxConcurrency: slots } } : {}),
      Code: { ZipFile: zipFiles({ 'index.mjs': ws ? ECHO : HELLO }).toString('base64') },
    });
    await waitActive(client, 'default', 'hello');
    const url = `${ws ? isola.url.replace('http', 'ws') : isola.url}/default/hello/`;
    const load = ws ? runWsLoad : findWrk() ? runWrk : runLoad;
    const generator = ws ? 'ws ping-pong' : findWrk() ? 'wrk' : 'autocannon';
    const unit = ws ? 'message' : 'request';
    await load({ url, connections, duration: 2 }); // warm-up (JIT), not profiled apart: short against the run
    const before = treeCpu(isola.pid);
    const r = await load({ url, connections, duration });
    const after = treeCpu(isola.pid);
    console.log(`${generator} c=${connections} ${duration} s, ${slots > 0 ? `MaxConcurrency ${slots}` : 'default settings'}: ` +
      `${r.rps.toFixed(0)} ${ws ? 'msg' : 'req'}/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}`);
    console.log(`CPU per ${unit} (/proc): gateway ${((after.root - before.root) * 1000 / r.requests).toFixed(1)} µs, ` +
      `isolate hosts ${((after.children - before.children) * 1000 / r.requests).toFixed(1)} µs`);
  } finally {
    client?.close();
    await isola?.stop(); // the profiles are written at exit
  }
  for (const [label, d] of [['gateway', gatewayDir], ['isolate hosts', hostsDir]]) {
    for (const file of fs.readdirSync(d).filter((f) => f.endsWith('.cpuprofile'))) {
      const { total, rows } = selfTimes(path.join(d, file));
      console.log(`\n${label}: ${file} — top ${top} by self time (of ${total.toFixed(0)} ms sampled)`);
      printTable(['self ms', '%', 'function'], rows.slice(0, top).map(([name, ms]) => [ms, (100 * ms) / total, name]), { digits: [0, 1] });
    }
  }
  console.log(`\nprofiles: ${dir}`);
}

run(main);
