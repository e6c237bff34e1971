'use strict';
// Issue 18: npm packages that need node:crypto and node:stream run unmodified in
// an isolate with ISOLA_COMPATIBILITY_FLAGS=nodejs_compat — cookie-signature
// (express's cookie signing: createHmac, timingSafeEqual, Buffer) and pump
// (stream piping with end-of-stream) — and without the switch the crypto one
// fails with the clear built-in error.
const t = require('tap');
const { npmPackages } = require('./helpers/npm-fixtures');
const { createIsolateRuntime } = require('../dist/runtime');
const { writeTree, spec, req, dataDir } = require('./fixtures/runtime/util');
const signature = require('../test/fixtures/npm/cookie-signature');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

const ON = { env: { ISOLA_COMPATIBILITY_FLAGS: 'nodejs_compat' } };

t.test('cookie-signature signs and verifies as in Node; without the switch: the built-in error', async (t) => {
  const dir = writeTree({
    'index.js': `const sig = require('cookie-signature');
      exports.main_handler = async () => {
        const signed = sig.sign('user=42', 'tobiiscool');
        return [signed, sig.unsign(signed, 'tobiiscool'), sig.unsign(signed, 'wrong'), sig.unsign(signed.slice(0, -1) + 'x', 'tobiiscool')];
      };`,
    ...npmPackages('cookie-signature'),
  });
  const on = await rt.invoke(req(spec(dir, ON)));
  t.equal(on.kind, 'ok', on.errorMessage);
  const signed = signature.sign('user=42', 'tobiiscool');
  t.same(JSON.parse(on.result), [signed, 'user=42', false, false]);
  const off = await rt.invoke(req(spec(dir)));
  t.equal(off.kind, 'user_error');
  t.match(off.errorMessage, /Cannot find module 'crypto': Node\.js built-in modules are not available in the isolate runtime/);
});

t.test('pump pipes node:stream streams and reports the first error', async (t) => {
  const dir = writeTree({
    'index.js': `const pump = require('pump');
      const { Readable, Transform, Writable } = require('stream');
      const run = (fail) => new Promise((resolve) => {
        const out = [];
        pump(
          Readable.from(['a', 'b', 'c']),
          new Transform({ transform(chunk, _e, cb) { if (fail && String(chunk) === 'b') cb(new Error('bad chunk')); else cb(null, String(chunk).toUpperCase()); } }),
          new Writable({ write(chunk, _e, cb) { out.push(String(chunk)); cb(); } }),
          (err) => resolve([err ? err.message : null, out]));
      });
      exports.main_handler = async () => [await run(false), await run(true)];`,
    ...npmPackages('pump', 'end-of-stream', 'once', 'wrappy'),
  });
  const o = await rt.invoke(req(spec(dir, ON)));
  t.equal(o.kind, 'ok', o.errorMessage);
  t.same(JSON.parse(o.result), [[null, ['A', 'B', 'C']], ['bad chunk', ['A']]]);
});
