'use strict';
// Unit tests: frames, options validation, package "exports" resolution, fetch address policy.
const t = require('tap');
const { PassThrough } = require('node:stream');
const { FrameWriter, FrameReader, MAX_FRAME } = require('../dist/runtime/frames');
const { resolveOptions } = require('../dist/runtime/options');
const { resolveExports } = require('../dist/runtime/host/resolver');
const { addressClass, denyReason } = require('../dist/runtime/host/fetch');
const { checkFromHost, checkToHost } = require('../dist/runtime/protocol');

t.test('frames: batched per turn, split across chunks, in order', async (t) => {
  const s = new PassThrough();
  const writes = [];
  const origWrite = s.write.bind(s);
  s.write = (d) => { writes.push(d.length); return origWrite(d); };
  const w = new FrameWriter(s);
  const got = [];
  const r = new FrameReader((m) => got.push(m));
  for (let i = 0; i < 100; i++) w.send({ t: 'ping', n: i, pad: 'x'.repeat(i) });
  await new Promise((res) => setImmediate(res));
  t.equal(writes.length, 1, 'one write for the whole turn');
  const all = s.read();
  for (let i = 0; i < all.length; i += 7) r.push(all.subarray(i, i + 7));
  t.equal(got.length, 100);
  t.same(got.map((m) => m.n), [...Array(100).keys()]);
});

t.test('frames: http and hfinal take the fixed layout and read back equal; others stay msgpack', async (t) => {
  const { writeHot, HOT_MARK } = require('../dist/runtime/hot-frames');
  const encodeHot = (m) => {
    const out = { buf: Buffer.alloc(0), len: 0, ensure(n) { if (this.len + n > this.buf.length) { const b = Buffer.alloc(this.len + n); this.buf.copy(b); this.buf = b; } } };
    return writeHot(m, out) ? out.buf.subarray(0, out.len) : null;
  };
  const msgs = [
    { t: 'http', id: 'r1', k: 'ns/fn/$LATEST', m: 'GET', u: 'http://h/ü?q=1', h: '[["a","é"]]', b: null, s: false },
    { t: 'http', id: 'r2', k: 'k', m: 'POST', u: '/', h: '[]', b: new Uint8Array([1, 2, 3]), s: true },
    { t: 'hfinal', id: 'r1', s: 201, h: '[["x","y"]]', b: new Uint8Array([104, 105]),
      outcome: { kind: 'ok', statusCode: 200, logs: [{ time: 1, level: 'log', message: 'hi ☃', requestId: 'r1' }], durationMs: 1.5, memUsageBytes: 123456, instanceId: 'i-1', coldStart: { totalMs: 3, pullCodeMs: 1, initRuntimeMs: 1, initFunctionMs: 1 } } },
    { t: 'hfinal', id: 'r2', s: 200, h: '[]', b: null, outcome: { kind: 'ok', statusCode: 200, logs: [], durationMs: 0, memUsageBytes: 0, instanceId: '' } },
    { t: 'ping', n: 7 },
  ];
  t.equal(encodeHot(msgs[0])[4], HOT_MARK);
  t.equal(encodeHot({ ...msgs[0], spec: { key: 'k' } }), null, 'an http frame carrying its spec stays msgpack');
  t.equal(encodeHot({ ...msgs[3], s: 70000 }), null, 'a status outside u16 stays msgpack');
  t.equal(encodeHot(msgs[4]), null);
  const s = new PassThrough();
  const w = new FrameWriter(s);
  for (const m of msgs) w.send(m);
  await new Promise((res) => setImmediate(res));
  const got = [];
  const r = new FrameReader((m) => got.push(m));
  const all = s.read();
  for (let i = 0; i < all.length; i += 5) r.push(all.subarray(i, i + 5));
  const plain = (list) => list.map((m) => ({ ...m, b: m.b instanceof Uint8Array ? [...m.b] : m.b }));
  t.same(plain(got), plain(msgs));
  for (const m of got) if (m.t !== 'ping') t.ok(m.t === 'http' ? checkToHost(m) : checkFromHost(m), `${m.t} passes the schema check`);
});

t.test('frames: wsmsg and wssend take the fixed layout; text stays text, binary stays bytes', async (t) => {
  const { writeHot, HOT_MARK } = require('../dist/runtime/hot-frames');
  const encodeHot = (m) => {
    const out = { buf: Buffer.alloc(0), len: 0, ensure(n) { if (this.len + n > this.buf.length) { const b = Buffer.alloc(this.len + n); this.buf.copy(b); this.buf = b; } } };
    return writeHot(m, out) ? out.buf.subarray(0, out.len) : null;
  };
  const msgs = [
    { t: 'wsmsg', id: 'r1', d: 'hello ☃ 😀' },
    { t: 'wsmsg', id: 'r1', d: '' },
    { t: 'wsmsg', id: 'r2', d: new Uint8Array([0, 255, 7]) },
    { t: 'wssend', id: 'r2', d: new Uint8Array(0) },
    { t: 'wssend', id: 'r1', d: 'x'.repeat(70000) },
    { t: 'wssend', id: 'r3', d: 'ascii' },
  ];
  for (const m of msgs) t.equal(encodeHot(m)[4], HOT_MARK, `${m.t} is hot`);
  t.equal(encodeHot({ t: 'wsmsg', id: 'r1', d: 42 }), null, 'data that is neither text nor bytes stays msgpack');
  const s = new PassThrough();
  const w = new FrameWriter(s);
  for (const m of msgs) w.send(m);
  w.send({ t: 'wssend', id: 'r9', d: 42 });
  await new Promise((res) => setImmediate(res));
  const got = [];
  const r = new FrameReader((m) => got.push(m));
  const all = s.read();
  for (let i = 0; i < all.length; i += 3) r.push(all.subarray(i, i + 3));
  t.equal(got.length, msgs.length + 1);
  for (let i = 0; i < msgs.length; i++) {
    const want = msgs[i];
    const m = got[i];
    t.equal(m.t, want.t);
    t.equal(m.id, want.id);
    if (typeof want.d === 'string') t.equal(m.d, want.d, 'text reads back as the same string');
    else t.same([...m.d], [...want.d], 'binary reads back as the same bytes');
    t.equal(m.d instanceof Uint8Array, want.d instanceof Uint8Array);
    t.ok(m.t === 'wsmsg' ? checkToHost(m) : checkFromHost(m), `${m.t} passes the schema check`);
  }
  t.equal(checkFromHost(got[msgs.length]), null, 'the malformed frame still meets the schema check, which refuses it');
});

t.test('frames: oversized length is refused', async (t) => {
  const r = new FrameReader(() => {});
  const head = Buffer.alloc(4);
  head.writeUInt32BE(MAX_FRAME + 1);
  t.throws(() => r.push(head), /exceeds/);
});

t.test('schema checks', async (t) => {
  t.equal(checkFromHost({ t: 'result', id: 1 }), null);
  t.equal(checkFromHost(null), null);
  t.equal(checkFromHost({ t: 'evil' }), null);
  t.ok(checkFromHost({ t: 'result', id: 'a', outcome: { kind: 'ok', statusCode: 200, logs: [] } }));
  t.equal(checkToHost({ t: 'invoke', id: 'a', spec: {}, event: 1 }), null);
  t.ok(checkToHost({ t: 'ping', n: 1 }));
});

t.test('options: defaults, frozen, unknown keys with a suggestion, type errors', async (t) => {
  const o = resolveOptions({ dataDir: '/tmp/x' });
  t.ok(Object.isFrozen(o) && Object.isFrozen(o.fetchPolicy));
  t.equal(o.keepAliveMs, 600000);
  t.equal(o.fetchPolicy.allowLoopback, false);
  t.throws(() => resolveOptions({ dataDir: '/tmp/x', keepAliveMS: 1 }), /Unknown option `keepAliveMS`; did you mean `keepAliveMs`\?/);
  t.throws(() => resolveOptions({ dataDir: '/tmp/x', fetchPolicy: { allowLoopbak: true } }), /fetchPolicy\.allowLoopbak.*allowLoopback/);
  t.throws(() => resolveOptions({ dataDir: '/tmp/x', hosts: 0 }), /Expected `hosts` to be an integer from 1 to 256, got 0/);
  t.throws(() => resolveOptions({}), /dataDir/);
});

t.test('package.json exports', async (t) => {
  t.equal(resolveExports('./a.js', '.', 'require'), './a.js');
  t.equal(resolveExports('./a.js', './x', 'require'), null);
  t.equal(resolveExports({ import: './e.mjs', require: './c.js' }, '.', 'require'), './c.js');
  t.equal(resolveExports({ import: './e.mjs', require: './c.js' }, '.', 'import'), './e.mjs');
  t.equal(resolveExports({ '.': { node: { require: './n.js' }, default: './d.js' } }, '.', 'require'), './n.js');
  t.equal(resolveExports({ './feat/*': './lib/*.js' }, './feat/x', 'require'), './lib/x.js');
  t.equal(resolveExports({ '.': ['bad-no-dot-slash', './good.js'] }, '.', 'require'), './good.js');
  t.equal(resolveExports({ '.': '../escape.js' }, '.', 'require'), null);
});

t.test('fetch address policy', async (t) => {
  const p = resolveOptions({ dataDir: '/tmp/x' }).fetchPolicy;
  for (const [ip, c] of [['127.0.0.1', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'], ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'], ['172.32.0.1', 'public'], ['192.168.0.1', 'private'], ['169.254.169.254', 'linklocal'], ['fe80::1', 'linklocal'],
    ['fd00::1', 'private'], ['0.0.0.0', 'unspecified'], ['8.8.8.8', 'public'], ['2606:4700::1111', 'public']]) {
    t.equal(addressClass(ip), c, ip);
  }
  t.match(denyReason('x', '127.0.0.1', p), /loopback/);
  t.equal(denyReason('x', '8.8.8.8', p), null);
  t.equal(denyReason('x', '127.0.0.1', { ...p, allowLoopback: true }), null);
  t.equal(denyReason('api.internal', '10.0.0.1', { ...p, allowHosts: ['*.internal'] }), null);
});
