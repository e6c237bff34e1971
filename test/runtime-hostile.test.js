'use strict';
// Hostile payloads inside the isolate: each must end in the safe outcome, and the host must keep serving.
const t = require('tap');
const http = require('node:http');
const { createIsolateRuntime } = require('../dist/runtime');
const { writeTree, spec, req, fnTree, dataDir } = require('./fixtures/runtime/util');

let rt, server, port, hits = 0;
t.before(async () => {
  rt = await createIsolateRuntime({ hosts: 2, dataDir, keepAliveMs: 60_000 });
  server = http.createServer((q, s) => { hits++; s.end('secret'); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  port = server.address().port;
});
t.teardown(async () => { await rt.close(); server.close(); });

const healthy = spec(fnTree('return "ok";'));
const STD = new Set(Object.getOwnPropertyNames(globalThis));   // this Node's globals: a superset of ECMAScript's

/** Runs a handler body; asserts `check(outcome)`; then asserts the runtime still serves. */
function hostile(name, body, check, over = {}) {
  t.test(name, async (t) => {
    const s = spec(typeof body === 'string' ? fnTree(body) : writeTree(body), { timeoutMs: 400, ...over });
    const o = await rt.invoke(req(s, { port }));
    await check(t, o, s);
    const h = await rt.invoke(req(healthy));
    t.equal(h.result, '"ok"', 'the host still serves');
  });
}
const ok = (t, o) => { t.equal(o.kind, 'ok', o.errorMessage); return JSON.parse(o.result); };

hostile('1. Function constructor from a host-provided function reaches only the isolate', `
  const F = context.getRemainingTimeInMillis.constructor;
  const g = F('return this')();
  const viaConsole = console.log.constructor('return [typeof require, typeof module, typeof Buffer, typeof global]')();
  const viaTimer = setTimeout.constructor.constructor('return typeof process.binding')();
  return { same: g === globalThis, viaConsole, viaTimer };`,
(t, o) => t.same(ok(t, o), { same: true, viaConsole: ['undefined', 'undefined', 'undefined', 'undefined'], viaTimer: 'undefined' }));

hostile('2. Error.prepareStackTrace sees no host functions or receivers', `
  const seen = [];
  Error.prepareStackTrace = (e, frames) => { for (const f of frames) seen.push([f.getFileName(), typeof f.getFunction(), typeof f.getThis()]); return 'x'; };
  try { JSON.parse('{'); } catch (e) { e.stack; }
  try { console.log({ get a() { throw new Error('in getter'); } }); } catch (e) { e.stack; }
  await new Promise((r) => setTimeout(() => { try { null.x } catch (e) { e.stack; } r(); }, 1));
  return seen.filter(([f]) => f && !String(f).startsWith('/var/user'));`,
(t, o) => { const frames = ok(t, o); t.ok(frames.every(([, fn, th]) => fn === 'undefined' && th === 'undefined'), JSON.stringify(frames)); });

hostile('3. A Proxy result with a throwing ownKeys trap is a 430, not a host error', `
  return new Proxy({}, { ownKeys() { throw new Error('trap'); }, get() { return 1; } });`,
(t, o) => { t.equal(o.kind, 'user_error'); t.equal(o.errorMessage, 'Error: trap'); });

hostile('4. A Proxy thrown as an error', `
  throw new Proxy(new Error('real'), { get(target, k) { if (k === 'message') return 'proxied'; return Reflect.get(target, k); } });`,
(t, o) => { t.equal(o.kind, 'user_error'); t.equal(o.errorMessage, 'Error: proxied'); });

hostile('5. Symbol.toPrimitive looping on a thrown value ends in a timeout', `
  throw { [Symbol.toPrimitive]() { for (;;) {} } };`,
(t, o) => t.equal(o.kind, 'timeout'));

hostile('6. Symbol tricks: toJSON and Symbol.toStringTag on the result', `
  return { [Symbol.toStringTag]: 'Reference', toJSON() { return { fine: true }; } };`,
(t, o) => t.same(ok(t, o), { fine: true }));

hostile('7. Prototype pollution does not reach the outcome or the host', `
  Object.prototype.kind = 'ok'; Object.prototype.statusCode = 200; Object.prototype.result = '"pwned"';
  Array.prototype.push = function () { throw new Error('push'); };
  JSON.stringify = () => '"pwned"';
  throw new Error('real error');`,
(t, o) => { t.equal(o.kind, 'user_error'); t.equal(o.errorMessage, 'Error: real error'); t.notOk(Object.prototype.kind); });

hostile('8. Overriding Function.prototype.call/apply and Promise.prototype.then', `
  Function.prototype.call = function () { throw new Error('call'); };
  Function.prototype.apply = function () { throw new Error('apply'); };
  Promise.prototype.then = function () { throw new Error('then'); };
  return 5;`,
(t, o) => { t.ok(o.kind === 'ok' || o.kind === 'user_error', `${o.kind} ${o.errorMessage}`); });

hostile('9. Async stack tricks: captured continuations expose nothing of the host', `
  const fns = [];
  const origThen = Promise.prototype.then;
  Promise.prototype.then = function (a, b) { if (typeof a === 'function') fns.push(a); return origThen.call(this, a, b); };
  await null; await new Promise((r) => setTimeout(r, 1)); await fetch('http://127.0.0.1:' + event.port).catch(() => 0);
  Promise.prototype.then = origThen;
  return fns.map((f) => { try { return f.constructor('return typeof require')(); } catch (e) { return 'err'; } });`,
(t, o) => { const r = ok(t, o); t.ok(r.every((x) => x === 'undefined' || x === 'err'), JSON.stringify(r)); });

hostile('10. process has only env and nextTick; env is the function\'s own', `
  return { keys: Object.keys(process).sort(), env: process.env, binding: typeof process.binding, mm: typeof process.mainModule, pid: typeof process.pid };`,
(t, o) => t.same(ok(t, o), { keys: ['env', 'nextTick'], env: { ONLY: 'this' }, binding: 'undefined', mm: 'undefined', pid: 'undefined' }),
{ env: { ONLY: 'this' } });

hostile('11. No host globals: require, module, Buffer, ivm internals, sandbox internals', `
  return Object.getOwnPropertyNames(globalThis);`,
(t, o) => {
  const extra = ok(t, o).filter((n) => !STD.has(n)).sort();
  const allowed = ['Headers', 'Request', 'Response', 'DOMException', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'atob', 'btoa',
    'structuredClone', 'Event', 'EventTarget', 'AbortController', 'AbortSignal', 'queueMicrotask', 'fetch', 'crypto', 'performance', 'console',
    'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'process', 'WebSocket', 'WebSocketPair', 'CloseEvent', 'ErrorEvent'];
  t.same(extra.filter((n) => !allowed.includes(n)), [], `unexpected globals: ${extra}`);
  t.notOk(extra.some((n) => /ivm|isola|require|Buffer/i.test(n)));
});

hostile('12. Exhausting memory: 434', `const a = []; for (;;) a.push('x'.repeat(1024) + Math.random());`,
(t, o) => t.equal(o.kind, 'oom'), { memoryMb: 16, timeoutMs: 10_000 });

hostile('13. Exhausting the stack: 430 RangeError', `function f() { return f() + 1; } return f();`,
(t, o) => { t.equal(o.kind, 'user_error'); t.match(o.errorMessage, /RangeError: Maximum call stack size exceeded/); });

hostile('14. Blocking the event loop: 433 and a fresh instance next time', `for (;;) {}`,
(t, o) => t.equal(o.kind, 'timeout'));

hostile('15. Spamming timers: capped', `
  let n = 0; try { for (let i = 0; i < 100000; i++) { setTimeout(() => {}, 1e6); n++; } } catch (e) { return [n, e.name]; } return [n];`,
(t, o) => t.same(ok(t, o), [1000, 'RangeError']));

hostile('16. Spamming zero-delay intervals until the timeout', `
  for (let i = 0; i < 500; i++) setInterval(() => { for (let j = 0; j < 1000; j++); }, 0);
  await new Promise(() => {});`,
(t, o) => t.equal(o.kind, 'timeout'), { timeoutMs: 300 });

hostile('17. Huge console output is capped per line, in lines and bytes', `
  console.log('y'.repeat(50 * 1024 * 1024));
  for (let i = 0; i < 20000; i++) console.log('x'.repeat(2000));
  return 1;`,
(t, o) => {
  t.equal(o.result, '1');
  t.equal(o.logs[0].message.length, 8192);
  t.ok(o.logs.length <= 5001, `${o.logs.length} lines`);
  const bytes = o.logs.reduce((a, l) => a + l.message.length, 0);
  t.ok(bytes <= 1024 * 1024 + 16384, `${bytes} bytes`);
  t.match(o.logs[o.logs.length - 1].message, /log limit reached/);
}, { memoryMb: 128, timeoutMs: 5000 });

hostile('18. fetch to loopback, private, link-local and file: URLs is denied', `
  const out = [];
  for (const u of ['http://127.0.0.1:' + event.port + '/', 'http://localhost:' + event.port + '/', 'http://[::1]:' + event.port + '/',
                   'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', 'http://192.168.1.1/', 'http://0.0.0.0:' + event.port + '/', 'file:///etc/passwd']) {
    try { const r = await fetch(u); out.push('FETCHED ' + u + ' ' + r.status); } catch (e) { out.push(e.message); }
  }
  return out;`,
(t, o) => {
  const r = ok(t, o);
  t.ok(r.every((m) => m.startsWith('fetch failed: ')), JSON.stringify(r));
  t.equal(hits, 0, 'the loopback server was never contacted');
}, { timeoutMs: 3000 });

hostile('19. A returned object whose getter loops forever: 433', `return { get x() { for (;;) {} } };`,
(t, o) => t.equal(o.kind, 'timeout'));

hostile('20. A thrown object whose message getter loops: 433, host unharmed', `throw { get message() { for (;;) {} } };`,
(t, o) => t.equal(o.kind, 'timeout'));

hostile('21. A promise that never settles: 433', `return new Promise(() => {});`,
(t, o) => { t.equal(o.kind, 'timeout'); t.equal(o.errorMessage, 'time out'); });

hostile('22. Atomics.wait blocking the isolate thread: 433 or a clean error', `
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); return 1;`,
(t, o) => t.ok(o.kind === 'timeout' || o.kind === 'user_error', `${o.kind} ${o.errorMessage}`));

hostile('23. A result over 6 MB is refused inside the isolate', `return 'z'.repeat(7 * 1024 * 1024);`,
(t, o) => { t.equal(o.kind, 'user_error'); t.match(o.errorMessage, /response size exceeds/); }, { memoryMb: 128 });

hostile('24. Dynamic import() of a built-in fails cleanly', `try { await import('fs'); return 'imported'; } catch (e) { return 'refused'; }`,
(t, o) => t.ok(o.kind === 'user_error' || o.result === '"refused"', `${o.kind} ${o.result} ${o.errorMessage}`));

hostile('25. Module path tricks: NUL bytes, deep ../, absolute host paths', `
  const out = [];
  for (const p of ['\\0', '../'.repeat(50) + 'etc/passwd', '/proc/self/environ', '/var/user/../../etc/passwd', 'node:fs', '.' + '/'.repeat(10) + 'x']) {
    try { require(p); out.push('LOADED'); } catch (e) { out.push(e.code); }
  }
  return out;`,
(t, o) => t.ok(ok(t, o).every((c) => c === 'MODULE_NOT_FOUND' || c === 'ERR_BUILTIN_NOT_AVAILABLE'), o.result));

hostile('26. Freezing the world keeps the instance serving', {
  'index.js': `let n = 0; exports.main_handler = () => { if (++n === 1) { Object.freeze(Object.prototype); Object.freeze(globalThis); Object.freeze(Array.prototype); } return n; };`,
}, async (t, o, s) => {
  t.equal(o.result, '1');
  const again = await rt.invoke(req(s));
  t.equal(again.result, '2', again.errorMessage);
});

hostile('27. Redefining console, setTimeout and JSON does not break the platform contract', `
  globalThis.console = null; globalThis.setTimeout = null; JSON.parse = null;
  return { still: 'fine' };`,
(t, o) => t.same(ok(t, o), { still: 'fine' }));

hostile('28. Symbol.species on the returned promise cannot hijack the adapter', `
  const p = Promise.resolve(7);
  p.constructor = { [Symbol.species]: function Evil(executor) { throw new Error('species'); } };
  return p;`,
(t, o) => t.ok(o.kind === 'ok' || o.kind === 'user_error', `${o.kind} ${o.errorMessage}`));

hostile('29. Reentrancy: the handler calls itself through module exports recursively with timers', {
  'index.js': `exports.main_handler = async function h(e, c) { if ((e.d || 0) > 50) return e.d; await new Promise(r => setTimeout(r, 0)); return exports.main_handler({ d: (e.d || 0) + 1 }, c); };`,
}, (t, o) => t.equal(o.result, '51'));

hostile('30. Invalid event JSON from a caller is a clean 430 (not a host error)', {
  'index.js': 'exports.main_handler = (e) => e;',
}, async (t, o, s) => {
  t.equal(o.kind, 'ok');
  const bad = await rt.invoke({ requestId: 'bad-json', spec: s, event: '{not json' });
  t.equal(bad.kind, 'user_error');
  t.match(bad.errorMessage, /SyntaxError/);
});

hostile('31. Endless distinct require() names hit a quota instead of growing the host', `
  let last = '';
  for (let i = 0; i < 20000; i++) { try { require('./nope-' + i); } catch (e) { last = e.code; if (e.code === 'ERR_QUOTA') return [i, last]; } }
  return ['no quota', last];`,
// 10,000 failed look-ups take ~2 s on a quiet machine and went past 5 s under the loaded suite: the
// limit here only keeps a missing quota from hanging the test.
(t, o) => { const [n, code] = ok(t, o); t.equal(code, 'ERR_QUOTA'); t.equal(n, 10000); }, { timeoutMs: 30_000 });

hostile('32. A cached require() in a hot loop does not reach the host', {
  'index.js': `exports.main_handler = () => { let s = 0; for (let i = 0; i < 50000; i++) s += require('./lib').v; return s; };`,
  'lib.js': 'exports.v = 1;',
}, (t, o) => t.equal(o.result, '50000'), { timeoutMs: 5000 });

t.test('control: fetch works when the policy allows loopback', async (t) => {
  const rt2 = await createIsolateRuntime({ hosts: 1, dataDir, fetchPolicy: { allowLoopback: true } });
  t.teardown(() => rt2.close());
  const s = spec(fnTree(`const r = await fetch('http://127.0.0.1:' + event.port + '/x', { method: 'POST', body: 'hello' }); return [r.status, await r.text(), r.headers.get('content-length')];`), { timeoutMs: 3000 });
  const before = hits;
  const o = await rt2.invoke(req(s, { port }));
  t.same(JSON.parse(o.result), [200, 'secret', '6'], o.errorMessage);
  t.equal(hits, before + 1);
});
