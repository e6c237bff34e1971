'use strict';
// The sandbox's web globals (runtime/sandbox/web/*.js, classic scripts run in
// name order) loaded into a fresh isolate, for differential tests against
// Node's own implementations.
const fs = require('node:fs');
const path = require('node:path');
const ivm = require('isolated-vm');

const WEB_DIR = path.join(__dirname, '..', '..', 'runtime', 'sandbox', 'web');
const WEB_FILES = fs.readdirSync(WEB_DIR).filter((f) => f.endsWith('.js')).sort();

/** Runs every web file in `context` in name order; throws what the first failing file throws. */
function loadWebFiles(isolate, context) {
  for (const file of WEB_FILES) {
    const script = isolate.compileScriptSync(fs.readFileSync(path.join(WEB_DIR, file), 'utf8'), { filename: file });
    try {
      script.runSync(context);
    } finally {
      // Handles left to the garbage collector can be finalised after the
      // isolate is gone, which aborts the process at exit (isolated-vm
      // asserts on a missing environment): release them explicitly.
      script.release();
    }
  }
}

/**
 * A fresh isolate (64 MB, disposed at `t`'s teardown) with every web file
 * loaded; `prelude` (source text) runs before the files. `run(fn, arg)` and
 * `runAsync(fn, arg)` call `fn` (a function or its source) inside it with
 * `arg` and return the result through JSON (5 s timeout).
 */
function sandbox(t, prelude) {
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  const context = isolate.createContextSync();
  t.teardown(() => {
    context.release();
    isolate.dispose();
  });
  if (prelude) context.evalSync(prelude);
  loadWebFiles(isolate, context);
  return {
    context,
    run: (fn, arg) => JSON.parse(context.evalSync(`JSON.stringify((${fn})(${JSON.stringify(arg)}))`, { timeout: 5000 })),
    runAsync: async (fn, arg) => JSON.parse(await context.eval(
      `(async () => JSON.stringify(await (${fn})(${JSON.stringify(arg)})))()`, { promise: true, timeout: 5000 })),
  };
}

/** `fn(arg)` run in Node, through JSON as `sandbox().run` returns it. */
const native = (fn, arg) => JSON.parse(JSON.stringify(fn(arg)));
/** `await fn(arg)` run in Node, through JSON as `sandbox().runAsync` returns it. */
const nativeAsync = async (fn, arg) => JSON.parse(JSON.stringify(await fn(arg)));

// The web README's park-and-take recipe for the host bridge: CAPTURE (a prelude for sandbox()) parks
// the bridge, TAKE (evaluated after) moves it onto a non-enumerable global, `__testBridge` (test only:
// a real bootstrap keeps it in its closure).
const BRIDGE_CAPTURE = `Object.defineProperty(globalThis, '__isolaCaptureHostBridge', { configurable: true, value(bridge) {
  Object.defineProperty(globalThis, '__isolaHostBridge', { value: bridge, configurable: true });
} });`;
const BRIDGE_TAKE = `(() => {
  const bridge = globalThis.__isolaHostBridge;
  delete globalThis.__isolaHostBridge;
  Object.defineProperty(globalThis, '__testBridge', { value: bridge });
})()`;

module.exports = { WEB_DIR, WEB_FILES, loadWebFiles, sandbox, native, nativeAsync, BRIDGE_CAPTURE, BRIDGE_TAKE };
