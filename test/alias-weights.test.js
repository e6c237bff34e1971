'use strict';
// Weighted alias routing holds its shares: 10,000 HTTP calls to a 90/10
// alias land within ±2 % of each weight, and an alias may weight more than
// one additional version (beyond the cloud's one). Each answer names the
// version that ran (X-Scf-Version as the function saw it).
const http = require('node:http');
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { makeZip } = require('./helpers/zip');

const WEB = { 'index.mjs': "export default { fetch(req) { return new Response(req.headers.get('x-scf-version')) } }\n" };
const CALLS = 10_000;
const PARALLEL = 16;

/** Sends `n` GETs over `PARALLEL` keep-alive connections; counts the bodies. */
async function tally(url, n) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: PARALLEL });
  const counts = {};
  let next = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      http
        .get(url, { agent }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => {
            counts[`${res.statusCode} ${body}`] = (counts[`${res.statusCode} ${body}`] ?? 0) + 1;
            resolve();
          });
        })
        .on('error', reject);
    });
  const worker = async () => {
    while (next++ < n) await one();
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  agent.destroy();
  return counts;
}

t.test('weights: 90/10 over 10,000 calls, and three versions at once', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'wt', WEB, { Type: 'HTTP', Handler: 'index.fetch' });
  for (let i = 0; i < 3; i++) await client.PublishVersion({ FunctionName: 'wt' });
  await client.CreateAlias({ FunctionName: 'wt', Name: 'canary', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: [{ Version: '2', Weight: 0.1 }] } });

  const counts = await tally(`${server.url}/default/wt@canary/`, CALLS);
  const main = counts['200 1'] ?? 0;
  const extra = counts['200 2'] ?? 0;
  t.equal(main + extra, CALLS, `every call answered by version 1 or 2 (${JSON.stringify(counts)})`);
  t.ok(Math.abs(main / CALLS - 0.9) <= 0.02, `version 1 share ${(main / CALLS).toFixed(4)} within 0.90 ± 0.02`);
  t.ok(Math.abs(extra / CALLS - 0.1) <= 0.02, `version 2 share ${(extra / CALLS).toFixed(4)} within 0.10 ± 0.02`);

  await client.UpdateAlias({
    FunctionName: 'wt',
    Name: 'canary',
    FunctionVersion: '1',
    RoutingConfig: { AdditionalVersionWeights: [{ Version: '2', Weight: 0.25 }, { Version: '3', Weight: 0.15 }] },
  });
  const three = await tally(`${server.url}/default/wt@canary/`, CALLS);
  const share = (v) => (three[`200 ${v}`] ?? 0) / CALLS;
  t.equal((three['200 1'] ?? 0) + (three['200 2'] ?? 0) + (three['200 3'] ?? 0), CALLS, `every call answered (${JSON.stringify(three)})`);
  t.ok(Math.abs(share(1) - 0.6) <= 0.02, `version 1 share ${share(1).toFixed(4)} within 0.60 ± 0.02`);
  t.ok(Math.abs(share(2) - 0.25) <= 0.02, `version 2 share ${share(2).toFixed(4)} within 0.25 ± 0.02`);
  t.ok(Math.abs(share(3) - 0.15) <= 0.02, `version 3 share ${share(3).toFixed(4)} within 0.15 ± 0.02`);

  // Invoke goes through the same pick: both versions show up.
  await createFunction(client, 'ev', { 'index.js': 'exports.main_handler = async (e, ctx) => ctx.function_version;\n' });
  await client.PublishVersion({ FunctionName: 'ev' });
  await client.PublishVersion({ FunctionName: 'ev' });
  await client.CreateAlias({ FunctionName: 'ev', Name: 'half', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: [{ Version: '2', Weight: 0.5 }] } });
  const seen = {};
  for (let i = 0; i < 200; i++) {
    const { Result } = await client.Invoke({ FunctionName: 'ev', Qualifier: 'half' });
    seen[Result.RetMsg] = (seen[Result.RetMsg] ?? 0) + 1;
  }
  t.ok(seen['"1"'] > 60 && seen['"2"'] > 60, `Invoke through a 50/50 alias runs both versions (${JSON.stringify(seen)})`);
});
