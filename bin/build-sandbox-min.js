#!/usr/bin/env node
'use strict';
// Regenerates runtime/sandbox/min/: the web files (runtime/sandbox/web/*.js) and the assembled
// bootstrap (bootstrap.js + boot/*.js, as runtime/host/sandbox.ts builds it) with whitespace,
// comments removed by esbuild (dev dependency). Every isolate holds its own
// copy of these sources (V8 keeps a script's source for lazy compilation and toString), so each
// kilobyte saved here is saved once per instance. Names are kept (no identifier minification):
// class and function `name`s, WebIDL descriptors and stack frame names stay as in the sources.
// The output is committed, so a plain `tsc` build and the single executable need no esbuild at
// run time; the first line of min/bootstrap.js records which sources it was made from, and the host uses it only
// when it matches (else it falls back to the plain sources and says so on stderr).
// Run after changing anything under runtime/sandbox (needs a `tsc` build for the bootstrap's shape):
//   node bin/build-sandbox-min.js
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const { sandboxInputs, MIN_DIR, MIN_HASH_LINE, BOOT_MIN_PREFIX } = require('../dist/runtime/host/sandbox-files');

const root = path.join(__dirname, '..');
const dir = path.join(root, 'runtime', 'sandbox');
const inputs = sandboxInputs(dir);
const minify = (code) => esbuild.transformSync(code, {
  minifyWhitespace: true, charset: 'ascii', legalComments: 'none',
}).code;

const out = path.join(dir, MIN_DIR);
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'web'), { recursive: true });
let before = 0;
let after = 0;
for (const w of inputs.web) {
  const code = minify(w.code);
  fs.writeFileSync(path.join(out, 'web', w.name), code);
  before += w.code.length;
  after += code.length;
}
// A bare function expression is a statement without effect that minifySyntax drops: bind it, then unbind.
const boot = minify(`${BOOT_MIN_PREFIX}${inputs.bootstrap}`);
if (!boot.startsWith(BOOT_MIN_PREFIX)) throw new Error(`unexpected minified bootstrap start: ${boot.slice(0, 40)}`);
fs.writeFileSync(path.join(out, 'bootstrap.js'), `${MIN_HASH_LINE}${inputs.hash}\n` + boot.slice(BOOT_MIN_PREFIX.length).replace(/;\s*$/, '') + '\n');
before += inputs.bootstrap.length;
after += boot.length;
console.log(`runtime/sandbox/min: ${Math.round(before / 1024)} KiB of sources -> ${Math.round(after / 1024)} KiB`);
