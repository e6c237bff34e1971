'use strict';
// Differential test: structuredClone inside an isolate against Node 20's.
const t = require('tap');
const { sandbox, native } = require('./helpers/sandbox');

// Each case builds a value, clones it and describes the clone (and its relation to the original) as JSON.
const cases = {
  primitives: () => [1, -0, NaN, 'x', true, null, undefined, 10n].map((v) => { const c = structuredClone(v); return [typeof c, String(c), Object.is(c, v)]; }),
  plainObject: () => { const o = { a: 1, b: { c: [1, 2, { d: 'e' }] } }; const c = structuredClone(o); return [c, c !== o, c.b !== o.b]; },
  classInstance: () => { class P { constructor() { this.x = 1; } get y() { return 2; } } const c = structuredClone(new P()); return [c, Object.getPrototypeOf(c) === Object.prototype, 'y' in c]; },
  nonEnumerableAndSymbols: () => { const o = { a: 1, [Symbol('s')]: 2 }; Object.defineProperty(o, 'hidden', { value: 3, enumerable: false }); const c = structuredClone(o); return [Object.getOwnPropertyNames(c), Object.getOwnPropertySymbols(c).length]; },
  getterRuns: () => { let n = 0; const o = { get g() { n++; return 'v'; } }; const c = structuredClone(o); return [c, n, Object.getOwnPropertyDescriptor(c, 'g').value]; },
  cycles: () => { const o = { name: 'root' }; o.self = o; o.list = [o, { back: o }]; const c = structuredClone(o); return [c.self === c, c.list[0] === c, c.list[1].back === c, c !== o]; },
  sharedRefs: () => { const s = { v: 1 }; const c = structuredClone([s, s, { s }]); return [c[0] === c[1], c[2].s === c[0]]; },
  sparseArray: () => { const a = [1, , 3]; a.length = 5; a.extra = 'x'; const c = structuredClone(a); return [c.length, 1 in c, Object.keys(c), Array.isArray(c)]; },
  date: () => { const d = new Date(1700000000123); const c = structuredClone(d); return [c instanceof Date, c.getTime(), c !== d, String(structuredClone(new Date(NaN)).getTime())]; },
  regexp: () => { const r = /ab+c/gimsuy; r.lastIndex = 3; const c = structuredClone(r); return [c instanceof RegExp, c.source, c.flags, c.lastIndex, c !== r]; },
  map: () => { const k = { k: 1 }; const m = new Map([[k, 'obj'], ['s', k], [NaN, 1]]); m.set('self', m); const c = structuredClone(m); const keys = [...c.keys()]; return [c instanceof Map, c.size, c.get('s') === keys[0], c.get('self') === c, c.get(NaN), keys[0] !== k]; },
  set: () => { const o = {}; const s = new Set([1, 'a', o, o]); s.add(s); const c = structuredClone(s); return [c instanceof Set, c.size, c.has(c), [...c].slice(0, 2)]; },
  arrayBuffer: () => { const b = new ArrayBuffer(4); new Uint8Array(b).set([1, 2, 3, 4]); const c = structuredClone(b); new Uint8Array(b)[0] = 9; return [c instanceof ArrayBuffer, c.byteLength, Array.from(new Uint8Array(c))]; },
  typedArrays: () => {
    const buf = new ArrayBuffer(16);
    const views = [new Uint8Array(buf, 2, 4), new Int16Array(buf, 4, 2), new Float64Array(buf, 8, 1), new BigInt64Array(buf, 8, 1), new DataView(buf, 1, 3)];
    new Uint8Array(buf).forEach((_, i, a) => { a[i] = i * 7; });
    const c = structuredClone(views);
    return [c.map((v) => [Object.prototype.toString.call(v), v.byteOffset, v.byteLength, v.buffer.byteLength]), c[0].buffer === c[4].buffer, c[0].buffer !== buf, Array.from(c[0])];
  },
  wrappers: () => { const c = structuredClone([Object(1), Object('s'), Object(false), Object(3n)]); return c.map((v) => [typeof v, Object.prototype.toString.call(v), String(v.valueOf())]); },
  errors: () => {
    const errs = [new Error('e'), new TypeError('t'), new RangeError('r'), new SyntaxError('s'), new ReferenceError('f'), new EvalError('v'), new URIError('u')];
    const named = new RangeError('renamed'); named.name = 'Custom';
    class Sub extends TypeError {}
    const withCause = new Error('outer', { cause: { inner: true } });
    const noMessage = new Error();
    const c = structuredClone([...errs, named, new Sub('sub'), withCause, noMessage]);
    return c.map((e) => [Object.prototype.toString.call(e), e.constructor.name, e.name, e.message, Object.prototype.hasOwnProperty.call(e, 'message'), typeof e.stack, e.cause]);
  },
  functionsThrow: () => [() => 1, Symbol('x'), { f() {} }, [Symbol.iterator], new WeakMap(), new WeakSet(), Promise.resolve(), new WeakRef({})].map((v) => {
    try { structuredClone(v); return 'cloned'; } catch (e) { return [e.constructor.name, e.name, e.code]; }
  }),
  transferOption: () => { const b = new Uint8Array([1, 2]).buffer; const c = structuredClone({ b }, { transfer: [] }); return [Array.from(new Uint8Array(c.b))]; },
  argErrors: () => [() => structuredClone(), () => structuredClone(1, 5)].map((f) => { try { f(); return 'ok'; } catch (e) { return e.constructor.name; } }),
};

t.test('structuredClone matches Node for each kind of value', async (t) => {
  const box = sandbox(t);
  for (const [name, fn] of Object.entries(cases)) t.same(box.run(fn), native(fn), name);
});

t.test('structuredClone refuses the platform objects it cannot serialize', async (t) => {
  const box = sandbox(t);
  const probe = () => [new Headers(), new URL('http://x/'), new URLSearchParams(), new Request('http://x/'), new Response(''),
    new TextEncoder(), new TextDecoder(), new EventTarget(), new Event('x'), new AbortController(), AbortSignal.abort(), { nested: [new Headers()] }].map((v) => {
    try { structuredClone(v); return 'cloned'; } catch (e) { return e.name; }
  });
  t.same(box.run(probe), Array(12).fill('DataCloneError'));
  // DOMException is serializable per WebIDL (Node 20 clones it to {} instead: documented deviation).
  const dom = () => { const c = structuredClone(new DOMException('m', 'AbortError')); return [c instanceof DOMException, c.name, c.message, c.code]; };
  t.same(box.run(dom), [true, 'AbortError', 'm', 20]);
});
