'use strict';
/**
 * The A/B of two builds by fresh processes (bench/host-http.js,
 * bench/log-rows.js): `script` is re-run with `--measure <root>` per build
 * and round, in alternating order (the one run second in a round was
 * measured slower, whichever it was), and each run's last stdout line is
 * its JSON result.
 */
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { fail } = require('./report');

/**
 * The builds named on the command line: `this` (the checkout `script` is in)
 * and, with `--compare <checkout>`, `base`; plus the arguments to forward.
 */
function buildsOf(script) {
  const ci = process.argv.indexOf('--compare');
  const builds = { this: path.resolve(path.dirname(script), '..') };
  if (ci > 0) builds.base = path.resolve(process.argv[ci + 1]);
  const forward = process.argv.slice(2).filter((a, i, all) => a !== '--compare' && all[i - 1] !== '--compare');
  return { builds, forward, comparing: ci > 0 };
}

/** Runs every build `rounds` times; `onRun(round, name, result)` after each. Resolves with the results per build. */
function alternatingRuns(script, builds, forward, rounds, onRun) {
  const results = Object.fromEntries(Object.keys(builds).map((b) => [b, []]));
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 0 ? Object.keys(builds).reverse() : Object.keys(builds);
    for (const name of order) {
      // A fresh process per run, so the two builds' modules never share one.
      const r = spawnSync(process.execPath, [script, ...forward, '--measure', builds[name]], { encoding: 'utf8' });
      if (r.status !== 0) fail(`run of ${name} failed:\n${r.stdout}${r.stderr}`);
      const m = JSON.parse(r.stdout.trim().split('\n').pop());
      results[name].push(m);
      onRun(round, name, m);
    }
  }
  return results;
}

module.exports = { buildsOf, alternatingRuns };
