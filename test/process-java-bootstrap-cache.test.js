'use strict';
// The Java bootstrap is compiled with javac once per content hash into the cache dir (with its
// AppCDS archive) and reused by the next executor on the same dir — never recompiled per start;
// a host without javac cannot run Java functions, and says so instead of failing at the start.
const t = require('tap');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { processExecutor } = require('./helpers/process-executor');

function echoClass(t) {
  const dir = path.join(t.testdir(), 'src');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Echo.java'), 'package e;\npublic class Echo { public static Object mainHandler(Object event) { return event; } }\n');
  execFileSync('javac', ['-d', dir, path.join(dir, 'Echo.java')]);
  return { 'e/Echo.class': fs.readFileSync(path.join(dir, 'e', 'Echo.class')) };
}

const JAVA = { runtime: 'Java11', handler: 'e.Echo::mainHandler', memoryMb: 128, initTimeoutMs: 30_000, timeoutMs: 30_000 };

t.test('compiled once into the cache dir, reused by the next executor', async (t) => {
  const cacheDir = path.join(t.testdir(), 'cache');
  const files = echoClass(t);
  const first = processExecutor(t, { cacheDir, spares: false });
  const a = await first.deploy(files, JAVA).invoke({ n: 1 });
  t.equal(a.kind, 'ok', a.errorMessage);
  t.equal(a.result, '{"n":1}');
  const dirs = fs.readdirSync(cacheDir);
  t.equal(dirs.length, 1, 'one build');
  t.match(dirs[0], /^java-[0-9a-f]{16}$/);
  const built = path.join(cacheDir, dirs[0]);
  t.same(fs.readdirSync(built).sort(), ['app-cds.jsa', 'bootstrap.jar'], 'the jar and its AppCDS archive, nothing else (no classes, no temp files)');
  t.equal(fs.statSync(built).mode & 0o777, 0o755, 'readable by the instances\' uids');
  const mtime = fs.statSync(path.join(built, 'bootstrap.jar')).mtimeMs;

  const second = processExecutor(t, { cacheDir, spares: false });
  const b = await second.deploy(files, JAVA).invoke({ n: 2 });
  t.equal(b.result, '{"n":2}');
  t.equal(fs.statSync(path.join(built, 'bootstrap.jar')).mtimeMs, mtime, 'not compiled again');
  t.match(second.ex.describeRuntime('Java11'), /with an AppCDS archive/);
});

t.test('no javac on the host: Java is unavailable, with the reason', async (t) => {
  const { ex } = processExecutor(t, { cacheDir: t.testdir(), java: { javac: null } });
  t.match(ex.unavailableReason('Java8'), /^javac not found in PATH/);
  t.throws(() => ex.prepare({ key: 'k', runtime: 'Java8', type: 'Event' }), /Java8 cannot run on this host: javac not found in PATH/);
  t.same(ex.availability().find((r) => r.family === 'java'), { family: 'java', reason: ex.unavailableReason('Java8') });
});
