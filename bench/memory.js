#!/usr/bin/env node
'use strict';
/**
 * Resident memory per warm idle instance.
 *
 * Creates many small functions (distinct code, so one instance each),
 * invokes each once and leaves the instances idle, then compares the
 * resident memory of the server process plus all its descendants (the
 * isolate hosts) before and after. The baseline in the same run is the same
 * server with only a few warm-up instances: the delta divided by the number
 * of extra instances is the cost of one idle instance, with the gateway's
 * own bookkeeping for it included.
 *
 * The server's quotas (namespaces × functions per namespace; 5 × 50 = 250 by
 * default) may cap the count below the target; the bench then measures what
 * fits and says so — the figure is per instance either way.
 */
const { startIsola } = require('./lib/servers');
const { nodeCompatOption, ApiClient, createFunction, invoke, planNamespaces } = require('./lib/api');
const { treeMemory } = require('./lib/proc');
const { machine, machineLine, printTable, writeResult, option, wantsHelp, fail, run } = require('./lib/report');

const USAGE = `
node bench/memory.js [--instances n] [--warmup n] [--memory-size mb] [--settle s]

  --instances    target number of idle instances  (env BENCH_INSTANCES, default 1000; capped by the server's quotas)
  --warmup       instances started before the baseline reading (env BENCH_WARMUP_INSTANCES, default 10)
  --memory-size  MemorySize of each function, MB  (env BENCH_MEMORY_SIZE, default 64)
  --settle       seconds to wait before each reading (env BENCH_SETTLE, default 3)
  --node-compat  off | on | import (env BENCH_NODE_COMPAT, default off): see bench/coldstart.js --help
  BENCH_SERVER_ARGS  extra \`isola serve\` flags (e.g. a higher function quota, when the server has one)
`;

const TARGET_MB = 2;
const INIT_REPORT = /Init Report RequestId:/;
const code = (i) => `// small bench function ${i}\nconst id = ${i};\nexports.main_handler = async (event) => ({ ok: true, id });\n`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mb = (kb) => (kb === undefined ? undefined : kb / 1024);

/** Invoke, waiting out the scale-out (burst) limit: a 429 is retried for up to 70 s. */
async function invokeOnce(client, fn) {
  const deadline = Date.now() + 70_000;
  for (;;) {
    try {
      return await invoke(client, { ...fn, event: {}, tail: true });
    } catch (err) {
      if (err.invokeResult === 429 && Date.now() < deadline) {
        await sleep(1000);
        continue;
      }
      throw err;
    }
  }
}

async function main() {
  if (wantsHelp(USAGE)) return;
  const target = option('instances', 'BENCH_INSTANCES', 1000, 'int');
  const warmupCount = option('warmup', 'BENCH_WARMUP_INSTANCES', 10, 'int', { allowZero: true });
  const memorySize = option('memory-size', 'BENCH_MEMORY_SIZE', 64);
  const settle = option('settle', 'BENCH_SETTLE', 3, 'number', { allowZero: true });
  const compat = nodeCompatOption();
  console.log(`node compatibility set: ${compat.mode}`);
  const facts = machine();
  console.log(machineLine(facts));
  if (process.platform !== 'linux') fail('this bench reads /proc and runs on Linux only');

  let isola;
  let client;
  try {
    isola = await startIsola().catch((err) => fail(`cannot start the isola server: ${err.message}`));
    client = new ApiClient(isola);
    const plan = await planNamespaces(client, target);
    const count = plan.slots.length;
    if (count <= warmupCount) fail(`only ${count} functions fit (quota ${plan.namespacesAllowed} namespaces × ${plan.perNamespace}); need more than --warmup ${warmupCount}`);
    const capped = count < target;
    console.log(
      `memory bench: ${count} instances${capped ? ` (target ${target}; capped by the server's quota of ${plan.namespacesAllowed} namespaces × ${plan.perNamespace} functions)` : ''}, ` +
        `${warmupCount} of them before the baseline reading, MemorySize ${memorySize} MB\n`,
    );

    const fns = plan.slots.map((slot) => ({ namespace: slot.namespace, name: `mem-${slot.index}`, index: slot.index }));
    const createStarted = Date.now();
    for (const fn of fns) {
      await createFunction(client, { namespace: fn.namespace, name: fn.name, files: { 'index.js': compat.prelude + code(fn.index) }, memorySize, env: compat.env }).catch((err) =>
        fail(`cannot create ${fn.namespace}/${fn.name}: ${err.message}`),
      );
    }
    console.log(`created ${count} functions in ${((Date.now() - createStarted) / 1000).toFixed(1)} s`);

    await sleep(settle * 1000);
    const created = treeMemory(isola.pid);

    const startAll = async (list) => {
      for (const fn of list) {
        const { result } = await invokeOnce(client, fn).catch((err) => fail(`Invoke of ${fn.namespace}/${fn.name} failed: ${err.message}`));
        if (!INIT_REPORT.test(String(result.Log ?? ''))) console.log(`note: the first invoke of ${fn.name} was not a cold start`);
      }
    };
    await startAll(fns.slice(0, warmupCount));
    await sleep(settle * 1000);
    const baseline = treeMemory(isola.pid);

    const started = Date.now();
    await startAll(fns.slice(warmupCount));
    console.log(`started ${count - warmupCount} more instances in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await sleep(settle * 1000);
    const after = treeMemory(isola.pid);

    // Check the instances are still there: a sample re-invoked must be warm (no Init Report).
    let recycled = 0;
    const step = Math.max(1, Math.floor(count / 20));
    let checked = 0;
    for (let i = 0; i < count; i += step) {
      const { result } = await invokeOnce(client, fns[i]);
      checked++;
      if (INIT_REPORT.test(String(result.Log ?? ''))) recycled++;
    }

    const extra = count - warmupCount;
    const perRss = (after.rssKb - baseline.rssKb) / 1024 / extra;
    const perPss = after.pssKb !== undefined && baseline.pssKb !== undefined ? (after.pssKb - baseline.pssKb) / 1024 / extra : undefined;
    const perRssAll = (after.rssKb - created.rssKb) / 1024 / count;

    console.log('resident memory of the server and its child processes (MB)');
    printTable(
      ['reading', 'instances', 'processes', 'RSS', 'PSS'],
      [
        ['functions created, none started', 0, created.processes, mb(created.rssKb), mb(created.pssKb)],
        [`baseline: ${warmupCount} warm-up instances`, warmupCount, baseline.processes, mb(baseline.rssKb), mb(baseline.pssKb)],
        ['all instances warm and idle', count, after.processes, mb(after.rssKb), mb(after.pssKb)],
      ],
      { digits: [0, 0, 0, 1, 1] },
    );
    // Where the memory went: the gateway (bookkeeping per instance) or an isolate host (the isolates).
    console.log('\nper process (MB)');
    const pids = [...new Set([...baseline.perProcess, ...after.perProcess].map((p) => p.pid))];
    printTable(
      ['pid', 'role', 'RSS baseline', 'RSS after', 'RSS delta', 'PSS delta'],
      pids.map((pid) => {
        const b = baseline.perProcess.find((p) => p.pid === pid);
        const a = after.perProcess.find((p) => p.pid === pid);
        const delta = (x, y) => (x === undefined || y === undefined ? undefined : mb(y - x));
        return [
          pid,
          pid === isola.pid ? 'server (gateway)' : a === undefined ? 'child (gone)' : b === undefined ? 'child (new)' : 'child (isolate host)',
          mb(b?.rssKb),
          mb(a?.rssKb),
          delta(b?.rssKb, a?.rssKb),
          delta(b?.pssKb, a?.pssKb),
        ];
      }),
      { digits: [0, 0, 1, 1, 1, 1] },
    );
    console.log('\nper idle instance (MB)');
    printTable(
      ['measure', 'MB/instance', 'target', 'met'],
      [
        [`RSS delta ÷ ${extra} (after − baseline)`, perRss, TARGET_MB, perRss <= TARGET_MB ? 'yes' : 'NO'],
        [`PSS delta ÷ ${extra} (after − baseline)`, perPss, TARGET_MB, perPss === undefined ? '–' : perPss <= TARGET_MB ? 'yes' : 'NO'],
        [`RSS delta ÷ ${count} (after − none started)`, perRssAll, TARGET_MB, perRssAll <= TARGET_MB ? 'yes' : 'NO'],
      ],
      { digits: [0, 3, 0, 0] },
    );
    console.log(`\nre-invoked ${checked} of the instances: ${recycled} had been recycled (cold again)`);
    if (capped) {
      console.log(
        `note: measured with ${count} instances, not ${target}; ${target} idle instances would take about ` +
          `${(mb(baseline.rssKb) + perRss * (target - warmupCount)).toFixed(0)} MB RSS by linear extrapolation.`,
      );
    }

    const file = writeResult('memory', {
      settings: { target, instances: count, capped, warmupCount, memorySize, settle, serverArgs: process.env.BENCH_SERVER_ARGS ?? '' },
      quota: { namespaces: plan.namespacesAllowed, functionsPerNamespace: plan.perNamespace },
      target: { mbPerInstance: TARGET_MB, met: perRss <= TARGET_MB },
      perInstanceMB: { rss: perRss, pss: perPss, rssIncludingHostStart: perRssAll },
      readings: { created, baseline, after },
      recycled: { checked, recycled },
    });
    console.log(`\nwritten ${file}`);
  } finally {
    client?.close();
    await isola?.stop();
  }
}

run(main);
