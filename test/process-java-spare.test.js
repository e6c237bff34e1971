'use strict';
// Java's pre-started spare (native/process/pool.ts): after a version's first call (a cold start),
// one more JVM starts in the background, so the next call that arrives while the first instance is
// busy is served warm by the spare (no cold start); taking it starts the next spare. With
// `spares: false` the same call pays a cold start.
const t = require('tap');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { processExecutor } = require('./helpers/process-executor');
const { until } = require('./helpers/wait');

/** A Java function sleeping event.ms, compiled here with javac: its class files. */
function sleeper(t) {
  const dir = t.testdir();
  const src = path.join(dir, 'Sleep.java');
  fs.writeFileSync(src, 'package s;\nimport java.util.Map;\npublic class Sleep {\n  public static long mainHandler(Map<String, Object> e) throws Exception { long ms = ((Number) e.getOrDefault("ms", 0)).longValue(); Thread.sleep(ms); return ms; }\n}\n');
  execFileSync('javac', ['-d', dir, src]);
  return { 's/Sleep.class': fs.readFileSync(path.join(dir, 's', 'Sleep.class')) };
}

const JAVA = { runtime: 'Java11', handler: 's.Sleep::mainHandler', memoryMb: 128, timeoutMs: 20_000 };

t.test('a busy instance: the next call runs warm on the spare, and a new spare starts', async (t) => {
  const { ex, deploy } = processExecutor(t);
  const fn = deploy(sleeper(t), JAVA);
  const first = await fn.invoke({ ms: 0 });
  t.equal(first.kind, 'ok', first.errorMessage);
  t.ok(first.coldStart, 'the first call is a cold start');
  await until('the spare to be started', () => (ex.stats().instances[fn.spec.key]?.idle ?? 0) === 2, 30_000);
  const busy = fn.invoke({ ms: 1500 });
  await until('the first instance to be busy', () => (ex.stats().instances[fn.spec.key]?.busy ?? 0) === 1, 5000);
  const second = await fn.invoke({ ms: 0 });
  t.equal(second.kind, 'ok');
  t.notOk(second.coldStart, 'no cold start: the spare was ready');
  const held = await busy;
  t.equal(held.kind, 'ok');
  t.not(second.instanceId, held.instanceId, 'the two calls ran on two instances');
  t.notOk(held.coldStart, 'neither paid a cold start');
  await until('a new spare after the last idle one was taken', () => (ex.stats().instances[fn.spec.key]?.idle ?? 0) === 3, 30_000);
});

t.test('spares: false — the same call pays a cold start', async (t) => {
  const { ex, deploy } = processExecutor(t, { spares: false });
  const fn = deploy(sleeper(t), JAVA);
  t.ok((await fn.invoke({ ms: 0 })).coldStart);
  await new Promise((r) => setTimeout(r, 500));
  t.same(ex.stats().instances[fn.spec.key], { busy: 0, idle: 1 }, 'no spare');
  const busy = fn.invoke({ ms: 1500 });
  await until('the instance to be busy', () => (ex.stats().instances[fn.spec.key]?.busy ?? 0) === 1, 5000);
  const second = await fn.invoke({ ms: 0 });
  t.ok(second.coldStart, 'a cold start');
  await busy;
});
