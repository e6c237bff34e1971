#!/usr/bin/env node
'use strict';
/**
 * The HTTP data plane (issue 5) against raw uWebSockets.js, in the same run.
 *
 * Targets, each in its own server process (this process is the load
 * generator, autocannon):
 *   uWS hello      raw uWS answering `hello` (bench/lib/uws-hello.js): the baseline
 *   isola hello    GET  /default/hello-http/      a web function answering `hello`
 *   isola echo 1K  POST /default/echo-http/       1 KB JSON body parsed and echoed back as JSON
 *   isola 64K      GET  /default/big-http/        a 64 KB response body
 * Rounds alternate the targets at every concurrency (default c=64,256) so
 * drift on the machine hits all alike; ratio = target req/s ÷ uWS hello
 * req/s in the same round and at the same c. Logging and metrics stay on:
 * the figure is the product as users run it.
 *
 * The bench functions run with per-instance concurrency (InstanceConcurrencyConfig
 * MaxConcurrency, `--slots`, default 100), as a web function serving real
 * traffic would: with one request per instance, c=256 on three functions needs
 * ~770 instances, over the spec's scale-out limit of 500 new instances per
 * minute, and the 429s that follow are the platform working as specified, not
 * the data plane's speed. `--slots 1` measures that configuration anyway.
 */
const path = require('node:path');
const { startIsola, startUwsHello } = require('./lib/servers');
const { ApiClient, waitActive } = require('./lib/api');
const { zipFiles } = require('./lib/zip');
const { runRounds, printPerRound, warmUp, summarize, printSummary } = require('./lib/rounds');
const { machine, machineLine, median, printTable, writeResult, option, loadOptions, loadUsage, wantsHelp, fail, run } = require('./lib/report');

const USAGE = `
node bench/http.js [--duration s] [--rounds n] [--connections 64,256] [--warmup s] [--targets names] [--compare dir | --compare-binary file]

${loadUsage('concurrency levels', [64, 256])}
  --targets      comma-separated subset of: hello,echo,64k (env BENCH_TARGETS; uWS hello always runs)
  --slots        per-instance concurrency of the functions (env BENCH_SLOTS, default 100; 1 = one request per instance)
  --compare      another checkout with a built dist/ (env BENCH_COMPARE_ROOT): its server runs beside this one and
                 its targets ("base hello", …) alternate with this build's in the same rounds — the A/B of two builds
  --compare-binary  the same A/B against a single executable (env BENCH_COMPARE_BINARY; \`npm run build:binary\` makes
                 dist/bin/isola): this npm install ÷ the binary
  BENCH_SERVER_ARGS  extra \`isola serve\` flags, e.g. "--isolate-hosts 1"
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

async function createWeb(client, name, source, slots) {
  await client.call('CreateFunction', {
    ...(slots > 1 ? { InstanceConcurrencyConfig: { MaxConcurrency: slots } } : {}),
    FunctionName: name,
    Namespace: 'default',
    Runtime: 'Isolate',
    Type: 'HTTP',
    Handler: 'index.fetch',
    Code: { ZipFile: zipFiles({ 'index.mjs': source }).toString('base64') },
  });
  await waitActive(client, 'default', name);
}

/** The isola targets of one server, named `<label> hello`, `<label> echo 1K`, `<label> 64K`. */
function targetsOf(url, label, wanted) {
  const targets = {};
  if (wanted.has('hello')) targets[`${label} hello`] = { url: `${url}/default/hello-http/`, method: 'GET', verifyBody: (text) => text === 'hello' };
  if (wanted.has('echo')) {
    targets[`${label} echo 1K`] = {
      url: `${url}/default/echo-http/`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: ECHO_BODY,
      verifyBody: (text) => text.startsWith('{"ok":true,"items":24,'),
    };
  }
  if (wanted.has('64k')) targets[`${label} 64K`] = { url: `${url}/default/big-http/`, method: 'GET', verifyBody: (text) => text.length === 64 * 1024 };
  return targets;
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

async function main() {
  if (wantsHelp(USAGE)) return;
  const { duration, rounds, connections, warmup } = loadOptions([64, 256]);
  const slots = option('slots', 'BENCH_SLOTS', 100, 'int');
  const argTargets = process.argv.find((a, i, all) => all[i - 1] === '--targets') ?? process.env.BENCH_TARGETS ?? 'hello,echo,64k';
  const wanted = new Set(argTargets.split(',').map((s) => s.trim()));

  const compareRoot = process.argv.find((a, i, all) => all[i - 1] === '--compare') ?? process.env.BENCH_COMPARE_ROOT;
  const compareBinary = process.argv.find((a, i, all) => all[i - 1] === '--compare-binary') ?? process.env.BENCH_COMPARE_BINARY;
  if (compareRoot && compareBinary) fail('--compare and --compare-binary each add the compared server: give one');

  const facts = machine();
  console.log(machineLine(facts));
  console.log(`http bench: ${rounds} rounds × c=${connections.join(',')} × ${duration} s per target, warm-up ${warmup} s, ${slots} slot(s) per instance\n`);

  let baseline;
  let isola;
  let base;
  const clients = [];
  try {
    baseline = await startUwsHello().catch((err) => fail(`cannot start the uWS baseline: ${err.message}`));
    isola = await startIsola().catch((err) => fail(`cannot start the isola server: ${err.message}`));
    if (compareRoot) base = await startIsola({ root: compareRoot }).catch((err) => fail(`cannot start the isola server of ${compareRoot}: ${err.message}`));
    if (compareBinary) base = await startIsola({ binary: path.resolve(compareBinary) }).catch((err) => fail(`cannot start the isola binary ${compareBinary}: ${err.message}`));

    const targets = {
      'uWS hello': { url: baseline.url, method: 'GET', verifyBody: (text) => text === 'hello' },
    };
    // The compared build's targets run right after this build's in every round, so drift hits both alike.
    for (const [server, label] of [[isola, 'isola'], ...(base ? [[base, 'base']] : [])]) {
      const client = new ApiClient(server);
      clients.push(client);
      for (const [name, source] of [['hello-http', HELLO], ['echo-http', ECHO], ['big-http', BIG]]) {
        await createWeb(client, name, source, slots).catch((err) => fail(`cannot create ${name} on ${label}: ${err.message}`));
      }
      Object.assign(targets, targetsOf(server.url, label, wanted));
    }

    // Preflight: each target answers right once, so a broken runtime is a clear setup failure, not a table of errors.
    for (const [name, target] of Object.entries(targets)) {
      const res = await fetch(target.url, { method: target.method, headers: target.headers, body: target.body });
      const text = await res.text();
      if (res.status !== 200 || !target.verifyBody(text)) fail(`${name} answered ${res.status} ${JSON.stringify(text.slice(0, 200))}`);
    }

    await warmUp(targets, connections, warmup);

    const runs = await runRounds({ rounds, connections, duration, targets, alternate: Boolean(base) });

    printPerRound(runs, 'uWS hello');

    const summary = summarize(runs, Object.keys(targets), connections, 'uWS hello');
    printSummary(summary, rounds);

    if (base) printBuildRatios(runs, connections);

    const hello64 = summary.find((s) => s.target === 'isola hello' && s.connections === 64);
    if (hello64) {
      const verdict = hello64.ratio >= 0.5 && hello64.p99 <= 5 && hello64.errors === 0 ? 'met' : 'NOT met';
      console.log(
        `\ntarget (hello at c=64: ≥ 0.5 × uWS req/s, p99 ≤ 5 ms, 0 errors): ${verdict} — ratio ${hello64.ratio.toFixed(3)}, p99 ${hello64.p99} ms, errors ${hello64.errors}`,
      );
    }

    const file = writeResult('http', {
      settings: { duration, rounds, connections, warmup, slots, targets: Object.keys(targets), serverArgs: process.env.BENCH_SERVER_ARGS ?? '', compareRoot: compareRoot ?? null, compareBinary: compareBinary ?? null },
      summary,
      runs: runs.map(({ sample, ...r }) => ({ ...r, firstError: sample })),
    });
    console.log(`\nwritten ${file}`);
  } finally {
    for (const client of clients) client.close();
    await base?.stop();
    await isola?.stop();
    await baseline?.stop();
  }
}

run(main);
