'use strict';
// The conformance fixtures for the Go runtime: one Go program (test/fixtures/go-function/,
// serving the cloud Go library's net/rpc + gob protocol) built once with Debian's golang-go;
// each fixture is that binary as `main` plus a file `fixture` naming the behaviour
// (test/conformance/README.md). `no-module` has no binary.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const SOURCE_DIR = path.join(__dirname, '..', '..', 'fixtures', 'go-function');

const NAMES = [
  'echo-event', 'async-result', 'returns-undefined', 'throws', 'throws-async', 'context-dump', 'env-dump',
  'never-settles', 'busy-loop', 'counter-global', 'sleep-echo', 'alloc-forever', 'alloc-some', 'logs-flood',
];

/** `go` in PATH, or null (the Go tests are then skipped with that reason). */
function findGo() {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = path.join(dir, 'go');
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return null;
}

/** Builds the fixture program with `go build` (static: CGO off, GOPATH mode: no module to fetch) into a temp file; returns its bytes. */
function buildGoFunction(go = findGo()) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-go-build-'));
  try {
    const out = path.join(dir, 'main');
    execFileSync(go, ['build', '-o', out, '-ldflags=-s -w', '.'], {
      cwd: SOURCE_DIR, env: { ...process.env, CGO_ENABLED: '0', GO111MODULE: 'off' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** name → { files, handler } with `binary` (buildGoFunction's bytes). */
function goFixtures(binary) {
  const fixtures = {};
  for (const name of NAMES) fixtures[name] = { files: { main: { data: binary, mode: 0o755 }, fixture: name }, handler: 'main' };
  fixtures['no-module'] = { files: { fixture: 'echo-event' }, handler: 'main' };
  return fixtures;
}

module.exports = { findGo, buildGoFunction, goFixtures };
