'use strict';
// Routing bench, in-process (no server): the HTTP trigger route table with
// 1,000 triggers against a linear scan of the same triggers (one RegExp
// each, the obvious alternative), and the per-call cost of an alias pick
// (weights; rules) against a fixed version. Same run, same machine.
// Usage: npm run build && node bench/routing.js [--triggers 1000] [--lookups 200000]
const { RouteTable, parsePattern, AliasRoute, FixedRoute } = require('../dist/core/routing');
const { machineLine, printTable, writeResult, option } = require('./lib/report');

const TRIGGERS = option('--triggers', 'BENCH_TRIGGERS', 1000);
const LOOKUPS = option('--lookups', 'BENCH_LOOKUPS', 200_000);

/** 1,000 trigger paths of mixed shapes: literals, {param} segments, rest-matches. */
function patterns(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const svc = `svc${i % 50}`;
    switch (i % 4) {
      case 0: out.push({ path: `/${svc}/items${i}`, sample: `/${svc}/items${i}` }); break;
      case 1: out.push({ path: `/${svc}/users${i}/{id}`, sample: `/${svc}/users${i}/42` }); break;
      case 2: out.push({ path: `/${svc}/orders${i}/{id}/lines/{line}`, sample: `/${svc}/orders${i}/7/lines/3` }); break;
      default: out.push({ path: `/${svc}/static${i}/*`, sample: `/${svc}/static${i}/css/site.css` }); break;
    }
  }
  return out;
}

function regexOf(path) {
  const body = path
    .split('/')
    .map((s) => (s === '*' ? '(?:/.*)?' : s.startsWith('{') ? '/([^/]+)' : s === '' ? '' : `/${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    .join('');
  return new RegExp(`^${body.replace('/(?:/.*)?', '(?:/.*)?')}$`);
}

function time(fn, n) {
  for (let i = 0; i < Math.min(n, 20_000); i++) fn(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - t0) / n;
}

const list = patterns(TRIGGERS);
const table = new RouteTable();
list.forEach((p, i) => table.add(parsePattern(p.path), ['ANY'], i));
const scan = list.map((p, i) => ({ re: regexOf(p.path), value: i }));
const samples = list.map((p) => p.sample);

// Both must agree before anything is timed.
for (let i = 0; i < samples.length; i++) {
  const hit = table.match('GET', samples[i]);
  const linear = scan.find((s) => s.re.test(samples[i]));
  if (!hit || hit.value !== i || !linear || linear.value !== i) throw new Error(`bench: mismatch on ${samples[i]}: tree ${hit?.value}, scan ${linear?.value}`);
}

let sink = 0;
const treeNs = time((i) => { sink += table.match('GET', samples[(i * 7919) % samples.length]).value; }, LOOKUPS);
const scanNs = time((i) => { const p = samples[(i * 7919) % samples.length]; for (const s of scan) if (s.re.test(p)) { sink += s.value; break; } }, Math.ceil(LOOKUPS / 20));
const missNs = time(() => { sink += table.match('GET', '/nothing/here/at/all') === undefined ? 1 : 0; }, LOOKUPS);

const resolved = (v) => ({ version: v });
const fixed = new FixedRoute(resolved('1'));
const weighted = new AliasRoute(resolved('1'), { AdditionalVersionWeights: [{ Version: '2', Weight: 0.1 }], AddtionVersionMatchs: [] }, resolved);
const ruled = new AliasRoute(resolved('1'), { AdditionalVersionWeights: [], AddtionVersionMatchs: [{ Version: '2', Key: 'invoke.headers.User', Method: 'exact', Expression: 'Bob' }, { Version: '3', Key: 'invoke.headers.hash', Method: 'range', Expression: '[1,50]' }] }, resolved);
const headers = [['host', 'x'], ['user-agent', 'bench'], ['hash', '77']];
const fixedNs = time(() => { sink += fixed.pick().version.length; }, LOOKUPS * 5);
const weightNs = time(() => { sink += weighted.pick().version.length; }, LOOKUPS * 5);
const ruleNs = time(() => { sink += ruled.pick(headers).version.length; }, LOOKUPS * 5);
let twos = 0;
for (let i = 0; i < 1_000_000; i++) if (weighted.pick().version === '2') twos++;

console.log(machineLine());
printTable(['what', 'ns/op', 'vs baseline'], [
  [`route table, ${TRIGGERS} triggers (hit)`, treeNs, `${(scanNs / treeNs).toFixed(1)}× faster than the scan`],
  [`linear RegExp scan, ${TRIGGERS} triggers (baseline)`, scanNs, '1'],
  [`route table, miss`, missNs, ''],
  ['alias pick: fixed version (baseline)', fixedNs, '1'],
  ['alias pick: 90/10 weights', weightNs, `${(weightNs / fixedNs).toFixed(1)}× the fixed pick`],
  ['alias pick: 2 rules over 3 headers', ruleNs, `${(ruleNs / fixedNs).toFixed(1)}× the fixed pick`],
], { digits: [0, 1] });
console.log(`90/10 alias over 1,000,000 picks: ${(twos / 10_000).toFixed(2)} % to the 10 % version`);
writeResult('routing', { triggers: TRIGGERS, lookups: LOOKUPS, treeNs, scanNs, missNs, fixedNs, weightNs, ruleNs, weightedShare: twos / 1_000_000, sink });
