'use strict';
// The npm packages copied under test/fixtures/npm (with their licences), as the
// node_modules files of a function's code tree: { 'node_modules/<name>/…': text }.
const fs = require('node:fs');
const path = require('node:path');

const NPM_FIXTURES = path.join(__dirname, '..', 'fixtures', 'npm');

function npmPackages(...names) {
  const files = {};
  const walk = (abs, rel) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(abs, e.name), `${rel}/${e.name}`);
      else files[`${rel}/${e.name}`] = fs.readFileSync(path.join(abs, e.name), 'utf8');
    }
  };
  for (const n of names) walk(path.join(NPM_FIXTURES, n), `node_modules/${n}`);
  return files;
}

module.exports = { npmPackages };
