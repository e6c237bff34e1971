#!/usr/bin/env node
'use strict';
/**
 * WebSocket functions (issue 6) against raw uWebSockets.js, in the same run.
 *
 * 1. Echo throughput: `--connections` sockets (default 100) each play
 *    ping-pong (send, wait for the echo, send again) against
 *      uWS echo          raw uWS echoing every message (bench/lib/uws-echo.js): the baseline
 *      isola echo        a WebSocket web function echoing every message, default settings
 *      isola echo c100   the same with InstanceConcurrencyConfig MaxConcurrency 100
 *    in alternating rounds; ratio = isola messages/s ÷ uWS messages/s in the
 *    same round (the summary: median of those per-round ratios), and CPU µs
 *    per echoed message from /proc: the server process (isola: the gateway)
 *    and its isolate hosts apart. The isola server runs with the per-connection upstream limits
 *    (10 messages/s, 128 KB/s) raised, which ping-pong at full speed exceeds.
 * 2. Idle memory: `--idle` connections (default 10,000) held open to one
 *    function with per-instance concurrency 100, against as many instances
 *    with one connection each (see idleMemory). The server's memory is RSS and
 *    PSS of its whole process tree: gateway + isolate hosts.
 * Logging and metrics stay on.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startIsola, startUwsEcho } = require('./lib/servers');
const { ApiClient, waitActive } = require('./lib/api');
const { zipFiles } = require('./lib/zip');
const { ECHO } = require('./lib/ws-echo-module');
const { runRounds, printPerRound, warmUp, summarize, printSummary } = require('./lib/rounds');
const { runWsLoad, open, close } = require('./lib/ws-load');
const { runLoad } = require('./lib/load');
const { treeMemory, withCpu } = require('./lib/proc');
const { machine, machineLine, median, printTable, writeResult, option, loadOptions, loadUsage, wantsHelp, fail, run } = require('./lib/report');

const USAGE = `
node bench/ws.js [--duration s] [--rounds n] [--connections 100] [--warmup s] [--idle n] [--compare checkout]

${loadUsage('echo connections', [100])}
  --idle         idle connections for the memory figure (env BENCH_IDLE, default 10000; 0 = skip)
  --compare      another checkout with a built dist/ (env BENCH_COMPARE_ROOT): its server's echo functions
                 ("base echo", "base echo c100") run in the same rounds as this build's
  BENCH_SERVER_ARGS  extra \`isola serve\` flags
`;

async function createWs(client, name, slots) {
  await client.call('CreateFunction', {
    FunctionName: name,
    Namespace: 'default',
    Runtime: 'Isolate',
    Type: 'HTTP',
    Handler: 'index.fetch',
    ProtocolType: 'WS',
    Timeout: 900,
    ProtocolParams: { WSParams: { IdleTimeOut: 900 } },
    // slots 0: the platform's default settings.
    ...(slots > 0 ? { InstanceConcurrencyConfig: { MaxConcurrency: slots } } : {}),
    Code: { ZipFile: zipFiles({ 'index.mjs': ECHO }).toString('base64') },
  });
  await waitActive(client, 'default', name);
}

const mb = (kb) => kb / 1024;

/**
 * Per c and target: the median, min and max over rounds of msg/s ÷ uWS echo msg/s in the same
 * round (a loaded machine moves every target of a round together), and the median CPU µs per
 * echoed message of the server process and of its isolate hosts.
 */
function sameRoundFigures(runs, names, connections) {
  const out = [];
  for (const c of connections) {
    for (const target of names) {
      const rs = runs.filter((r) => r.connections === c && r.target === target);
      const ratios = rs.map((r) => r.rps / runs.find((b) => b.round === r.round && b.connections === c && b.target === 'uWS echo').rps);
      out.push({
        connections: c,
        target,
        ratio: median(ratios),
        minRatio: Math.min(...ratios),
        maxRatio: Math.max(...ratios),
        cpuUsServer: median(rs.map((r) => r.cpuUs.server)),
        cpuUsHosts: median(rs.map((r) => r.cpuUs.hosts)),
      });
    }
  }
  return out;
}

/** Opens `n` sockets in batches (a burst of 10,000 handshakes at once only measures the accept queue). */
async function openMany(url, n) {
  const sockets = [];
  for (let i = 0; i < n; i += 500) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(500, n - i) }, () => open(url)))));
  }
  return sockets;
}

async function settle(ms = 2000) {
  await new Promise((r) => setTimeout(r, ms));
}

async function instancesOf(isola) {
  const text = await (await fetch(`${isola.url}/metrics`)).text();
  const busy = Number(/isola_instances\{state="busy"\} (\d+)/.exec(text)?.[1] ?? NaN);
  const idle = Number(/isola_instances\{state="idle"\} (\d+)/.exec(text)?.[1] ?? NaN);
  return busy + idle;
}

/**
 * Memory of idle connections beyond their instances'. An instance that has
 * done some work holds more than a fresh one (its young generation is touched
 * through), and the instances holding 100 connections each have accepted 100
 * upgrades; so the instance cost is measured on instances warmed by traffic:
 *   A: ws-one (concurrency 1) under HTTP load at c=100 (→ ~100 warm instances),
 *      then one connection on each: instance cost = (A − none) ÷ instances
 *   B: `count` connections to ws-idle (concurrency 100) → count/100 instances
 *   per connection = ((B − A) − new instances × instance cost) ÷ count
 * Every figure is RSS or PSS of the server's whole process tree.
 */
async function idleMemory(isola, client, count) {
  await createWs(client, 'ws-one', 1);
  await createWs(client, 'ws-idle', 100);
  const base = isola.url.replace('http', 'ws');
  const read = async (label) => {
    await settle();
    const m = treeMemory(isola.pid);
    return { label, rssKb: m.rssKb, pssKb: m.pssKb, instances: await instancesOf(isola), perProcess: m.perProcess };
  };
  const none = await read('no connection');
  await runLoad({ url: `${isola.url}/default/ws-one/`, connections: 100, duration: 3 });
  const warm = (await instancesOf(isola)) - none.instances;
  const one = await openMany(`${base}/default/ws-one/`, warm);
  const a = await read(`A: ${warm} warm instances × 1 connection`);
  const many = await openMany(`${base}/default/ws-idle/`, count);
  const b = await read(`B: + ${count} connections, 100 per instance`);
  await Promise.all([...one, ...many].map(close));
  const added = b.instances - a.instances;
  const per = (key) => {
    const instance = (a[key] - none[key]) / a.instances;
    return { instance, connection: (b[key] - a[key] - added * instance) / count };
  };
  const rss = per('rssKb');
  const pss = per('pssKb');
  return {
    steps: [none, a, b],
    perInstanceKb: { rss: rss.instance, pss: pss.instance },
    perConnectionKb: { rss: rss.connection, pss: pss.connection },
  };
}

async function main() {
  if (wantsHelp(USAGE)) return;
  const { duration, rounds, connections, warmup } = loadOptions([100]);
  const idle = option('idle', 'BENCH_IDLE', 10_000, 'int', { allowZero: true });

  const facts = machine();
  console.log(machineLine(facts));
  console.log(`ws bench: ${rounds} rounds × c=${connections.join(',')} × ${duration} s, warm-up ${warmup} s; ${idle} idle connections\n`);

  const cfgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-bench-ws-'));
  const cfg = path.join(cfgDir, 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ wsMaxMessagesPerSecond: 1e9, wsMaxBytesPerSecond: 1e12 }));
  let baseline;
  let isola;
  let client;
  let base;
  let baseClient;
  const compareRoot = process.argv.find((a, i, all) => all[i - 1] === '--compare') ?? process.env.BENCH_COMPARE_ROOT;
  try {
    baseline = await startUwsEcho().catch((err) => fail(`cannot start the uWS baseline: ${err.message}`));
    isola = await startIsola({ args: ['--config', cfg] }).catch((err) => fail(`cannot start the isola server: ${err.message}`));
    client = new ApiClient(isola);
    await createWs(client, 'ws-echo', 0).catch((err) => fail(`cannot create ws-echo: ${err.message}`));
    await createWs(client, 'ws-echo-c100', 100).catch((err) => fail(`cannot create ws-echo-c100: ${err.message}`));

    const targets = {
      'uWS echo': { url: baseline.url.replace('http', 'ws'), pid: baseline.pid },
      'isola echo': { url: `${isola.url.replace('http', 'ws')}/default/ws-echo/`, pid: isola.pid },
      'isola echo c100': { url: `${isola.url.replace('http', 'ws')}/default/ws-echo-c100/`, pid: isola.pid },
    };
    if (compareRoot) {
      base = await startIsola({ root: compareRoot, args: ['--config', cfg] }).catch((err) => fail(`cannot start the isola server of ${compareRoot}: ${err.message}`));
      baseClient = new ApiClient(base);
      await createWs(baseClient, 'ws-echo', 0).catch((err) => fail(`cannot create ws-echo on ${compareRoot}: ${err.message}`));
      await createWs(baseClient, 'ws-echo-c100', 100).catch((err) => fail(`cannot create ws-echo-c100 on ${compareRoot}: ${err.message}`));
      targets['base echo'] = { url: `${base.url.replace('http', 'ws')}/default/ws-echo/`, pid: base.pid };
      targets['base echo c100'] = { url: `${base.url.replace('http', 'ws')}/default/ws-echo-c100/`, pid: base.pid };
    }
    for (const [name, target] of Object.entries(targets)) {
      const r = await runWsLoad({ ...target, connections: 1, duration: 0.2 }).catch((err) => fail(`${name}: ${err.message}`));
      if (r.requests === 0 || r.errors > 0) fail(`${name} did not echo (${JSON.stringify(r.breakdown)} ${r.sample ?? ''})`);
    }
    await warmUp(targets, connections, warmup, runWsLoad);
    const runs = await runRounds({ rounds, connections, duration, targets, load: withCpu(runWsLoad), unit: 'msg/s', alternate: true });
    printPerRound(runs, 'uWS echo', 'msg/s');
    const summary = summarize(runs, Object.keys(targets), connections, 'uWS echo');
    printSummary(summary, rounds, 'msg/s', 3);
    const sameRound = sameRoundFigures(runs, Object.keys(targets), connections);
    console.log('\nsame-round ratios (median over rounds of msg/s ÷ uWS echo msg/s in that round) and CPU µs per echoed message from /proc');
    console.log('("server" = the server process, isola: the gateway; "hosts" = its isolate host processes)');
    printTable(
      ['c', 'target', '× uWS', 'min', 'max', 'server µs', 'hosts µs', 'total µs'],
      sameRound.map((f) => [f.connections, f.target, f.ratio, f.minRatio, f.maxRatio, f.cpuUsServer, f.cpuUsHosts, f.cpuUsServer + f.cpuUsHosts]),
      { digits: [0, 0, 3, 3, 3, 1, 1, 1] },
    );
    for (const c of connections) {
      const echo = sameRound.find((f) => f.target === 'isola echo' && f.connections === c);
      const errors = summary.find((s) => s.target === 'isola echo' && s.connections === c).errors;
      console.log(`target (isola echo, default settings, c=${c}, ≥ 0.5 × uWS messages/s, same round): ${echo.ratio >= 0.5 && errors === 0 ? 'met' : 'NOT met'} — ratio ${echo.ratio.toFixed(3)}`);
    }

    let memory = null;
    if (idle > 0) {
      console.log(`\nidle memory: ${idle} connections to one function, 100 per instance (server process tree)`);
      memory = await idleMemory(isola, client, idle);
      printTable(
        ['step', 'RSS MB', 'PSS MB', 'instances'],
        memory.steps.map((s) => [s.label, mb(s.rssKb), mb(s.pssKb), s.instances]),
        { digits: [0, 1, 1, 0] },
      );
      const per = memory.perConnectionKb;
      const [, a, b] = memory.steps;
      console.log(`by process (PSS MB, A → B): ${b.perProcess.map((p) => `${mb(a.perProcess.find((q) => q.pid === p.pid)?.pssKb ?? 0).toFixed(1)} → ${mb(p.pssKb).toFixed(1)}`).join(', ')}`);
      console.log(`per warm instance with one connection ((A − none) ÷ ${a.instances}): RSS ${memory.perInstanceKb.rss.toFixed(0)} KB, PSS ${memory.perInstanceKb.pss.toFixed(0)} KB`);
      console.log(`per idle connection beyond the instances: RSS ${per.rss.toFixed(2)} KB, PSS ${per.pss.toFixed(2)} KB`);
      console.log(`target (≤ 20 KB per idle connection beyond the instance cost): ${per.pss <= 20 ? 'met' : 'NOT met'}`);
    }

    const file = writeResult('ws', {
      settings: { duration, rounds, connections, warmup, idle, compareRoot: compareRoot ?? null, serverArgs: process.env.BENCH_SERVER_ARGS ?? '' },
      summary,
      sameRound,
      runs: runs.map(({ sample, ...r }) => ({ ...r, firstError: sample })),
      memory,
    });
    console.log(`\nwritten ${file}`);
  } finally {
    client?.close();
    baseClient?.close();
    await base?.stop();
    await isola?.stop();
    await baseline?.stop();
    fs.rmSync(cfgDir, { recursive: true, force: true });
  }
}

run(main);
