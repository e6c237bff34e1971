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
  for (const label of ['latin2', 'utf-16le', 'UTF-16', 'unicodefffe', 'windows-1252', 'ascii', 'l1', 'koi8-ru', 'x-mac-ukrainian', 'iso-8859-8-i', 'iso-2022-kr', 'replacement']) {
    t.same(box.run(probe, label), native(probe, label), `label ${JSON.stringify(label)}`);
  }
  // Node 20 lacks these two single-byte encodings of the standard.
  t.same(box.run(probe, 'ISO-8859-16'), ['iso-8859-16', false, false]);
  t.same(box.run(probe, 'x-user-defined'), ['x-user-defined', false, false]);
  // Deliberate deviation (README): the multi-byte CJK encodings throw.
  for (const label of ['gbk', 'gb18030', 'big5', 'euc-jp', 'iso-2022-jp', 'shift_jis', 'euc-kr']) t.same(box.run(probe, label), 'throws RangeError', `label ${label} is unsupported`);
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

t.test('single-byte encodings decode every byte as Node does (the standard\'s indexes), fatal on unmapped bytes', async (t) => {
  const box = sandbox(t);
  const all = Array.from({ length: 256 }, (_, i) => i);
  const probe = ([label, bytes]) => {
    const attempt = (fn) => { try { return fn(); } catch (e) { return `throws ${e.constructor.name}`; } };
    return [new TextDecoder(label).decode(new Uint8Array(bytes)), attempt(() => new TextDecoder(label, { fatal: true }).decode(new Uint8Array(bytes))),
      new TextDecoder(label).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))];
  };
  // Node 20 (ICU) swaps 0x1A/0x1C/0x7F in ibm866, against the standard (ASCII bytes are ASCII): compare its upper half.
  const upper = all.slice(128);
  t.same(box.run(probe, ['ibm866', upper]), native(probe, ['ibm866', upper]), 'ibm866 0x80-0xff');
  t.equal(box.run((b) => new TextDecoder('ibm866').decode(new Uint8Array(b)), [0x1a, 0x1c, 0x7f]), '\u001a\u001c\u007f');
  for (const label of ['iso-8859-2', 'iso-8859-3', 'iso-8859-4', 'iso-8859-5', 'iso-8859-6', 'iso-8859-7', 'iso-8859-8', 'iso-8859-8-i', 'iso-8859-10',
    'iso-8859-13', 'iso-8859-14', 'iso-8859-15', 'koi8-r', 'koi8-u', 'macintosh', 'windows-874', 'windows-1250', 'windows-1251', 'windows-1252',
    'windows-1253', 'windows-1254', 'windows-1255', 'windows-1256', 'windows-1257', 'windows-1258', 'x-mac-cyrillic', 'latin1', 'ascii']) {
    t.same(box.run(probe, [label, all]), native(probe, [label, all]), label);
  }
  t.equal(box.run((b) => new TextDecoder('x-user-defined').decode(new Uint8Array(b)), [0x41, 0x80, 0xff]), 'A\uf780\uf7ff');
  t.equal(box.run((b) => new TextDecoder('iso-8859-16').decode(new Uint8Array(b)), [0xa4, 0xa1, 0xfe]), '€Ą\u021b');
});

t.test('UTF-16LE/BE decode as Node does: surrogates, odd bytes, BOM, streaming, fatal', async (t) => {
  const box = sandbox(t);
  const cases = [
    [0x41, 0x00, 0x42, 0x00], [0xff, 0xfe, 0x41, 0x00], [0xfe, 0xff, 0x00, 0x41], [0x3d, 0xd8, 0x00, 0xde], [0xd8, 0x3d, 0xde, 0x00],
    [0x3d, 0xd8, 0x41, 0x00], [0x00, 0xdc, 0x41, 0x00], [0x41, 0x00, 0x42], [0x3d, 0xd8], [0x3d, 0xd8, 0x3d, 0xd8, 0x00, 0xde], [],
  ];
  const probe = ([label, bytes]) => {
    const attempt = (fn) => { try { return fn(); } catch (e) { return `throws ${e.constructor.name}`; } };
    const u8 = new Uint8Array(bytes);
    const d = new TextDecoder(label);
    let streamed = '';
    for (const b of bytes) streamed += d.decode(new Uint8Array([b]), { stream: true });
    streamed += d.decode();
    return [new TextDecoder(label).decode(u8), attempt(() => new TextDecoder(label, { fatal: true }).decode(u8)),
      new TextDecoder(label, { ignoreBOM: true }).decode(u8), streamed];
  };
  for (const label of ['utf-16le', 'utf-16be']) {
    for (const bytes of cases) t.same(box.run(probe, [label, bytes]), native(probe, [label, bytes]), `${label} [${bytes.map((b) => b.toString(16)).join(' ')}]`);
  }
});

t.test('TextDecoderStream decodes legacy encodings across chunks', async (t) => {
  const box = sandbox(t);
  const probe = async () => {
    const out = [];
    const stream = new ReadableStream({ start(c) { c.enqueue(new Uint8Array([0x3d])); c.enqueue(new Uint8Array([0xd8, 0x00, 0xde, 0x41])); c.enqueue(new Uint8Array([0x00])); c.close(); } })
      .pipeThrough(new TextDecoderStream('utf-16le'));
    for await (const s of stream) out.push(s);
    const w = new TextDecoderStream('windows-1251');
    const writer = w.writable.getWriter();
    writer.write(new Uint8Array([0xcf, 0xf0, 0xe8])); writer.close();
    const reader = w.readable.getReader();
    let text = '';
    for (;;) { const { value, done } = await reader.read(); if (done) break; text += value; }
    return [out.join(''), w.encoding, text];
  };
  t.same(await box.runAsync(probe), ['\u{1F600}A', 'windows-1251', 'При']);
});
