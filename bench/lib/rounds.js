'use strict';
// Alternating rounds against several targets, and the per-round ratio table
// every comparison bench prints (the baseline is measured in the same round).
const { runLoad } = require('./load');
const { median, printTable } = require('./report');

/**
 * Runs every target at every concurrency, `rounds` times, in order, so each
 * round measures all targets back to back. A target is the load generator's
 * options (autocannon's by default; `load` may be another generator with the
 * same result shape) or a function returning them. With `alternate`, even
 * rounds run the targets in reverse order. Returns [{ round,
 * connections, target, ...load }].
 */
async function runRounds({ rounds, connections, duration, targets, load = runLoad, unit = 'req/s', alternate = false }) {
  const runs = [];
  const width = Math.max(...Object.keys(targets).map((name) => name.length));
  for (let round = 1; round <= rounds; round++) {
    for (const c of connections) {
      // `alternate`: every other round runs the targets in reverse order, so no target always follows the same one.
      const order = alternate && round % 2 === 0 ? Object.entries(targets).reverse() : Object.entries(targets);
      for (const [name, target] of order) {
        const r = await load({ ...(typeof target === 'function' ? target() : target), connections: c, duration });
        runs.push({ round, connections: c, target: name, ...r });
        const note = r.errors > 0 ? `  errors ${JSON.stringify(r.breakdown)}${r.sample ? ` first: ${r.sample}` : ''}` : '';
        console.log(`round ${round} c=${c} ${name.padEnd(width)} ${r.rps.toFixed(0).padStart(7)} ${unit}  p50 ${r.p50} ms  p99 ${r.p99} ms${note}`);
      }
    }
  }
  return runs;
}

/** Prints each run with its req/s divided by the `baseline` target's in the same round and concurrency. */
function printPerRound(runs, baseline, unit = 'req/s') {
  console.log(`\nper round (ratio = target ${unit} ÷ ${baseline} ${unit} in the same round and c)`);
  const rows = runs.map((r) => {
    const base = runs.find((b) => b.round === r.round && b.connections === r.connections && b.target === baseline);
    return [r.round, r.connections, r.target, r.rps, r.p50, r.p99, r.errors, r.rps / base.rps];
  });
  printTable(['round', 'c', 'target', unit, 'p50 ms', 'p99 ms', 'errors', 'ratio'], rows, { digits: [0, 0, 0, 0, 2, 2, 0, 3] });
}

/** Unmeasured load on every target at the highest concurrency, `seconds` each (0 = none). */
async function warmUp(targets, connections, seconds, load = runLoad) {
  if (seconds <= 0) return;
  for (const target of Object.values(targets)) {
    await load({ ...(typeof target === 'function' ? target() : target), connections: Math.max(...connections), duration: seconds });
  }
}

/** The figures of several runs of one target: median req/s, p50 and p99, errors summed. */
function medians(rs) {
  return {
    rps: median(rs.map((r) => r.rps)),
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
    errors: rs.reduce((n, r) => n + r.errors, 0),
  };
}

/**
 * Medians over the rounds per concurrency and target, with req/s and p99
 * divided by the `baseline` target's medians at the same concurrency.
 */
function summarize(runs, targetNames, connections, baseline) {
  const summary = [];
  for (const c of connections) {
    const of = (target) => runs.filter((r) => r.connections === c && r.target === target);
    const baseRps = median(of(baseline).map((r) => r.rps));
    const baseP99 = median(of(baseline).map((r) => r.p99));
    for (const target of targetNames) {
      const figures = medians(of(target));
      summary.push({ connections: c, target, ...figures, ratio: figures.rps / baseRps, p99Ratio: figures.p99 / baseP99 });
    }
  }
  return summary;
}

/** Prints the summary table (medians, errors summed, ratios to the baseline); `digits` for the latencies. */
function printSummary(summary, rounds, unit = 'req/s', latencyDigits = 2) {
  console.log(`\nsummary: median of ${rounds} rounds (errors: sum)`);
  printTable(
    ['c', 'target', unit, 'p50 ms', 'p99 ms', 'errors', 'ratio', 'p99 ÷ uWS'],
    summary.map((s) => [s.connections, s.target, s.rps, s.p50, s.p99, s.errors, s.ratio, s.p99Ratio]),
    { digits: [0, 0, 0, latencyDigits, latencyDigits, 0, 3, 2] },
  );
}

module.exports = { runRounds, printPerRound, warmUp, medians, summarize, printSummary };
