'use strict';
// Vendors installed npm packages (devDependencies of this repository) into a
// function's code zip, the way a user's deploy ships its node_modules: each
// named package and everything it depends on, read from this checkout's
// node_modules at test time — never from the internet.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const MODULES = path.join(ROOT, 'node_modules');

/** Where `name` resolves from the package in `dir` (Node's lookup: nearest node_modules upwards). */
function resolvePackage(dir, name) {
  for (let cur = dir; ; cur = path.dirname(cur)) {
    const candidate = path.join(cur, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (cur === ROOT || cur === path.dirname(cur)) throw new Error(`npm-vendor: ${name} (needed by ${dir}) is not installed`);
  }
}

/**
 * `{ 'node_modules/<pkg>/<file>': Buffer }` for `names` and their dependency
 * closure. A package installed at the top level is copied whole (with any
 * nested node_modules of its own), once.
 */
function vendorPackages(...names) {
  const top = new Set();
  const visit = (dir) => {
    const { dependencies = {} } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys(dependencies)) {
      const found = resolvePackage(dir, dep);
      if (path.dirname(found) === MODULES) {
        if (top.has(dep)) continue;
        top.add(dep);
      }
      visit(found);
    }
  };
  for (const name of names) {
    top.add(name);
    visit(path.join(MODULES, name));
  }
  const files = {};
  const walk = (abs, rel) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(abs, e.name), `${rel}/${e.name}`);
      else if (e.isFile()) files[`${rel}/${e.name}`] = fs.readFileSync(path.join(abs, e.name));
    }
  };
  for (const name of top) walk(path.join(MODULES, name), `node_modules/${name}`);
  return files;
}

module.exports = { vendorPackages };
