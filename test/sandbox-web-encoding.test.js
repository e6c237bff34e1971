'use strict';
// Differential test: TextEncoder / TextDecoder / atob / btoa inside an isolate against Node 20.
const t = require('tap');
const { sandbox, native } = require('./helpers/sandbox');

const strings = [
  '', 'hello', 'héllo', '€', '😀', 'a😀b', '\uD800', '\uDC00', 'x\uD800y', '\uDBFF\uDFFF', '\uDC00\uD800', '\u0000', '\u07FF\u0800',
  '\uFFFF', '\uFEFFbom', 'mixed ascii ελληνικά 中文 𝄞',
];

t.test('TextEncoder.encode and encodeInto match Node', async (t) => {
  const box = sandbox(t);
  const probe = (s) => {
    const enc = new TextEncoder();
    const out = { encoding: enc.encoding, bytes: Array.from(enc.encode(s)) };
    for (const size of [0, 1, 2, 3, 4, 5, 8]) {
      const dest = new Uint8Array(size);
      const r = enc.encodeInto(s, dest);
      out[`into${size}`] = [r.read, r.written, Array.from(dest)];
    }
    return out;
  };
  for (const s of strings) t.same(box.run(probe, s), native(probe, s), `encode ${JSON.stringify(s)}`);
  const misc = () => {
    const enc = new TextEncoder();
    return [Array.from(enc.encode()), Array.from(enc.encode(undefined)), Array.from(enc.encode(123)), Array.from(enc.encode(null))];
  };
  t.same(box.run(misc), native(misc), 'encode() of non-strings');
});

const byteCases = [
  [], [0x68, 0x69], [0xef, 0xbb, 0xbf, 0x41], [0xef, 0xbb, 0xbf], [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], [0xc3, 0xa9], [0xc3],
  [0xe2, 0x82], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xf0, 0x9f, 0x98], [0xf0, 0x9f], [0x80], [0xbf, 0x80, 0x41],
  [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xe0, 0x9f, 0xbf], [0xed, 0xa0, 0x80], [0xed, 0x9f, 0xbf], [0xf4, 0x90, 0x80, 0x80],
  [0xf5, 0x80], [0xff, 0xfe, 0x41], [0xf0, 0x80, 0x80, 0x80], [0xe2, 0x41, 0x82, 0xac], [0xf0, 0x9f, 0x41, 0x98, 0x80],
  [0x41, 0xc3, 0x42, 0xe2, 0x82, 0x43], [0xf4, 0x8f, 0xbf, 0xbf], [0xee, 0x80], [0xdf, 0xbf, 0xc2],
];

t.test('TextDecoder.decode matches Node (replacement, fatal, BOM, streaming)', async (t) => {
  const box = sandbox(t);
  const probe = (bytes) => {
    const u8 = new Uint8Array(bytes);
    const attempt = (fn) => { try { return fn(); } catch (e) { return `throws ${e.constructor.name}`; } };
    const out = {
      replace: attempt(() => new TextDecoder().decode(u8)),
      fatal: attempt(() => new TextDecoder('utf-8', { fatal: true }).decode(u8)),
      ignoreBOM: attempt(() => new TextDecoder('utf8', { ignoreBOM: true }).decode(u8)),
      dataView: attempt(() => new TextDecoder().decode(new DataView(u8.buffer))),
      arrayBuffer: attempt(() => new TextDecoder().decode(u8.buffer)),
    };
    // Stream one byte at a time and in two halves.
    const d = new TextDecoder();
    let s = '';
    for (const b of bytes) s += d.decode(new Uint8Array([b]), { stream: true });
    out.streamBytes = s + d.decode();
    const d2 = new TextDecoder('utf-8', { fatal: true });
    const half = bytes.length >> 1;
    out.streamHalvesFatal = attempt(() => d2.decode(u8.subarray(0, half), { stream: true }) + d2.decode(u8.subarray(half)));
    return out;
  };
  for (const bytes of byteCases) t.same(box.run(probe, bytes), native(probe, bytes), `decode [${bytes.map((b) => b.toString(16)).join(' ')}]`);
});

t.test('TextDecoder labels, options and argument errors match Node', async (t) => {
  const box = sandbox(t);
  const probe = (label) => {
    try {
      const d = new TextDecoder(label);
      return [d.encoding, d.fatal, d.ignoreBOM];
    } catch (e) {
      return `throws ${e.constructor.name}`;
    }
  };
  for (const label of ['utf-8', 'UTF-8', 'utf8', ' utf-8\n', 'unicode-1-1-utf-8', 'x-unicode20utf8', 'utf-7', 'bogus']) {
    t.same(box.run(probe, label), native(probe, label), `label ${JSON.stringify(label)}`);
  }
  // Only UTF-8 lives in the web files alone: the other encodings need the host's lookup, which the
  // bootstrap installs (test/text-decoder-legacy-encodings.test.js runs them in a function).
  for (const label of ['latin2', 'utf-16le', 'windows-1252']) t.same(box.run(probe, label), 'throws RangeError', `label ${label} needs the host lookup`);
  const args = () => {
    const attempt = (fn) => { try { return fn(); } catch (e) { return `throws ${e.constructor.name}`; } };
    const d = new TextDecoder();
    return [attempt(() => d.decode()), attempt(() => d.decode('abc')), attempt(() => d.decode(123)), attempt(() => d.decode({})),
      attempt(() => new TextEncoder().encodeInto('x', [])), attempt(() => new TextEncoder().encodeInto('x', new Uint16Array(2)))];
  };
  t.same(box.run(args), native(args));
});

t.test('TextDecoder keeps streaming state per instance and resets after a flush', async (t) => {
  const box = sandbox(t);
  const probe = () => {
    const d = new TextDecoder();
    const a = d.decode(new Uint8Array([0xef, 0xbb]), { stream: true });
    const b = d.decode(new Uint8Array([0xbf, 0xe2, 0x82]), { stream: true });
    const c = d.decode(new Uint8Array([0xac]));
    const again = d.decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]));
    return [a, b, c, again];
  };
  t.same(box.run(probe), native(probe));
  t.same(box.run(probe), ['', '', '€', 'A']);
});

const base64Cases = [
  '', 'a', 'ab', 'abc', 'abcd', 'hello world', '\u0000\u00ff\u0080', 'ÿþý', '€', '😀', '\u0100',
];
const atobCases = [
  '', 'YQ==', 'YQ=', 'YQ', 'YWI=', 'YWJj', ' Y W\tJ\nj\f\r', 'Y', 'YQ===', '=YQ', 'YQ==a', 'Y!==', 'aGVsbG8gd29ybGQ=', '////', '+/+/',
  'YR==', 'Y\u00e9Q=', 'ab=c',
];

t.test('btoa and atob match Node, errors are InvalidCharacterError DOMExceptions', async (t) => {
  const box = sandbox(t);
  const encode = (s) => { try { return btoa(s); } catch (e) { return [e.constructor.name, e.name, e.code]; } };
  const decode = (s) => { try { return atob(s); } catch (e) { return [e.constructor.name, e.name, e.code]; } };
  for (const s of base64Cases) t.same(box.run(encode, s), native(encode, s), `btoa ${JSON.stringify(s)}`);
  for (const s of atobCases) t.same(box.run(decode, s), native(decode, s), `atob ${JSON.stringify(s)}`);
  const argless = () => { try { return atob(); } catch (e) { return e.constructor.name; } };
  t.same(box.run(argless), native(argless), 'atob() without arguments');
});

t.test('DOMException behaves like Node\'s', async (t) => {
  const box = sandbox(t);
  const probe = () => {
    const e = new DOMException('msg', 'AbortError');
    const plain = new DOMException();
    return [e.name, e.message, e.code, e instanceof Error, String(e), Object.prototype.toString.call(e), plain.name, plain.message, plain.code,
      DOMException.ABORT_ERR, e.DATA_CLONE_ERR, new DOMException('x', 'Custom').code, typeof e.stack, Object.keys(e)];
  };
  t.same(box.run(probe), native(probe));
});

t.test('large strings (exact-length encoding path) round-trip like Node', async (t) => {
  const box = sandbox(t);
  const probe = (unit) => {
    const big = unit.repeat(40000) + '\uDBFF';
    const bytes = new TextEncoder().encode(big);
    let hash = 0;
    for (const b of bytes) hash = (hash * 31 + b) | 0;
    return [bytes.length, hash, new TextDecoder().decode(bytes).length];
  };
  for (const unit of ['a', 'é', '€', '😀', 'a\uD800é😀\uDC00']) t.same(box.run(probe, unit), native(probe, unit), `repeat ${JSON.stringify(unit)}`);
});

