#!/usr/bin/env node
'use strict';
/**
 * Cold start p50/p99 by phase, and the end-to-end latency of a cold invoke
 * against a warm invoke of the same function (the baseline, same run).
 *
 * Creates N functions with distinct code (so each needs its own instance),
 * then for each one: a first Invoke with LogType Tail (cold; its log carries
 * `Init Report … Coldstart:Xms PullCode:Xms InitRuntime:Xms InitFunction:Xms`)
 * and a second one (warm). Invokes are sequential over one keep-alive
 * connection, so the figures are latencies, not throughput. The very first
 * cold start after the server starts (isolate host warm-up) is measured on
 * an extra function and reported apart.
 *
 * `--http` (issue 15): the functions are web functions (a Workers-style hello
 * module, default settings) and each is called as a user's client calls it,
 * `fetch` from Node over a kept-alive loopback connection: the first request
 * (cold) against the second (warm), the phases read from the cold request's
 * Init Report in GetFunctionLogs. The warm baseline is a third request, 50 ms
 * after the second (which follows the cold one at once and is shown apart: it
 * meets the host's refill of its pre-warmed isolates). The time outside the Init Report is split
 * by the two calls' Report Duration: the handler's first run in the new
 * isolate (cold Duration − warm Duration), and the rest (the gateway's store
 * look-ups and target, placement on a host, the frames both ways).
 *
 * Provisioned vs not (same run): P more functions are published as version 1
 * with one provisioned instance each (PutProvisionedConcurrencyConfig); once
 * every one is ready, each function's first call of version 1 (provisioned)
 * and its first call of $LATEST (same code, not provisioned: a cold start)
 * are timed end to end.
 */
const { startIsola } = require('./lib/servers');
const { nodeCompatOption, ApiClient, createFunction, invoke, invokeParams, planNamespaces, waitActive } = require('./lib/api');
const { zipFiles } = require('./lib/zip');
const { machine, machineLine, percentile, printTable, writeResult, option, wantsHelp, fail, run } = require('./lib/report');

const USAGE = `
node bench/coldstart.js [--functions n] [--gap ms] [--http]

  --functions  cold starts to measure, one function each (env BENCH_FUNCTIONS, default 50)
  --gap        pause between one function's invokes and the next cold start (env BENCH_GAP, default 20;
               0 = back to back, a burst that may outrun the hosts' refill of pre-warmed isolates)
  --http       web functions called with fetch (GET /<namespace>/<function>/) instead of event functions and Invoke
               (env BENCH_HTTP=1)
  --provisioned  functions of the provisioned-vs-not comparison (env BENCH_PROVISIONED, default 20; 0 = skip)
  --provisioned-runtime  Isolate | Python3.9 | Nodejs18.15: their runtime (env BENCH_PROVISIONED_RUNTIME, default Isolate)
  --node-compat  off | on | import: the isolate Node.js compatibility flag for the functions (env BENCH_NODE_COMPAT, default off;
               import = flag on and buffer, events, util, path required by every function)
  ISOLA_SPARES  passed through to the server's isolate hosts (pre-warmed isolates per memory size)
  BENCH_SERVER_ARGS  extra \`isola serve\` flags
`;

const TARGET_P50_MS = 5;
const INIT_REPORT = /Init Report RequestId: \S+ Coldstart:([\d.]+)ms PullCode:([\d.]+)ms InitRuntime:([\d.]+)ms InitFunction:([\d.]+)ms/;
/** Web functions: the warm request waits this long after the one that follows the cold request (see coldAndWarm). */
const WARM_AFTER_MS = 50;
/** The invocation's Duration (the handler's run, without the cold start; whole ms: the host times it with Date.now()). */
const REPORT = /(?:^|\n)Report RequestId: \S+ Duration:([\d.]+)ms/;

const code = (i) => `// bench function ${i}\nconst id = ${i};\nexports.main_handler = async (event) => ({ hello: event.name, id });\n`;
const webCode = (i) => `// bench function ${i}\nconst id = ${i};\nexport default { fetch() { return new Response('hello ' + id); } };\n`;

/** One GET through the data plane: { ms (client round trip), requestId, body }; throws unless 200. */
async function get(url) {
  const started = process.hrtime.bigint();
  const res = await fetch(url);
  const body = await res.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status} ${body.slice(0, 200)}`);
  return { ms, requestId: res.headers.get('x-scf-request-id'), body };
}

/** The stored log text of `requestId` (records are committed in batches: polled for up to 5 s). */
async function logOf(client, fn, requestId) {
  for (let i = 0; i < 50; i++) {
    const page = await client.call('GetFunctionLogs', { FunctionName: fn.name, Namespace: fn.namespace, Limit: 10, Order: 'asc' });
    const item = page.Data.find((d) => d.RequestId === requestId);
    if (item) return item.Log;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no log record of ${requestId} (${fn.namespace}/${fn.name})`);
}

/** Creates one web function (default settings) from `files` and waits until it is Active. */
async function createWeb(client, fn, files, env) {
  await client.call('CreateFunction', {
    FunctionName: fn.name,
    Namespace: fn.namespace,
    Runtime: 'Isolate',
    Type: 'HTTP',
    Handler: 'index.fetch',
    Code: { ZipFile: zipFiles(files).toString('base64') },
    ...(env ? { Environment: { Variables: Object.entries(env).map(([Key, Value]) => ({ Key, Value })) } } : {}),
  });
  await waitActive(client, fn.namespace, fn.name);
}

/** The cold and warm call of one function: { cold: { ms, log }, warm: { ms, log } } (event: Invoke with Tail; web: fetch + stored log). */
async function coldAndWarm(client, isola, fn, web) {
  if (web) {
    const url = `${isola.url}/${fn.namespace}/${fn.name}/`;
    const cold = await get(url);
    // The request right after the cold one meets the host's refill of its pre-warmed isolates
    // (making an isolate holds the host's thread for 1–15 ms); the warm baseline comes after it.
    const next = await get(url);
    await new Promise((r) => setTimeout(r, WARM_AFTER_MS));
    const warm = await get(url);
    if (cold.body !== `hello ${fn.index}`) fail(`${fn.name} answered ${JSON.stringify(cold.body)}, expected "hello ${fn.index}"`);
    return { cold: { ms: cold.ms, requestId: cold.requestId }, next: { ms: next.ms }, warm: { ms: warm.ms, requestId: warm.requestId } };
  }
  const event = { name: 'bench' };
  const cold = await invoke(client, { ...fn, event, tail: true });
  const warm = await invoke(client, { ...fn, event, tail: true });
  const expected = JSON.stringify({ hello: 'bench', id: fn.index });
  if (cold.result.RetMsg !== expected) fail(`${fn.name} answered ${JSON.stringify(cold.result.RetMsg)}, expected ${expected}`);
  return { cold: { ms: cold.ms, log: String(cold.result.Log ?? '') }, warm: { ms: warm.ms, log: String(warm.result.Log ?? '') } };
}

/** The comparison's function per runtime (Isolate's gets the compatibility prelude too). */
const PROVISIONED_CODE = {
  Isolate: (i) => ({ 'index.js': code(i) }),
  'Python3.9': (i) => ({ 'index.py': `# bench function ${i}\nID = ${i}\n\ndef main_handler(event, context):\n    return {"hello": event.get("name"), "id": ID}\n` }),
  'Nodejs18.15': (i) => ({ 'index.js': code(i) }),
};

async function main() {
  if (wantsHelp(USAGE)) return;
  const count = option('functions', 'BENCH_FUNCTIONS', 50, 'int');
  const gap = option('gap', 'BENCH_GAP', 20, 'number', { allowZero: true });
  const provisionedCount = option('provisioned', 'BENCH_PROVISIONED', 20, 'int', { allowZero: true });
  const runtimeAt = process.argv.indexOf('--provisioned-runtime');
  const provisionedRuntime = runtimeAt > 0 ? process.argv[runtimeAt + 1] : process.env.BENCH_PROVISIONED_RUNTIME ?? 'Isolate';
  if (!PROVISIONED_CODE[provisionedRuntime]) fail(`--provisioned-runtime must be one of ${Object.keys(PROVISIONED_CODE).join(', ')}, got ${provisionedRuntime}`);
  const compat = nodeCompatOption();
  const web = process.argv.includes('--http') || process.env.BENCH_HTTP === '1';
  console.log(`node compatibility set: ${compat.mode}`);
  const facts = machine();
  console.log(machineLine(facts));

  let isola;
  let client;
  try {
    isola = await startIsola().catch((err) => fail(`cannot start the isola server: ${err.message}`));
    client = new ApiClient(isola);
    // One slot more than measured: the first function absorbs the host's first-ever cold start.
    const plan = await planNamespaces(client, count + 1 + provisionedCount);
    if (plan.slots.length < count + 1 + provisionedCount) {
      fail(`the server allows ${plan.capacity} functions (${plan.namespacesAllowed} namespaces × ${plan.perNamespace}); ask for at most ${plan.capacity - 1} in all (--functions + --provisioned)`);
    }
    console.log(
      `cold start bench${web ? ' (web functions, fetch)' : ''}: ${count} functions (+1 warm-up) in ${new Set(plan.slots.map((s) => s.namespace)).size} namespace(s), ` +
        `${gap} ms between cold starts${process.env.ISOLA_SPARES !== undefined ? `, ISOLA_SPARES=${process.env.ISOLA_SPARES}` : ''}\n`,
    );

    const provisionedSlots = plan.slots.splice(count + 1, provisionedCount);
    const fns = plan.slots.map((slot) => ({ namespace: slot.namespace, name: `cold-${slot.index}`, index: slot.index }));
    for (const fn of fns) {
      const created = web
        ? createWeb(client, fn, { 'index.mjs': compat.prelude + webCode(fn.index) }, compat.env)
        : createFunction(client, { namespace: fn.namespace, name: fn.name, files: { 'index.js': compat.prelude + code(fn.index) }, env: compat.env });
      await created.catch((err) => fail(`cannot create ${fn.namespace}/${fn.name}: ${err.message}`));
    }

    const samples = [];
    let first;
    // Let the hosts settle after the functions were created (code unpacked, spares made) before the first cold start.
    await new Promise((r) => setTimeout(r, 500));
    for (const fn of fns) {
      if (gap > 0) await new Promise((r) => setTimeout(r, gap));
      let calls;
      try {
        calls = await coldAndWarm(client, isola, fn, web);
      } catch (err) {
        fail(`the calls of ${fn.namespace}/${fn.name} failed: ${err.message}`);
      }
      const sample = { function: `${fn.namespace}/${fn.name}`, fn, coldE2e: calls.cold.ms, warmE2e: calls.warm.ms, cold: calls.cold, warm: calls.warm };
      if (calls.next) sample.nextE2e = calls.next.ms;
      if (first === undefined) first = sample;
      else samples.push(sample);
    }
    // The phases, from each cold call's Init Report (web calls: read from the stored logs now, after the timed part).
    for (const sample of [first, ...samples]) {
      const { cold, warm, fn } = sample;
      const coldLog = cold.log ?? (await logOf(client, fn, cold.requestId));
      const warmLog = warm.log ?? (await logOf(client, fn, warm.requestId));
      const m = INIT_REPORT.exec(coldLog);
      if (!m) fail(`the cold call of ${fn.name} has no Init Report line in its log:\n${coldLog}`);
      if (INIT_REPORT.test(warmLog)) console.log(`note: the second call of ${fn.name} was a cold start too (instance not reused)`);
      const coldRun = REPORT.exec(coldLog);
      const warmRun = REPORT.exec(warmLog);
      if (!coldRun || !warmRun) fail(`a call of ${fn.name} has no Report line in its log:\n${coldRun ? warmLog : coldLog}`);
      Object.assign(sample, {
        coldstart: Number(m[1]), pullCode: Number(m[2]), initRuntime: Number(m[3]), initFunction: Number(m[4]),
        coldDuration: Number(coldRun[1]), warmDuration: Number(warmRun[1]),
      });
      delete sample.fn;
      delete sample.cold;
      delete sample.warm;
    }

    const rows = [
      ['Coldstart (server, total)', 'coldstart'],
      ['  PullCode', 'pullCode'],
      ['  InitRuntime', 'initRuntime'],
      ['  InitFunction', 'initFunction'],
      ['cold call, end to end', 'coldE2e'],
      ...(web ? [['second call, right after the cold one', 'nextE2e']] : []),
      [web ? `warm call (${WARM_AFTER_MS} ms after the second), end to end` : 'warm call, end to end', 'warmE2e'],
      ['cold − warm − Coldstart (outside the Init Report)', 'outside'],
      ['  first run in the new isolate (cold − warm Duration)', 'firstRun'],
      ['  the rest: gateway look-ups, placement, frames', 'rest'],
    ];
    // The Duration split: the handler's first run in a fresh isolate (its bootstrap code not yet
    // compiled/optimised) against its second; whole ms each, so read the mean, not the p50.
    for (const s of samples) {
      s.outside = s.coldE2e - s.warmE2e - s.coldstart;
      s.firstRun = s.coldDuration - s.warmDuration;
      s.rest = s.outside - s.firstRun;
    }
    const stats = {};
    for (const [, key] of rows) {
      const values = samples.map((s) => s[key]);
      stats[key] = {
        p50: percentile(values, 50),
        p99: percentile(values, 99),
        min: Math.min(...values),
        max: Math.max(...values),
        mean: values.reduce((a, b) => a + b, 0) / values.length,
      };
    }
    console.log(`${samples.length} cold starts (ms; end to end = client round trip of ${web ? 'a GET (fetch)' : 'Invoke'} over a kept-alive connection)`);
    printTable(
      ['phase', 'p50', 'p99', 'mean', 'min', 'max'],
      rows.map(([label, key]) => [label, stats[key].p50, stats[key].p99, stats[key].mean, stats[key].min, stats[key].max]),
      { digits: [0, 3, 3, 3, 3, 3] },
    );
    const ratioP50 = stats.coldE2e.p50 / stats.warmE2e.p50;
    const ratioP99 = stats.coldE2e.p99 / stats.warmE2e.p99;
    console.log(`\ncold ÷ warm end to end: p50 ${ratioP50.toFixed(2)}×, p99 ${ratioP99.toFixed(2)}×`);
    console.log(`extra cold cost p50: ${(stats.coldE2e.p50 - stats.warmE2e.p50).toFixed(3)} ms`);
    console.log(`first cold start after server start (excluded above): Coldstart ${first.coldstart} ms, end to end ${first.coldE2e.toFixed(3)} ms`);
    const meets = stats.coldstart.p50 <= TARGET_P50_MS;
    console.log(`target: Coldstart p50 ≤ ${TARGET_P50_MS} ms — ${meets ? 'met' : 'NOT met'} (${stats.coldstart.p50} ms)`);

    const provisioned = provisionedCount > 0 ? await provisionedVsNot(client, provisionedSlots, compat, provisionedRuntime) : null;

    const file = writeResult('coldstart', {
      settings: { functions: count, gapMs: gap, web, serverArgs: process.env.BENCH_SERVER_ARGS ?? '', isolaSpares: process.env.ISOLA_SPARES },
      target: { coldstartP50Ms: TARGET_P50_MS, met: meets },
      stats,
      ratio: { coldOverWarmP50: ratioP50, coldOverWarmP99: ratioP99 },
      first,
      samples,
      provisioned,
    });
    console.log(`\nwritten ${file}`);
  } finally {
    client?.close();
    await isola?.stop();
  }
}

/**
 * Publishes each slot's function as version 1 with one provisioned instance,
 * waits until all are ready, then times each function's first call of
 * version 1 (provisioned) and of $LATEST (cold). Prints the table; returns the stats.
 */
async function provisionedVsNot(client, slots, compat, runtime) {
  const fns = slots.map((slot) => ({ namespace: slot.namespace, name: `prov-${slot.index}`, index: slot.index }));
  for (const fn of fns) {
    const isolate = runtime === 'Isolate';
    const files = isolate ? { 'index.js': compat.prelude + code(fn.index) } : PROVISIONED_CODE[runtime](fn.index);
    await createFunction(client, { namespace: fn.namespace, name: fn.name, files, runtime, env: isolate ? compat.env : undefined });
    await client.call('PublishVersion', { FunctionName: fn.name, Namespace: fn.namespace });
    await client.call('PutProvisionedConcurrencyConfig', { FunctionName: fn.name, Namespace: fn.namespace, Qualifier: '1', VersionProvisionedConcurrencyNum: 1 });
  }
  const until = Date.now() + 120_000;
  for (const fn of fns) {
    for (;;) {
      const { Allocated } = await client.call('GetProvisionedConcurrencyConfig', { FunctionName: fn.name, Namespace: fn.namespace, Qualifier: '1' });
      if (Allocated?.[0]?.Status === 'Done') break;
      if (Date.now() > until) fail(`${fn.name}: provisioned instance not ready after 120 s: ${JSON.stringify(Allocated)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const timed = async (fn, qualifier) => {
    const { response, ms } = await client.timedCall('Invoke', { ...invokeParams(fn.name, { name: 'bench' }, fn.namespace), Qualifier: qualifier, LogType: 'Tail' });
    if (response.Result?.InvokeResult !== 0) fail(`${fn.name}:${qualifier} failed: ${JSON.stringify(response.Result).slice(0, 300)}`);
    return { ms, cold: INIT_REPORT.test(String(response.Result.Log ?? '')) };
  };
  const provisioned = [];
  const cold = [];
  let provisionedColdStarts = 0;
  for (const fn of fns) {
    const p = await timed(fn, '1');
    if (p.cold) provisionedColdStarts++;
    provisioned.push(p.ms);
    const c = await timed(fn, '$LATEST');
    if (!c.cold) fail(`${fn.name}: the first call of $LATEST was not a cold start`);
    cold.push(c.ms);
  }
  const stat = (values) => ({ p50: percentile(values, 50), p99: percentile(values, 99), mean: values.reduce((a, b) => a + b, 0) / values.length });
  const stats = { runtime, provisioned: stat(provisioned), notProvisioned: stat(cold), provisionedColdStarts };
  console.log(`\nprovisioned vs not (${runtime}): first call of ${fns.length} functions, end to end (ms)`);
  printTable(
    ['first call of', 'p50', 'p99', 'mean'],
    [
      ['version 1, 1 provisioned instance', stats.provisioned.p50, stats.provisioned.p99, stats.provisioned.mean],
      ['$LATEST, not provisioned (cold)', stats.notProvisioned.p50, stats.notProvisioned.p99, stats.notProvisioned.mean],
    ],
    { digits: [0, 3, 3, 3] },
  );
  console.log(`not provisioned ÷ provisioned p50: ${(stats.notProvisioned.p50 / stats.provisioned.p50).toFixed(2)}×; cold starts among the provisioned first calls: ${provisionedColdStarts} (expected 0)`);
  return stats;
}

run(main);
