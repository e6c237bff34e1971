#!/usr/bin/env node
'use strict';
// `npm test`: runs tap over test/ and ends with one plain summary line,
// "N passed, N failed", read from tap's own closing counts.
const { spawn } = require('node:child_process');
const path = require('node:path');

const tapBin = path.join(__dirname, '..', 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');
const args = process.argv.slice(2);
const child = spawn(process.execPath, [tapBin, ...args], {
  cwd: path.join(__dirname, '..'),
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' },
});
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4096);
});
child.on('exit', (code, signal) => {
  const m = /# \{([^}]*)\}\s*(?:# time=[^\n]*\s*)?$/.exec(tail);
  const counts = {};
  if (m) for (const [, k, v] of m[1].matchAll(/(\w+):\s*(\d+)/g)) counts[k] = Number(v);
  const failed = counts.fail ?? (code === 0 ? 0 : 1);
  const skipped = (counts.skip ?? 0) + (counts.todo ?? 0);
  console.log(`${counts.pass ?? 0} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(signal ? 1 : (code ?? 1));
});
