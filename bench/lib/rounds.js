'use strict';
// Alternating rounds against several targets, and the per-round ratio table
// every comparison bench prints (the baseline is measured in the same round).
const { runLoad } = require('./load');
const { printTable } = require('./report');

/**
 * Runs every target at every concurrency, `rounds` times, in order, so each
 * round measures all targets back to back. A target is autocannon options or
 * a function returning them. Returns [{ round, connections, target, ...load }].
 */
async function runRounds({ rounds, connections, duration, targets }) {
  const runs = [];
  const width = Math.max(...Object.keys(targets).map((name) => name.length));
  for (let round = 1; round <= rounds; round++) {
    for (const c of connections) {
      for (const [name, target] of Object.entries(targets)) {
        const r = await runLoad({ ...(typeof target === 'function' ? target() : target), connections: c, duration });
        runs.push({ round, connections: c, target: name, ...r });
        const note = r.errors > 0 ? `  errors ${JSON.stringify(r.breakdown)}${r.sample ? ` first: ${r.sample}` : ''}` : '';
        console.log(`round ${round} c=${c} ${name.padEnd(width)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms${note}`);
      }
    }
  }
  return runs;
}

/** Prints each run with its req/s divided by the `baseline` target's in the same round and concurrency. */
function printPerRound(runs, baseline) {
  console.log(`\nper round (ratio = target req/s ÷ ${baseline} req/s in the same round and c)`);
  const rows = runs.map((r) => {
    const base = runs.find((b) => b.round === r.round && b.connections === r.connections && b.target === baseline);
    return [r.round, r.connections, r.target, r.rps, r.p50, r.p99, r.errors, r.rps / base.rps];
  });
  printTable(['round', 'c', 'target', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'ratio'], rows, { digits: [0, 0, 0, 0, 2, 2, 0, 3] });
}

module.exports = { runRounds, printPerRound };
