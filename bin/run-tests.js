#!/usr/bin/env node
'use strict';
// `npm test`: runs tap over test/ and ends with one plain summary line,
// "N passed, N failed", read from tap's own closing counts. Above it, every
// failed assertion is listed again with the subtests it sits in and the first
// lines of its diagnostics: CI logs are often kept only as a tail, and a
// failure in the middle of 10,000 lines must still be findable there.
const { spawn } = require('node:child_process');
const path = require('node:path');

const tapBin = path.join(__dirname, '..', 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');
const args = process.argv.slice(2);
const child = spawn(process.execPath, [tapBin, ...args], {
  cwd: path.join(__dirname, '..'),
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' },
});

const MAX_FAILURES = 50;
const DIAGNOSTIC_LINES = 40;
const failures = [];
const subtests = []; // [{ indent, name }] — the open subtests around the current line
let current = null; // the failure whose diagnostics are being collected
let partial = '';
let tail = '';

function onLine(line) {
  const indent = line.length - line.trimStart().length;
  const text = line.trim();
  if (current) {
    if (text !== '' && indent > current.indent && current.lines.length < DIAGNOSTIC_LINES) {
      current.lines.push(line.slice(current.indent));
      return;
    }
    if (text === '' || indent > current.indent) return;
    current = null;
  }
  const subtest = /^# Subtest: (.*)$/.exec(text);
  if (subtest) {
    while (subtests.length && subtests[subtests.length - 1].indent >= indent) subtests.pop();
    subtests.push({ indent, name: subtest[1] });
    return;
  }
  if (/^not ok \d+/.test(text)) {
    // A failed subtest repeats as "not ok" at each enclosing level; keep only
    // the innermost (the assertion), which is the one with diagnostics.
    const within = subtests.filter((s) => s.indent < indent).map((s) => s.name);
    const last = failures[failures.length - 1];
    if (last && last.indent > indent && within.every((n, i) => last.within[i] === n)) return;
    if (failures.length >= MAX_FAILURES) return;
    current = { indent, within, line: text, lines: [] };
    failures.push(current);
  }
}

child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const text = chunk.toString();
  tail = (tail + text).slice(-4096);
  const lines = (partial + text).split('\n');
  partial = lines.pop();
  for (const line of lines) onLine(line);
});

child.on('exit', (code, signal) => {
  if (partial) onLine(partial);
  const m = /# \{([^}]*)\}\s*(?:# time=[^\n]*\s*)?$/.exec(tail);
  const counts = {};
  if (m) for (const [, k, v] of m[1].matchAll(/(\w+):\s*(\d+)/g)) counts[k] = Number(v);
  const failed = counts.fail ?? (code === 0 ? 0 : 1);
  const skipped = (counts.skip ?? 0) + (counts.todo ?? 0);
  if (failures.length) {
    console.log('\nFailed assertions:');
    for (const f of failures) {
      console.log(`\n* ${[...f.within, f.line].join(' > ')}`);
      for (const l of f.lines) console.log(`    ${l}`);
    }
    console.log('');
  }
  console.log(`${counts.pass ?? 0} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(signal ? 1 : (code ?? 1));
});
