'use strict';
/**
 * The web-function samples staged in a temp dir as a user has them before
 * `isola deploy`: samples/web-express with its node_modules (express, ws and
 * their dependencies, copied from this repository's node_modules, where
 * express is a devDependency). Used by bench/runners.js and the tests.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const MODULES = path.join(ROOT, 'node_modules');

/** The names in the dependency closure of `names` (npm's flat install: each at node_modules/<name>). */
function closure(names) {
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    const pkg = JSON.parse(fs.readFileSync(path.join(MODULES, name, 'package.json'), 'utf8'));
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep);
  };
  names.forEach(visit);
  return [...seen];
}

/** Copies samples/<name> to a fresh temp dir (modes kept) with node_modules of `deps`; returns { dir, remove() }. */
function stageSample(name, deps = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `isola-${name}-`));
  fs.cpSync(path.join(ROOT, 'samples', name), dir, { recursive: true });
  for (const dep of closure(deps)) {
    fs.cpSync(path.join(MODULES, dep), path.join(dir, 'node_modules', dep), { recursive: true, dereference: true });
  }
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

module.exports = { stageSample, closure, MODULES };
