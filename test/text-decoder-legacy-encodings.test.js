'use strict';
// Issue 18: TextDecoder/TextDecoderStream inside a function decode UTF-16LE/BE and
// every single-byte encoding of the Encoding Standard, under all its labels, as
// Node 20 does (the same probes run in Node here). The failure this pins: text decoded differently
// from the standard (or from Node, where Node follows it).
const t = require('tap');
const { createIsolateRuntime } = require('../dist/runtime');
const { inFunction: runInFunction, native, dataDir } = require('./fixtures/runtime/util');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

const inFunction = (t, probe, arg) => runInFunction(rt, t, probe, arg);

t.test('labels resolve as in Node (CJK ones too); replacement labels throw RangeError', async (t) => {
  const labels = ['latin2', 'utf-16le', 'UTF-16', 'unicodefffe', ' windows-1252\n', 'ascii', 'l1', 'koi8-ru', 'x-mac-ukrainian', 'iso-8859-8-i',
    'iso-2022-kr', 'replacement', 'cp1251', 'sun_eu_greek', 'dos-874', 'bogus'];
  const probe = (list) => list.map((label) => { try { const d = new TextDecoder(label); return [d.encoding, d.fatal, d.ignoreBOM]; } catch (e) { return `throws ${e.constructor.name}`; } });
  t.same(await inFunction(t, probe, labels), await native(probe, labels));
  // Node 20 lacks these two single-byte encodings of the standard.
  t.same(await inFunction(t, probe, ['ISO-8859-16', 'x-user-defined']), [['iso-8859-16', false, false], ['x-user-defined', false, false]]);
  const cjk = ['gbk', 'gb18030', 'big5', 'euc-jp', 'iso-2022-jp', 'shift_jis', 'euc-kr'];
  // The multi-byte CJK encodings construct too (test/text-decoder-cjk-encodings.test.js decodes them).
  t.same(await inFunction(t, probe, cjk), await native(probe, cjk));
});

t.test('single-byte encodings decode every byte as Node does (the standard\'s indexes), fatal on unmapped bytes', async (t) => {
  const all = Array.from({ length: 256 }, (_, i) => i);
  const labels = ['iso-8859-2', 'iso-8859-3', 'iso-8859-4', 'iso-8859-5', 'iso-8859-6', 'iso-8859-7', 'iso-8859-8', 'iso-8859-8-i', 'iso-8859-10',
    'iso-8859-13', 'iso-8859-14', 'iso-8859-15', 'koi8-r', 'koi8-u', 'macintosh', 'windows-874', 'windows-1250', 'windows-1251', 'windows-1252',
    'windows-1253', 'windows-1254', 'windows-1255', 'windows-1256', 'windows-1257', 'windows-1258', 'x-mac-cyrillic', 'latin1', 'ascii'];
  const probe = ([list, bytes]) => list.map((label) => {
    const attempt = (fn) => { try { return fn(); } catch (e) { return `throws ${e.constructor.name}`; } };
    return [new TextDecoder(label).decode(new Uint8Array(bytes)), attempt(() => new TextDecoder(label, { fatal: true }).decode(new Uint8Array(bytes))),
      new TextDecoder(label).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))];
  });
  const got = await inFunction(t, probe, [labels, all]);
  const want = await native(probe, [labels, all]);
  for (const [i, label] of labels.entries()) t.same(got[i], want[i], label);
  // Node 20 (ICU) swaps 0x1A/0x1C/0x7F in ibm866, against the standard (ASCII bytes are ASCII): compare its upper half.
  const upper = all.slice(128);
  t.same(await inFunction(t, probe, [['ibm866'], upper]), await native(probe, [['ibm866'], upper]), 'ibm866 0x80-0xff');
  const one = ([label, bytes]) => new TextDecoder(label).decode(new Uint8Array(bytes));
  t.equal(await inFunction(t, one, ['ibm866', [0x1a, 0x1c, 0x7f]]), '\u001a\u001c\u007f');
  t.equal(await inFunction(t, one, ['x-user-defined', [0x41, 0x80, 0xff]]), 'A\uf780\uf7ff');
  t.equal(await inFunction(t, one, ['iso-8859-16', [0x80, 0xa4, 0xa1, 0xfe, 0xff]]), '\u0080€Ą\u021bÿ');
});

t.test('UTF-16LE/BE decode as Node does: surrogates, odd bytes, BOM, streaming, fatal', async (t) => {
  const cases = [
    [0x41, 0x00, 0x42, 0x00], [0xff, 0xfe, 0x41, 0x00], [0xfe, 0xff, 0x00, 0x41], [0x3d, 0xd8, 0x00, 0xde], [0xd8, 0x3d, 0xde, 0x00],
    [0x3d, 0xd8, 0x41, 0x00], [0x00, 0xdc, 0x41, 0x00], [0x41, 0x00, 0x42], [0x3d, 0xd8], [0x3d, 0xd8, 0x3d, 0xd8, 0x00, 0xde], [],
  ];
  const probe = (list) => list.map(([label, bytes]) => {
    const attempt = (fn) => { try { return fn(); } catch (e) { return `throws ${e.constructor.name}`; } };
    const u8 = new Uint8Array(bytes);
    const d = new TextDecoder(label);
    let streamed = '';
    for (const b of bytes) streamed += d.decode(new Uint8Array([b]), { stream: true });
    streamed += d.decode();
    return [new TextDecoder(label).decode(u8), attempt(() => new TextDecoder(label, { fatal: true }).decode(u8)),
      new TextDecoder(label, { ignoreBOM: true }).decode(u8), streamed];
  });
  const list = ['utf-16le', 'utf-16be'].flatMap((label) => cases.map((bytes) => [label, bytes]));
  const got = await inFunction(t, probe, list);
  const want = await native(probe, list);
  for (const [i, [label, bytes]] of list.entries()) t.same(got[i], want[i], `${label} [${bytes.map((b) => b.toString(16)).join(' ')}]`);
});

t.test('TextDecoderStream decodes legacy encodings across chunks', async (t) => {
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
  t.same(await inFunction(t, probe), ['\u{1F600}A', 'windows-1251', 'При']);
});
