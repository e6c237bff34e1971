#!/usr/bin/env node
'use strict';
/**
 * The HTTP data plane (issues 5, 15) against raw uWebSockets.js and
 * workerd, in the same run.
 *
 * Targets, each in its own server process (this process drives the load
 * generator: wrk when installed, else autocannon — the table says which):
 *   uWS hello         raw uWS answering `hello` (bench/lib/uws-hello.js): the baseline
 *   workerd hello     workerd serving the same hello module file (bench/lib/workerd.js)
 *   isola hello       GET  /default/hello-http/   the hello module, deployed with default settings
 *   isola hello c100  GET  /default/hello-c100/   the same, InstanceConcurrencyConfig MaxConcurrency 100
 *   isola echo 1K     POST /default/echo-http/    1 KB JSON body parsed and echoed back as JSON (default settings)
 *   isola 64K         GET  /default/big-http/     a 64 KB response body (default settings)
 * Rounds run every target at every concurrency (default c=64 and c=1, one
 * connection back to back), in reverse order every other round, so drift
 * on the machine hits all alike; ratios are target req/s ÷ uWS (or
 * workerd) req/s in the same round and at the same c, and the summary
 * gives medians over rounds. Logging and metrics stay on: the figure is
 * the product as users run it.
 */
const path = require('node:path');
const { startIsola, startUwsHello } = require('./lib/servers');
const { startWorkerd } = require('./lib/workerd');
const { ApiClient, waitActive } = require('./lib/api');
const { zipFiles } = require('./lib/zip');
const { runRounds, warmUp, medians } = require('./lib/rounds');
const { runLoad } = require('./lib/load');
const { findWrk, runWrk, wrkVersion } = require('./lib/wrk');
const { withCpu } = require('./lib/proc');
const { machine, machineLine, median, printTable, writeResult, loadOptions, loadUsage, wantsHelp, fail, run } = require('./lib/report');

const USAGE = `
node bench/http.js [--duration s] [--rounds n] [--connections 64,1] [--warmup s] [--targets names] [--load wrk|autocannon] [--compare checkout | --compare-binary file]

${loadUsage('concurrency levels', [64, 1])}
  --targets      comma-separated subset of: workerd,hello,c100,echo,64k (env BENCH_TARGETS; uWS hello always runs)
  --load         load generator (env BENCH_LOAD): wrk (default when installed; one thread) or autocannon
  --compare      another checkout with a built dist/ (env BENCH_COMPARE_ROOT): its server runs beside this one and
                 its targets ("base hello", …) alternate with this build's in the same rounds — the A/B of two builds
  --compare-binary  the same A/B against a single executable (env BENCH_COMPARE_BINARY; \`npm run build:binary\` makes
                 dist/bin/isola): this npm install ÷ the binary
  BENCH_SERVER_ARGS  extra \`isola serve\` flags, e.g. "--isolate-hosts 1"
  BENCH_WORKERD      a workerd binary to use instead of the one the bench installs into bench/.workerd/
`;

const HELLO = `export default { fetch() { return new Response('hello'); } };\n`;
const ECHO = `export default {
  async fetch(request) {
    const data = await request.json();
    return new Response(JSON.stringify({ ok: true, items: data.items.length, data }), { headers: { 'content-type': 'application/json' } });
  },
};\n`;
const BIG = `const body = new Uint8Array(64 * 1024).fill(120);
export default { fetch() { return new Response(body, { headers: { 'content-type': 'application/octet-stream' } }); } };\n`;

// ~1 KB of JSON.
const ECHO_BODY = JSON.stringify({ items: Array.from({ length: 24 }, (_, i) => ({ id: i, name: `item-${i}`, ok: i % 2 === 0 })) });

/** Creates a web function from `source`; `slots` > 0 sets InstanceConcurrencyConfig.MaxConcurrency, 0 keeps the platform's default. */
async function createWeb(client, name, source, slots) {
  await client.call('CreateFunction', {
    ...(slots > 0 ? { InstanceConcurrencyConfig: { MaxConcurrency: slots } } : {}),
    FunctionName: name,
    Namespace: 'default',
    Runtime: 'Isolate',
    Type: 'HTTP',
    Handler: 'index.fetch',
    Code: { ZipFile: zipFiles({ 'index.mjs': source }).toString('base64') },
  });
  await waitActive(client, 'default', name);
}

/** The functions every isola server gets: [name, source, slots (0 = default settings)]. */
const FUNCTIONS = [
  ['hello-http', HELLO, 0],
  ['hello-c100', HELLO, 100],
  ['echo-http', ECHO, 0],
  ['big-http', BIG, 0],
];

/** The isola targets of one server, named `<label> hello`, `<label> hello c100`, `<label> echo 1K`, `<label> 64K`. */
function targetsOf({ url, pid }, label, wanted) {
  const targets = {};
  if (wanted.has('hello')) targets[`${label} hello`] = { url: `${url}/default/hello-http/`, pid, method: 'GET', verifyBody: (text) => text === 'hello' };
  if (wanted.has('c100')) targets[`${label} hello c100`] = { url: `${url}/default/hello-c100/`, pid, method: 'GET', verifyBody: (text) => text === 'hello' };
  if (wanted.has('echo')) {
    targets[`${label} echo 1K`] = {
      url: `${url}/default/echo-http/`,
      pid,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: ECHO_BODY,
      verifyBody: (text) => text.startsWith('{"ok":true,"items":24,'),
    };
  }
  if (wanted.has('64k')) targets[`${label} 64K`] = { url: `${url}/default/big-http/`, pid, method: 'GET', verifyBody: (text) => text.length === 64 * 1024 };
  return targets;
}

/** Medians over rounds per c and target, with the ratios to uWS hello and workerd hello in the same round (median of per-round ratios). */
function summarize(runs, names, connections) {
  const summary = [];
  for (const c of connections) {
    for (const target of names) {
      const rs = runs.filter((r) => r.connections === c && r.target === target);
      const ratioTo = (baseline) => {
        const ratios = rs.map((r) => {
          const b = runs.find((x) => x.round === r.round && x.connections === c && x.target === baseline);
          return b ? r.rps / b.rps : NaN;
        });
        return ratios.some(Number.isNaN) ? null : median(ratios);
      };
      summary.push({
        connections: c,
        target,
        ...medians(rs),
        ratioUws: ratioTo('uWS hello'),
        ratioWorkerd: ratioTo('workerd hello'),
        cpuUsServer: median(rs.map((r) => r.cpuUs.server)),
        cpuUsHosts: median(rs.map((r) => r.cpuUs.hosts)),
      });
    }
  }
  return summary;
}

function printSummary(summary, rounds, generator) {
  console.log(`\nsummary (${generator}): median of ${rounds} rounds, errors summed; × = req/s ÷ that target's in the same round;`);
  console.log('CPU µs/req from /proc: "server" = the server process (isola: the gateway), "hosts" = its isolate host processes');
  printTable(
    ['c', 'target', 'req/s', 'p50 ms', 'p99 ms', 'errors', '× uWS', '× workerd', 'server µs', 'hosts µs'],
    summary.map((s) => [s.connections, s.target, s.rps, s.p50, s.p99, s.errors, s.ratioUws, s.ratioWorkerd, s.cpuUsServer, s.cpuUsHosts]),
    { digits: [0, 0, 0, 3, 2, 0, 3, 2, 0, 0] },
  );
}

/** This build ÷ the compared build, per target and c: the median of the per-round ratios (both measured in the same round). */
function printBuildRatios(runs, connections) {
  const rows = [];
  for (const c of connections) {
    for (const r of runs.filter((x) => x.connections === c && x.round === 1 && x.target.startsWith('isola '))) {
      const name = r.target.slice('isola '.length);
      const ratios = runs
        .filter((x) => x.connections === c && x.target === r.target)
        .map((x) => x.rps / runs.find((b) => b.round === x.round && b.connections === c && b.target === `base ${name}`).rps);
      rows.push([c, name, median(ratios), Math.min(...ratios), Math.max(...ratios)]);
    }
  }
  console.log('\nthis build ÷ compared build (req/s, per round)');
  printTable(['c', 'target', 'median', 'min', 'max'], rows, { digits: [0, 0, 3, 3, 3] });
}

/** The issue-15 targets, checked against the summary: [what, met, figure]. */
function verdicts(summary) {
  const at = (target, c) => summary.find((s) => s.target === target && s.connections === c);
  const out = [];
  const hello = at('isola hello', 64);
  const c100 = at('isola hello c100', 64);
  const one = at('isola hello', 1);
  if (hello && hello.ratioWorkerd !== null) out.push(['default hello c=64 ≥ 1.5 × workerd (goal 3)', hello.ratioWorkerd >= 1.5, `${hello.ratioWorkerd.toFixed(2)} ×`]);
  if (c100) out.push(['hello c100 c=64 ≥ 0.35 × raw uWS (goal 0.6)', c100.ratioUws >= 0.35, `${c100.ratioUws.toFixed(3)} ×`]);
  for (const s of [hello, c100]) if (s) out.push([`${s.target} c=64 p99 ≤ 10 ms, 0 errors`, s.p99 <= 10 && s.errors === 0, `p99 ${s.p99} ms, ${s.errors} errors`]);
  if (one) out.push(['default hello c=1 p50 ≤ 250 µs', one.p50 <= 0.25, `p50 ${Math.round(one.p50 * 1000)} µs`]);
  return out;
}

async function main() {
  if (wantsHelp(USAGE)) return;
  const { duration, rounds, connections, warmup } = loadOptions([64, 1]);
  const argTargets = process.argv.find((a, i, all) => all[i - 1] === '--targets') ?? process.env.BENCH_TARGETS ?? 'workerd,hello,c100,echo,64k';
  const wanted = new Set(argTargets.split(',').map((s) => s.trim()));
  const compareRoot = process.argv.find((a, i, all) => all[i - 1] === '--compare') ?? process.env.BENCH_COMPARE_ROOT;
  const compareBinary = process.argv.find((a, i, all) => all[i - 1] === '--compare-binary') ?? process.env.BENCH_COMPARE_BINARY;
  if (compareRoot && compareBinary) fail('--compare and --compare-binary each add the compared server: give one');
  const loadName = process.argv.find((a, i, all) => all[i - 1] === '--load') ?? process.env.BENCH_LOAD ?? (findWrk() ? 'wrk' : 'autocannon');
  if (loadName !== 'wrk' && loadName !== 'autocannon') fail(`--load / BENCH_LOAD expects wrk or autocannon, got "${loadName}"`);
  if (loadName === 'wrk' && !findWrk()) fail('--load wrk: wrk is not installed (apt-get install wrk)');
  const load = withCpu(loadName === 'wrk' ? runWrk : runLoad);
  const generator = loadName === 'wrk' ? `${wrkVersion()}, -t1` : 'autocannon (in the bench process)';

  const facts = machine();
  console.log(machineLine(facts));
  console.log(`http bench: ${rounds} rounds × c=${connections.join(',')} × ${duration} s per target, warm-up ${warmup} s; load generator ${generator}\n`);

  let baseline;
  let workerd;
  let isola;
  let base;
  const clients = [];
  try {
    baseline = await startUwsHello().catch((err) => fail(`cannot start the uWS baseline: ${err.message}`));
    if (wanted.has('workerd')) workerd = await startWorkerd(HELLO).catch((err) => fail(`cannot start workerd: ${err.message}`));
    isola = await startIsola().catch((err) => fail(`cannot start the isola server: ${err.message}`));
    if (compareRoot) base = await startIsola({ root: compareRoot }).catch((err) => fail(`cannot start the isola server of ${compareRoot}: ${err.message}`));
    if (compareBinary) base = await startIsola({ binary: path.resolve(compareBinary) }).catch((err) => fail(`cannot start the isola binary ${compareBinary}: ${err.message}`));

    const targets = {
      'uWS hello': { url: baseline.url, pid: baseline.pid, method: 'GET', verifyBody: (text) => text === 'hello' },
      ...(workerd ? { 'workerd hello': { url: workerd.url, pid: workerd.pid, method: 'GET', verifyBody: (text) => text === 'hello' } } : {}),
    };
    // The compared build's targets run right after this build's in every round, so drift hits both alike.
    for (const [server, label] of [[isola, 'isola'], ...(base ? [[base, 'base']] : [])]) {
      const client = new ApiClient(server);
      clients.push(client);
      for (const [name, source, slots] of FUNCTIONS) {
        await createWeb(client, name, source, slots).catch((err) => fail(`cannot create ${name} on ${label}: ${err.message}`));
      }
      Object.assign(targets, targetsOf(server, label, wanted));
    }

    // Preflight: each target answers right once, so a broken runtime is a clear setup failure, not a table of errors
    // (and the only body check wrk gets: it reads no bodies).
    for (const [name, target] of Object.entries(targets)) {
      const res = await fetch(target.url, { method: target.method, headers: target.headers, body: target.body });
      const text = await res.text();
      if (res.status !== 200 || !target.verifyBody(text)) fail(`${name} answered ${res.status} ${JSON.stringify(text.slice(0, 200))}`);
    }

    await warmUp(targets, connections, warmup, load);

    const runs = await runRounds({ rounds, connections, duration, targets, load, alternate: true });

    const summary = summarize(runs, Object.keys(targets), connections);
    printSummary(summary, rounds, generator);

    if (base) printBuildRatios(runs, connections);

    const checks = verdicts(summary);
    if (checks.length > 0) {
      console.log('\ntargets (issue 15)');
      printTable(['target', 'met', 'measured'], checks.map(([what, met, figure]) => [what, met ? 'yes' : 'NO', figure]));
    }

    const file = writeResult('http', {
      settings: { duration, rounds, connections, warmup, generator, targets: Object.keys(targets), serverArgs: process.env.BENCH_SERVER_ARGS ?? '', compareRoot: compareRoot ?? null, compareBinary: compareBinary ?? null, workerd: workerd?.version ?? null },
      summary,
      targets: checks.map(([what, met, measured]) => ({ what, met, measured })),
      runs: runs.map(({ sample, ...r }) => ({ ...r, firstError: sample })),
    });
    console.log(`\nwritten ${file}`);
  } finally {
    for (const client of clients) client.close();
    await base?.stop();
    await isola?.stop();
    await workerd?.stop();
    await baseline?.stop();
  }
}

run(main);
