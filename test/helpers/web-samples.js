'use strict';
// The web-function samples staged as a user has them before `isola deploy` (bench/lib/samples.js),
// removed at the test's teardown.
const samples = require('../../bench/lib/samples');

/** samples/<name> in a temp dir with node_modules of `deps`; returns its path. */
function stageSample(t, name, deps = []) {
  const { dir, remove } = samples.stageSample(name, deps);
  t.teardown(remove);
  return dir;
}

module.exports = { stageSample };
