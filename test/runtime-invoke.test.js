'use strict';
// Event handler invocation, the isolate-specific part: module systems and resolution, V8 error details, the
// context alias, console formatting, idle reclaim, frozen timers, web globals, host stats. Behaviour every
// executor shares (handler shapes, context, errors, warm reuse, cold starts) is in test/conformance/.
const t = require('tap');
const { createIsolateRuntime } = require('../dist/runtime');
const { writeTree, spec, req, fnTree, dataDir } = require('./fixtures/runtime/util');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 2, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

const call = (s, ev) => rt.invoke(req(s, ev));

t.test('context.requestId: the camel-case alias of request_id (the other fields: test/conformance/context)', async (t) => {
  const dir = fnTree(`return { request_id: context.request_id, requestId: context.requestId };`);
  const r = req(spec(dir), {});
  const o = await rt.invoke(r);
  t.equal(o.kind, 'ok', o.errorMessage);
  t.same(JSON.parse(o.result), { request_id: r.requestId, requestId: r.requestId });
});

t.test('console joins and formats its arguments (levels, order, RequestId: test/conformance/logs)', async (t) => {
  const dir = fnTree(`console.log('a', 1, {b: 2}); return 1;`);
  const o = await rt.invoke(req(spec(dir)));
  t.same(o.logs.map((l) => [l.level, l.message]), [['log', 'a 1 { b: 2 }']]);
});

t.test('ES modules: .mjs, type:module, import of CJS gets default', async (t) => {
  const a = writeTree({
    'index.mjs': `import { add } from './lib/math.mjs'; import cjs from './lib/legacy.cjs'; import data from './data.json';\nexport const main_handler = async (e) => ({ sum: add(e.a, e.b), cjs: cjs.name, data });`,
    'lib/math.mjs': 'export function add(a, b) { return a + b; }',
    'lib/legacy.cjs': 'module.exports = { name: "legacy" };',
    'data.json': '{"k": 1}',
  });
  const o = await call(spec(a), { a: 2, b: 3 });
  t.equal(o.kind, 'ok', o.errorMessage);
  t.same(JSON.parse(o.result), { sum: 5, cjs: 'legacy', data: { k: 1 } });
  const b = writeTree({
    'package.json': '{"type":"module"}',
    'index.js': `import def, { x } from './m.js'; export default 1; export async function main_handler() { return def + x; }`,
    'm.js': 'export const x = 1; export default 41;',
  });
  const o2 = await call(spec(b));
  t.equal(o2.result, '42', o2.errorMessage);
  const c = writeTree({
    'index.mjs': `const v = await new Promise((r) => setTimeout(() => r(42), 20)); console.log('tla done'); export const main_handler = () => v;`,
    'bad.mjs': `await null; throw new TypeError('tla failed'); export const main_handler = () => 1;`,
  });
  const o3 = await call(spec(c));
  t.equal(o3.result, '42', 'top-level await on a timer');
  t.same(o3.logs.map((l) => l.message), ['tla done']);
  const o4 = await call(spec(c, { handler: 'bad.main_handler' }));
  t.equal(o4.kind, 'user_error');
  t.match(o4.errorMessage, /tla failed/);
});

t.test('bundled npm package with nested node_modules, main and exports', async (t) => {
  const dir = writeTree({
    'index.js': `const a = require('pkg-a'); const b = require('pkg-b'); const sub = require('pkg-b/feature'); const self = require('./lib');\nexports.main_handler = () => [a(), b.name, sub, self, require('pkg-a/package.json').version];`,
    'lib/index.js': 'module.exports = "lib-index";',
    'node_modules/pkg-a/package.json': '{"name":"pkg-a","version":"1.2.3","main":"dist/main.js"}',
    'node_modules/pkg-a/dist/main.js': 'const dep = require("dep"); module.exports = () => "a+" + dep;',
    'node_modules/pkg-a/node_modules/dep/index.js': 'module.exports = "nested-dep";',
    'node_modules/pkg-b/package.json': '{"name":"pkg-b","exports":{".":{"import":"./esm.mjs","require":"./cjs.js"},"./feature":"./feature/impl.js","./package.json":"./package.json"}}',
    'node_modules/pkg-b/cjs.js': 'exports.name = "b-cjs";',
    'node_modules/pkg-b/esm.mjs': 'export const name = "b-esm";',
    'node_modules/pkg-b/feature/impl.js': 'module.exports = "feature";',
  });
  const o = await call(spec(dir));
  t.equal(o.kind, 'ok', o.errorMessage);
  t.same(JSON.parse(o.result), ['a+nested-dep', 'b-cjs', 'feature', 'lib-index', '1.2.3']);
});

t.test('layers are searched after the code root', async (t) => {
  const layer = writeTree({ 'node_modules/layer-lib/index.js': 'module.exports = "from-layer";' });
  const dir = fnTree(`return require('layer-lib');`);
  const o = await call(spec(dir, { layerDirs: [layer] }));
  t.equal(o.result, '"from-layer"', o.errorMessage);
});

t.test('Node built-ins answer a clear error', async (t) => {
  const dir = fnTree(`try { require('fs'); } catch (e) { return [e.message, e.code]; }`);
  const o = await call(spec(dir));
  t.same(JSON.parse(o.result), ["Cannot find module 'fs': Node.js built-in modules are not available in the isolate runtime (the Node.js process runtime has them; with ISOLA_COMPATIBILITY_FLAGS=nodejs_compat the isolate runtime offers assert, async_hooks, buffer, crypto, events, path, process, querystring, stream, string_decoder, timers, url, util)", 'ERR_BUILTIN_NOT_AVAILABLE']);
  const top = writeTree({ 'index.js': `const cp = require('node:child_process'); exports.main_handler = () => 1;` });
  const o2 = await call(spec(top));
  t.equal(o2.kind, 'user_error');
  t.match(o2.errorMessage, /Cannot find module 'node:child_process': Node.js built-in modules are not available/);
  const esm = writeTree({ 'index.mjs': `import fs from 'fs'; export const main_handler = () => 1;` });
  const o3 = await call(spec(esm));
  t.equal(o3.kind, 'user_error');
  t.match(o3.errorMessage, /Cannot find module 'fs'/);
});

t.test('module resolution never leaves the roots', async (t) => {
  const fs = require('node:fs');
  const path = require('node:path');
  const dir = fnTree(`const out = []; for (const p of ['../../../../etc/passwd', '/etc/passwd', '../x', './link', './link.js', 'escape']) { try { require(p); out.push('LOADED ' + p); } catch (e) { out.push(e.code); } } return out;`);
  fs.symlinkSync('/etc/passwd', path.join(dir, 'link.js'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync('/etc', path.join(dir, 'node_modules', 'escape'));
  const o = await call(spec(dir));
  t.equal(o.kind, 'ok', o.errorMessage);
  t.ok(JSON.parse(o.result).every((c) => c === 'MODULE_NOT_FOUND'), o.result);
});

t.test('uncaught errors: 430 with the user stack; non-encodable results', async (t) => {
  const dir = writeTree({
    'index.js': `function inner() { null.x; }\nexports.main_handler = () => inner();\nexports.cycle = () => { const a = {}; a.a = a; return a; };\nexports.big = () => ({ n: 1n });\nexports.str = () => { throw 'plain string'; };\nexports.rej = async () => { throw new RangeError('nope'); };`,
  });
  const o = await call(spec(dir));
  t.equal(o.kind, 'user_error');
  t.equal(o.kind, 'user_error');
  t.match(o.errorMessage, /^TypeError: Cannot read properties of null/);
  t.match(o.errorStack, /at inner \(\/var\/user\/index\.js:1:/);
  const c = await call(spec(dir, { handler: 'index.cycle' }));
  t.equal(c.kind, 'user_error');
  t.match(c.errorMessage, /circular/i);
  const b = await call(spec(dir, { handler: 'index.big' }));
  t.equal(b.kind, 'user_error');
  t.match(b.errorMessage, /BigInt/);
  t.equal((await call(spec(dir, { handler: 'index.str' }))).errorMessage, 'plain string');
  t.equal((await call(spec(dir, { handler: 'index.rej' }))).errorMessage, 'RangeError: nope');
});

t.test('idle instances are reclaimed after keepAliveMs', async (t) => {
  const rt2 = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 500 });
  t.teardown(() => rt2.close());
  const s = spec(writeTree({ 'index.js': 'let n = 0; exports.main_handler = () => ++n;' }));
  t.equal((await rt2.invoke(req(s))).result, '1');
  t.equal((await rt2.invoke(req(s))).result, '2');
  await new Promise((r) => setTimeout(r, 100));
  t.same(rt2.stats().instances[s.key], { busy: 0, idle: 1 });
  await new Promise((r) => setTimeout(r, 900));
  t.notOk(rt2.stats().instances[s.key], 'the pool is gone from stats');
  const o = await rt2.invoke(req(s));
  t.equal(o.result, '1', 'reclaimed: state starts over');
  t.ok(o.coldStart);
});

t.test('instances are frozen between invocations: timers and intervals wait for the next one', async (t) => {
  const dir = writeTree({ 'index.js': `let ticks = 0; let late = 0; setInterval(() => ticks++, 5);
exports.main_handler = async (e) => { if (e.wait) { setTimeout(() => late++, 30); await new Promise(r => setTimeout(r, e.wait)); } return { ticks, late }; };` });
  const s = spec(dir);
  const a = JSON.parse((await call(s, { wait: 60 })).result);
  t.ok(a.ticks >= 3, `ticks while running: ${a.ticks}`);
  await new Promise((r) => setTimeout(r, 300));
  const b = JSON.parse((await call(s, {})).result);
  t.ok(b.ticks - a.ticks <= 3, `ticks while idle: ${b.ticks - a.ticks} (frozen)`);
  await new Promise((r) => setTimeout(r, 20));
  const c = JSON.parse((await call(s, { wait: 40 })).result);
  t.ok(c.ticks - b.ticks >= 3, 'the interval runs again during the next invocation');
});

t.test('web globals are present', async (t) => {
  const dir = fnTree(`return ['URL','URLSearchParams','TextEncoder','TextDecoder','atob','btoa','structuredClone','Headers','Request','Response','AbortController','Event','EventTarget','queueMicrotask','setTimeout','setInterval','clearTimeout','clearInterval','fetch','crypto','performance','console','process'].filter((n) => typeof globalThis[n] === 'undefined');`);
  const o = await call(spec(dir));
  t.same(JSON.parse(o.result), []);
  const d2 = fnTree(`const u = new URL('https://a.b/c?d=1'); const r = new Response('hi', {status: 201}); return [u.searchParams.get('d'), r.status, await r.text(), new TextDecoder().decode(new TextEncoder().encode('é')), crypto.getRandomValues(new Uint8Array(4)).length, typeof performance.now()];`);
  const o2 = await call(spec(d2));
  t.same(JSON.parse(o2.result), ['1', 201, 'hi', 'é', 4, 'number']);
});

t.test('stats snapshot', async (t) => {
  const st = rt.stats();
  t.equal(st.processes.length, 2);
  t.ok(st.processes.every((h) => h.alive && h.pid > 0));
});
