'use strict';
// Issue 18: the Node.js compatibility set, opt-in per function through the
// environment variable ISOLA_COMPATIBILITY_FLAGS=nodejs_compat. With it,
// `buffer` (and the global Buffer) and `events` are importable as `x` and
// `node:x`; popular npm packages that need them (safe-buffer, node-cache with
// clone) run unmodified; without it they fail with the clear built-in error.
const t = require('tap');
const { npmPackages } = require('./helpers/npm-fixtures');
const { createIsolateRuntime } = require('../dist/runtime');
const { writeTree, spec, req, fnTree, dataDir } = require('./fixtures/runtime/util');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

const ON = { env: { ISOLA_COMPATIBILITY_FLAGS: 'nodejs_compat' } };
const call = async (dir, over = {}) => rt.invoke(req(spec(dir, over)));

t.test('buffer: require, node: prefix, global Buffer, Node behaviours packages rely on', async (t) => {
  const dir = fnTree(`
    const { Buffer: B } = require('buffer');
    const b = Buffer.from('héllo wörld');
    return {
      same: B === Buffer && require('node:buffer').Buffer === Buffer,
      hex: b.toString('hex'), base64: b.toString('base64'), latin1: Buffer.from([0xe9]).toString('latin1'),
      len: Buffer.byteLength('héllo'), isBuffer: Buffer.isBuffer(b), notBuffer: Buffer.isBuffer(new Uint8Array(1)),
      uint8: b instanceof Uint8Array, concat: Buffer.concat([Buffer.from('a'), Buffer.from('b')]).toString(),
      slice: b.subarray(1, 3).toString(), int: Buffer.from([1, 2, 3, 4]).readUInt32BE(0), cmp: Buffer.compare(Buffer.from('a'), Buffer.from('b')),
      json: JSON.stringify(Buffer.from([1, 2])), alloc: Buffer.alloc(3, 'ab').toString(), eq: Buffer.from('x').equals(Buffer.from('x')),
      desc: (() => { const d = Object.getOwnPropertyDescriptor(globalThis, 'Buffer'); return [typeof d.value, d.enumerable, d.writable]; })(),
    };`);
  const o = await call(dir, ON);
  t.equal(o.kind, 'ok', o.errorMessage);
  const node = Buffer.from('héllo wörld');
  t.same(JSON.parse(o.result), {
    same: true, hex: node.toString('hex'), base64: node.toString('base64'), latin1: 'é', len: 6, isBuffer: true, notBuffer: false,
    uint8: true, concat: 'ab', slice: node.subarray(1, 3).toString(), int: 0x01020304, cmp: -1, json: '{"type":"Buffer","data":[1,2]}',
    alloc: 'aba', eq: true, desc: ['function', false, true],
  });
});

t.test('events: EventEmitter, once, error events, listener order; ES module named imports', async (t) => {
  const dir = writeTree({ 'index.mjs': `
    import EventEmitter, { once, EventEmitter as EE } from 'node:events';
    import events from 'events';
    import { Buffer } from 'node:buffer';
    export async function main_handler() {
      const e = new EventEmitter();
      const seen = [];
      e.on('x', (v) => seen.push('a' + v));
      e.prependListener('x', (v) => seen.push('first' + v));
      e.once('x', (v) => seen.push('once' + v));
      e.emit('x', 1); e.emit('x', 2);
      let thrown = null;
      try { e.emit('error', new Error('boom')); } catch (err) { thrown = err.message; }
      setTimeout(() => e.emit('ready', 42), 1);
      const [value] = await once(e, 'ready');
      return { seen, thrown, value, count: e.listenerCount('x'), same: EE === EventEmitter && events === EventEmitter, buf: Buffer.from('hi').toString('hex') };
    }` });
  const o = await call(dir, ON);
  t.equal(o.kind, 'ok', o.errorMessage);
  t.same(JSON.parse(o.result), { seen: ['first1', 'a1', 'once1', 'first2', 'a2'], thrown: 'boom', value: 42, count: 2, same: true, buf: '6869' });
});

t.test('util: format, inspect, promisify, callbackify, inherits, types, isDeepStrictEqual', async (t) => {
  const dir = fnTree(`
    const util = require('node:util');
    const fn = (a, cb) => setTimeout(() => (a < 0 ? cb(new Error('neg')) : cb(null, a * 2)), 1);
    const p = util.promisify(fn);
    const doubled = await p(21);
    const rejected = await p(-1).catch((e) => e.message);
    const cbResult = await new Promise((res) => util.callbackify(async (x) => x + 1)(1, (err, v) => res([err, v])));
    function Base() {}
    Base.prototype.hi = function () { return 'hi'; };
    function Child() { Base.call(this); }
    util.inherits(Child, Base);
    const circular = { name: 'c' }; circular.self = circular;
    return {
      same: util === require('util'),
      format: [
        util.format('%s=%d, %i|%f %j %% %o', 'a', 42, 3.9, '1.5', { j: 1 }, [1]), util.format('x', 1, 'y', { a: 1 }),
        util.format('%s', { a: { b: { c: {} } } }), util.format('%d', '0x10'), util.format('%s %s', 'only'),
      ],
      inspect: [
        util.inspect({ a: 1, 'b-c': 'x', d: [1, 2, { e: null }], f: undefined, g: () => {}, h: Symbol('s') }),
        util.inspect(new Map([['k', 1]])), util.inspect(new Set([1])), util.inspect({ a: { b: { c: { d: 1 } } } }),
        util.inspect(circular), util.inspect(Object.create(null)), util.inspect(new Uint8Array([1, 2])), util.inspect('str'),
        util.inspect(new Date(0)), util.inspect(/x/g), util.inspect(class Foo {}), util.inspect(async function af() {}),
        util.inspect({ [util.inspect.custom]() { return 'custom!'; } }), util.inspect(-0), util.inspect(10n), util.inspect([, 1]),
      ],
      doubled, rejected, cbResult,
      inherits: [new Child().hi(), Child.super_ === Base, new Child() instanceof Base],
      types: [util.types.isPromise(Promise.resolve()), util.types.isPromise({ then() {} }), util.types.isDate(new Date()), util.types.isRegExp(/a/),
        util.types.isUint8Array(new Uint8Array()), util.types.isUint8Array(new Uint16Array()), util.types.isTypedArray(new Float64Array()),
        util.types.isAsyncFunction(async () => {}), util.types.isGeneratorFunction(function* () {}), util.types.isMap(new Map()), util.types.isArrayBuffer(new ArrayBuffer(1))],
      deep: [util.isDeepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), util.isDeepStrictEqual({ a: 1 }, { a: '1' }), util.isDeepStrictEqual(new Map([[1, 2]]), new Map([[1, 3]]))],
    };`);
  const o = await call(dir, ON);
  t.equal(o.kind, 'ok', o.errorMessage);
  const r = JSON.parse(o.result);
  const util = require('node:util');
  t.equal(r.same, true);
  // The same calls in Node itself: the isolate's util must agree on these (single-line) cases.
  t.same(r.format, [
    util.format('%s=%d, %i|%f %j %% %o', 'a', 42, 3.9, '1.5', { j: 1 }, [1]), util.format('x', 1, 'y', { a: 1 }),
    util.format('%s', { a: { b: { c: {} } } }), util.format('%d', '0x10'), util.format('%s %s', 'only'),
  ]);
  const circular = { name: 'c' }; circular.self = circular;
  t.same(r.inspect, [
    util.inspect({ a: 1, 'b-c': 'x', d: [1, 2, { e: null }], f: undefined, g: () => {}, h: Symbol('s') }),
    util.inspect(new Map([['k', 1]])), util.inspect(new Set([1])), util.inspect({ a: { b: { c: { d: 1 } } } }),
    util.inspect(circular).replace('<ref *1> ', ''), util.inspect(Object.create(null)), util.inspect(new Uint8Array([1, 2])), util.inspect('str'),
    util.inspect(new Date(0)), util.inspect(/x/g), util.inspect(class Foo {}), util.inspect(async function af() {}),
    util.inspect({ [util.inspect.custom]() { return 'custom!'; } }), util.inspect(-0), util.inspect(10n), util.inspect([, 1]),
  ]);
  t.equal(r.doubled, 42);
  t.equal(r.rejected, 'neg');
  t.same(r.cbResult, [null, 2]);
  t.same(r.inherits, ['hi', true, true]);
  t.same(r.types, [true, false, true, true, true, false, true, true, true, true, true]);
  t.same(r.deep, [true, false, false]);
});

t.test('path: the posix functions agree with Node', async (t) => {
  const cases = [
    ['join', '/a/b', '../c', './d'], ['resolve', 'x', '../y'], ['resolve', '/a', 'b'], ['normalize', '/a//b/../c/.'], ['relative', '/a/b/c', '/a/d'],
    ['dirname', '/a/b/c.txt'], ['basename', '/a/b/c.txt', '.txt'], ['extname', 'x.tar.gz'], ['isAbsolute', 'a/b'], ['parse', '/home/u/f.txt'],
    ['format', { dir: '/x', base: 'y.js' }],
  ];
  const dir = fnTree(`
    const path = require('path');
    return { same: path === require('node:path') && path.posix === path, sep: path.sep, delimiter: path.delimiter,
      results: ${JSON.stringify(cases)}.map(([fn, ...args]) => path[fn](...args)) };`);
  const o = await call(dir, ON);
  t.equal(o.kind, 'ok', o.errorMessage);
  const r = JSON.parse(o.result);
  const path = require('node:path').posix;
  t.same(r, { same: true, sep: '/', delimiter: ':', results: cases.map(([fn, ...args]) => {
    const v = path[fn](...args.map((a) => (fn === 'resolve' && !String(a).startsWith('/') && a === args[0] ? `/var/user/${a}` : a)));
    return v;
  }) }, 'relative paths resolve against /var/user (process.cwd())');
});

const PACKAGES_APP = `
const NodeCache = require('node-cache');          // requires 'events' and 'clone'; sizes values with the global Buffer
const SafeBuffer = require('safe-buffer').Buffer; // requires 'buffer'
exports.main_handler = async () => {
  const cache = new NodeCache({ stdTTL: 100, checkperiod: 0 });
  const events = [];
  cache.on('set', (key) => events.push('set:' + key));
  cache.set('blob', Buffer.from('binary value'));
  cache.set('obj', { a: [1, 2] });
  return { events, blob: cache.get('blob').toString(), obj: cache.get('obj'), stats: cache.getStats(), safe: SafeBuffer.from('abc').toString('base64') };
};`;

t.test('node-cache and safe-buffer run unmodified with the switch on', async (t) => {
  const dir = writeTree({ 'index.js': PACKAGES_APP, ...npmPackages('node-cache', 'clone', 'safe-buffer') });
  const o = await call(dir, ON);
  t.equal(o.kind, 'ok', o.errorMessage);
  const r = JSON.parse(o.result);
  t.same(r.events, ['set:blob', 'set:obj']);
  t.equal(r.blob, 'binary value');
  t.same(r.obj, { a: [1, 2] });
  t.equal(r.stats.keys, 2);
  t.ok(r.stats.vsize >= 12, 'value size came from Buffer.isBuffer/length');
  t.equal(r.safe, 'YWJj');
});

t.test('without the switch the same packages fail with the clear built-in error', async (t) => {
  const dir = writeTree({ 'index.js': PACKAGES_APP, ...npmPackages('node-cache', 'clone', 'safe-buffer') });
  const o = await call(dir);
  t.equal(o.kind, 'user_error');
  t.match(o.errorMessage, /Cannot find module 'events': Node\.js built-in modules are not available in the isolate runtime \(the Node\.js process runtime has them; with ISOLA_COMPATIBILITY_FLAGS=nodejs_compat/);
  const plain = await call(fnTree(`return typeof Buffer;`));
  t.equal(plain.result, '"undefined"', 'no global Buffer without the switch');
});

t.test('modules outside the set keep the error with the switch on; unknown flags fail the cold start', async (t) => {
  const dir = fnTree(`try { require('node:fs'); } catch (e) { return [e.message, e.code]; }`);
  const o = await call(dir, ON);
  t.match(JSON.parse(o.result)[0], /^Cannot find module 'node:fs': Node\.js built-in modules are not available in the isolate runtime/);
  t.equal(JSON.parse(o.result)[1], 'ERR_BUILTIN_NOT_AVAILABLE');
  const internal = await call(fnTree(`try { require('base64-js'); return 'loaded'; } catch (e) { return e.code; }`), ON);
  t.equal(internal.result, '"MODULE_NOT_FOUND"', "the set's own dependencies are not importable by tenant code");
  const bad = await call(fnTree('return 1;'), { env: { ISOLA_COMPATIBILITY_FLAGS: 'nodejs_compat,nodejs_als' } });
  t.not(bad.kind, 'ok');
  t.match(bad.errorMessage, /ISOLA_COMPATIBILITY_FLAGS: unknown flag 'nodejs_als' \(known: nodejs_compat\)/);
});
