'use strict';
// The web-function samples staged as a user has them before `isola deploy` (bench/lib/samples.js),
// removed at the test's teardown; and npm packages as zip entries of a function's node_modules.
const fs = require('node:fs');
const path = require('node:path');
const samples = require('../../bench/lib/samples');

/** samples/<name> in a temp dir with node_modules of `deps`; returns its path. */
function stageSample(t, name, deps = []) {
  const { dir, remove } = samples.stageSample(name, deps);
  t.teardown(remove);
  return dir;
}

/** makeZip entries `node_modules/<pkg>/…` of `names` and their dependencies, from this repository's node_modules. */
function moduleEntries(names) {
  const entries = [];
  const walk = (abs, rel) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(abs, e.name), `${rel}/${e.name}`);
      else entries.push({ name: `${rel}/${e.name}`, data: fs.readFileSync(path.join(abs, e.name)) });
    }
  };
  for (const dep of samples.closure(names)) walk(path.join(samples.MODULES, dep), `node_modules/${dep}`);
  return entries;
}

/** The WebSocket test app (test/fixtures/web/ws-app.js) with its scf_bootstrap and `ws`, as makeZip entries. */
function wsAppEntries() {
  return [
    { name: 'scf_bootstrap', data: '#!/bin/sh\nexec node app.js\n', mode: 0o755 },
    { name: 'app.js', data: fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'web', 'ws-app.js')) },
    ...moduleEntries(['ws']),
  ];
}

module.exports = { stageSample, moduleEntries, wsAppEntries };
