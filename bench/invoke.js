#!/usr/bin/env node
'use strict';
/**
 * Sync invoke throughput and latency through the control API, against raw
 * uWebSockets.js hello as the physical baseline, in the same run.
 *
 * The isola server and the uWS baseline each run in their own process; this
 * process is the load generator (autocannon). A hello event function
 * (runtime Isolate) is invoked with `POST /`, X-TC-Action: Invoke, signed
 * once per run and replayed unchanged (a signature is valid for 5 minutes).
 * Rounds alternate baseline → isola at every concurrency so drift on the
 * machine hits both sides alike.
 */
const { startIsola, startUwsHello } = require('./lib/servers');
const { ApiClient, createFunction, invoke, invokeParams, signedRequest } = require('./lib/api');
const { runRounds, printPerRound, warmUp, summarize } = require('./lib/rounds');
const { machine, machineLine, printTable, writeResult, loadOptions, loadUsage, wantsHelp, fail, run } = require('./lib/report');

const USAGE = `
node bench/invoke.js [--duration s] [--rounds n] [--connections 16,64] [--warmup s]

${loadUsage('concurrency levels', [16, 64])}
  BENCH_SERVER_ARGS  extra \`isola serve\` flags, e.g. "--isolate-hosts 1"
`;

const HELLO = 'exports.main_handler = async (event) => ({ hello: event.name });\n';
const EVENT = { name: 'bench' };
const EXPECTED_RET = JSON.stringify({ hello: 'bench' });

async function main() {
  if (wantsHelp(USAGE)) return;
  const { duration, rounds, connections, warmup } = loadOptions([16, 64]);

  const facts = machine();
  console.log(machineLine(facts));
  console.log(`invoke bench: ${rounds} rounds × c=${connections.join(',')} × ${duration} s (baseline, then isola), warm-up ${warmup} s\n`);

  let baseline;
  let isola;
  let client;
  try {
    baseline = await startUwsHello().catch((err) => fail(`cannot start the uWS baseline: ${err.message}`));
    isola = await startIsola().catch((err) => fail(`cannot start the isola server: ${err.message}`));
    client = new ApiClient(isola);

    await createFunction(client, { name: 'hello', files: { 'index.js': HELLO } }).catch((err) => fail(`cannot create the hello function: ${err.message}`));
    // Preflight: one real Invoke, so a missing action or a broken runtime is a clear setup failure, not a table of errors.
    const preflight = await invoke(client, { name: 'hello', event: EVENT }).catch((err) =>
      fail(`Invoke of the hello function failed, so there is nothing to measure: ${err.message}`),
    );
    if (preflight.result.RetMsg !== EXPECTED_RET) fail(`Invoke answered RetMsg ${JSON.stringify(preflight.result.RetMsg)}, expected ${EXPECTED_RET}`);

    // A good answer carries InvokeResult 0 and the handler's result; anything else counts as an error.
    const okInvoke = (text) => /"InvokeResult":\s*0[,}]/.test(text) && text.includes(JSON.stringify(EXPECTED_RET).slice(1, -1));
    const okHello = (text) => text === 'hello';

    const targets = {
      'uWS hello': () => ({ url: baseline.url, method: 'GET', verifyBody: okHello }),
      'isola invoke': () => {
        const req = signedRequest({ url: isola.url, credentials: isola.credentials, action: 'Invoke', params: invokeParams('hello', EVENT) });
        return { url: `${isola.url}/`, method: 'POST', headers: req.headers, body: req.body, verifyBody: okInvoke };
      },
    };

    await warmUp(targets, connections, warmup);

    const runs = await runRounds({ rounds, connections, duration, targets });

    printPerRound(runs, 'uWS hello');

    console.log(`\nsummary: median of ${rounds} rounds (errors: sum)`);
    const summary = summarize(runs, Object.keys(targets), connections, 'uWS hello');
    printTable(
      ['c', 'target', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'ratio'],
      summary.map((s) => [s.connections, s.target, s.rps, s.p50, s.p99, s.errors, s.ratio]),
      { digits: [0, 0, 0, 2, 2, 0, 3] },
    );

    const file = writeResult('invoke', {
      settings: { duration, rounds, connections, warmup, serverArgs: process.env.BENCH_SERVER_ARGS ?? '' },
      summary,
      runs: runs.map(({ sample, ...r }) => ({ ...r, firstError: sample })),
    });
    console.log(`\nwritten ${file}`);
    const errors = summary.reduce((n, s) => n + s.errors, 0);
    if (errors > 0) console.log(`warning: ${errors} requests failed or answered an error; see the errors column and the per-run lines above.`);
  } finally {
    client?.close();
    await isola?.stop();
    await baseline?.stop();
  }
}

run(main);
