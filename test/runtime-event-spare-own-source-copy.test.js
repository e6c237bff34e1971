'use strict';
// Failure guarded: every idle event-function instance holding its own copy of the sandbox's web script
// (~0.2 MB each: isolated-vm copies the source of every script it compiles) and the Request/Response
// code the web primer compiled, which an event function never runs. Event spares evaluate the host's
// shared copy of the web script (runtime/host/sandbox.ts, installAsync); web spares keep the primed
// caches and the warm-up (runtime/host/spares.ts); an event isolate made when no spare is ready starts
// from the web script's plain cache. See runtime/README.md, "Idle instance memory".
const t = require('tap');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const ivm = require('isolated-vm');
const { SandboxSources } = require('../dist/runtime/host/sandbox');
const { Spares } = require('../dist/runtime/host/spares');
const { CAPABILITY_NAMES } = require('../dist/runtime/host/capabilities');
const { LIMITS } = require('../dist/runtime/host/limits');

const N = 60;
const rssMb = () => {
  global.gc();
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
};

/** Child mode: RSS growth per isolate for N isolates made one way, printed as a number. */
async function child(variant) {
  const sources = SandboxSources.load();
  const held = [];
  const before = rssMb();
  for (let i = 0; i < N; i++) {
    const isolate = new ivm.Isolate({ memoryLimit: 64 });
    const context = await isolate.createContext();
    const boot = variant === 'shared' ? await sources.installAsync(isolate, context, 'event') : sources.install(isolate, context, 'web');
    held.push({ isolate, context, boot });
  }
  process.stdout.write(String((rssMb() - before) / N));
}

/** Own property names and descriptors of the global object and of the web classes' prototypes, as JSON. */
const SHAPE = `JSON.stringify(Object.getOwnPropertyNames(globalThis).sort().map((n) => {
  const d = Object.getOwnPropertyDescriptor(globalThis, n);
  const v = d.value;
  const proto = typeof v === 'function' && v.prototype ? Object.getOwnPropertyNames(v.prototype).sort().map((k) => {
    const pd = Object.getOwnPropertyDescriptor(v.prototype, k);
    return [k, pd.writable, pd.enumerable, pd.configurable, typeof pd.get, typeof pd.value];
  }) : null;
  return [n, d.writable, d.enumerable, d.configurable, typeof v, proto];
}))`;

if (process.argv[2] === '--variant') {
  void child(process.argv[3]);
} else {
  const sources = SandboxSources.load();

  async function prepared(how) {
    const isolate = new ivm.Isolate({ memoryLimit: 64 });
    const context = await isolate.createContext();
    const boot = how === 'shared' ? await sources.installAsync(isolate, context, 'event') : sources.install(isolate, context, how);
    return { isolate, context, boot };
  }

  t.test('an event spare from the shared sources has the globals, descriptors and prototypes of one from the caches', async (t) => {
    await sources.plainCacheMade;
    t.ok(sources.web[0].plainCache, "the web script's plain cache was made");
    const shared = await prepared('shared');
    const cached = await prepared('web');
    const plain = await prepared('event');
    t.teardown(() => { shared.isolate.dispose(); cached.isolate.dispose(); plain.isolate.dispose(); });
    t.equal(typeof shared.boot.deref, 'function', 'the bootstrap function came back as a reference');
    t.equal(shared.boot.typeof, 'function', 'it is the bootstrap function');
    const a = shared.context.evalSync(SHAPE);
    t.ok(JSON.parse(a).length > 40, 'the web globals are there');
    t.equal(a, cached.context.evalSync(SHAPE), 'same shape as an isolate started from the primed code caches');
    t.equal(a, plain.context.evalSync(SHAPE), "same shape as an event isolate started from the web script's plain cache");
  });

  t.test('platform frames in stack traces still name the script', async (t) => {
    const { isolate, context } = await prepared('shared');
    t.teardown(() => isolate.dispose());
    const stack = context.evalSync("try { new Response(null, { status: 7 }); 'no error' } catch (e) { e.stack }");
    t.match(stack, /RangeError/, 'the web code threw');
    t.match(stack, /isola:web\.js:\d+:\d+/, 'a frame points into isola:web.js');
    t.match(context.evalSync('String(Headers.prototype.get)'), /^get\(/, 'toString shows the source');
  });

  t.test("the hand-over's host computations reach the web code of an event spare (its bridge setters were compiled ahead)", async (t) => {
    const { isolate, context, boot } = await prepared('shared');
    t.teardown(() => isolate.dispose());
    const asked = [];
    const capabilities = CAPABILITY_NAMES.map((name) => new ivm.Callback((...args) => {
      if (name !== 'compute') return undefined;
      asked.push(args.join(' '));
      return args[0] === 'idna' ? 'xn--bcher-kva.example' : '';
    }));
    const config = JSON.stringify({
      env: {}, functionName: 'f', version: '$LATEST', namespace: 'default', memoryMb: 64, timeoutMs: 3000,
      limits: LIMITS, node: { version: process.version, platform: process.platform, arch: process.arch },
    });
    boot.applySync(undefined, [config, ...capabilities], { result: { reference: true }, timeout: 2000 });
    t.equal(context.evalSync("new URL('http://b\\u00fccher.example/').hostname"), 'xn--bcher-kva.example', "the URL parser asked the hand-over's idna computation");
    t.same(asked, ['idna b\u00fccher.example'], 'once, for the non-ASCII host');
  });

  t.test('spares are kept per use: an event spare is not handed to a web function', async (t) => {
    const spares = new Spares(sources, 1, 4);
    t.teardown(() => spares.close());
    spares.take(64, 'event').isolate.dispose();
    spares.replenish(64, 'event');
    const until = Date.now() + 10_000;
    while (spares.size < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    t.equal(spares.size, 1, 'one event spare made off the request path');
    const web = spares.take(64, 'web');
    t.equal(spares.size, 1, 'a web take made its own isolate, the event spare is still there');
    web.isolate.dispose();
    const event = spares.take(64, 'event');
    t.equal(spares.size, 0, 'the event take got the spare');
    t.equal(event.context.evalSync('typeof Response'), 'function', 'with the web globals in');
    event.isolate.dispose();
  });

  t.test('event isolates from the shared sources hold less memory than ones with their own copy', async (t) => {
    const per = (variant) => Number(execFileSync(process.execPath, ['--expose-gc', '--no-node-snapshot', __filename, '--variant', variant], { encoding: 'utf8' }));
    const own = per('own');
    const shared = per('shared');
    // Measured ~0.1 MB less per isolate (the web script is ~0.19 MB; the eval'd script keeps preparse data, the cached one the primer's code).
    t.ok(own - shared > 0.04, `RSS per isolate: own copy ${own.toFixed(3)} MB, shared ${shared.toFixed(3)} MB`);
  });
}
