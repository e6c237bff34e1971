'use strict';
// Failure guarded: a new isolate's first request compiling the sandbox's request path (dispatch,
// Request, Headers, body, Response) — ~3 ms of every cold request. The host makes its code caches
// after running that path once in a scratch isolate (runtime/host/primer.ts), so the caches carry
// it compiled; nothing of that run may reach the isolates that consume them.
const t = require('tap');
const ivm = require('isolated-vm');
const { SandboxSources } = require('../dist/runtime/host/sandbox');
const { SPARE_WARM_UP } = require('../dist/runtime/host/primer');

const stderr = [];
const write = process.stderr.write;
process.stderr.write = function capture(chunk, ...rest) {
  stderr.push(String(chunk));
  return write.call(this, chunk, ...rest);
};
let sources;
try { sources = SandboxSources.load(); } finally { process.stderr.write = write; }

/** A code cache made the plain way: right after compiling `src` in a fresh isolate (top level only). */
function plainCacheBytes(src) {
  const iso = new ivm.Isolate({ memoryLimit: 64 });
  try {
    const s = iso.compileScriptSync(src.code, { filename: src.filename, produceCachedData: true });
    return s.cachedData.copy().byteLength;
  } finally { iso.dispose(); }
}

/** The own global names of a context after the web script and the bootstrap ran, with or without the caches (and a spare's warm-up). */
function globalsAfterInstall(withCaches, warmUp = false) {
  const iso = new ivm.Isolate({ memoryLimit: 64 });
  try {
    const ctx = iso.createContextSync();
    for (const src of [...sources.web, sources.bootstrap]) {
      const s = iso.compileScriptSync(src.code, { filename: src.filename, cachedData: withCaches ? src.cache : undefined });
      if (withCaches && s.cachedDataRejected !== false) throw new Error(`${src.filename}: code cache rejected`);
      s.runSync(ctx, { timeout: 2000 });
      s.release();
    }
    if (warmUp && ctx.evalSync(SPARE_WARM_UP) !== undefined) throw new Error('the warm-up returned something');
    return JSON.parse(ctx.evalSync('JSON.stringify(Object.getOwnPropertyNames(globalThis).sort())'));
  } finally { iso.dispose(); }
}

t.test('the primer ran: no failure reported while the caches were made', async (t) => {
  t.same(stderr.filter((l) => l.includes('primer')), [], 'stderr says nothing about the primer');
});

t.test('the caches carry the request path compiled, not only the top level', async (t) => {
  const web = sources.web[0];
  const webExtra = web.cache.copy().byteLength - plainCacheBytes(web);
  const bootExtra = sources.bootstrap.cache.copy().byteLength - plainCacheBytes(sources.bootstrap);
  // Measured: ~48 KB more for the web script (Request, Headers, bodies, Response), ~11 KB for the bootstrap (dispatch, init).
  t.ok(webExtra > 20_000, `the web script's cache holds the compiled Request/Response code (+${webExtra} bytes)`);
  t.ok(bootExtra > 4_000, `the bootstrap's cache holds the compiled dispatch code (+${bootExtra} bytes)`);
});

t.test('an isolate started from the caches sees exactly what one started without them sees', async (t) => {
  const primed = globalsAfterInstall(true);
  const plain = globalsAfterInstall(false);
  t.same(primed, plain, 'same globals');
  t.notOk(primed.some((n) => /primer|__isola_esm_ready/.test(n)), 'no global of the primer');
});

t.test("a spare's warm-up leaves the globals as they were", async (t) => {
  t.same(globalsAfterInstall(true, true), globalsAfterInstall(false), 'same globals after the warm-up');
});
