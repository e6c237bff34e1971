'use strict';
// Issue 18: the multi-byte CJK encodings of the Encoding Standard (gbk, gb18030, big5,
// euc-jp, iso-2022-jp, shift_jis, euc-kr) decode inside a function — labels, replacement
// and fatal errors, streaming across chunk boundaries, TextDecoderStream — with
// decoders the isolate loads only when a function first needs one. The failure this
// pins: CJK text a function receives (a legacy form post, a Shift_JIS CSV) cannot be
// decoded, or decodes differently from the standard.
const t = require('tap');
const { createIsolateRuntime } = require('../dist/runtime');
const { inFunction: runInFunction, native, dataDir } = require('./fixtures/runtime/util');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

const inFunction = (t, probe, arg) => runInFunction(rt, t, probe, arg);

// [label, bytes, text]: one sample per encoding, from the standard's indexes.
const SAMPLES = [
  ['gbk', [0xc4, 0xe3, 0xba, 0xc3, 0x41, 0x80], '你好A€'],
  ['gb18030', [0x81, 0x30, 0x81, 0x30, 0x90, 0x30, 0x81, 0x30, 0xd6, 0xd0], '\u0080\u{10000}中'],
  ['big5', [0xa4, 0xa4, 0xa4, 0xe5], '中文'],
  ['euc-jp', [0xa4, 0xa2, 0x8e, 0xb1, 0x8f, 0xb0, 0xa1], 'あｱ丂'],
  ['iso-2022-jp', [0x1b, 0x24, 0x42, 0x24, 0x22, 0x1b, 0x28, 0x42, 0x41], 'あA'],
  ['shift_jis', [0x82, 0xa0, 0xb1, 0x93, 0xfa, 0x96, 0x7b], 'あｱ日本'],
  ['euc-kr', [0xc7, 0xd1, 0xb1, 0xdb], '한글'],
];

t.test('each encoding decodes its sample as the standard says (and as Node 20 does)', async (t) => {
  const probe = (list) => list.map(([label, bytes]) => [new TextDecoder(label).encoding, new TextDecoder(label).decode(new Uint8Array(bytes))]);
  const got = await inFunction(t, probe, SAMPLES);
  t.same(got, SAMPLES.map(([label, , text]) => [label, text]));
  t.same(got, await native(probe, SAMPLES), 'Node 20 agrees on these samples');
  // Big5 pointers 1133 and 1135 are two code points each (the standard's special case); Node 20's ICU drops it.
  t.same(await inFunction(t, probe, [['big5', [0x88, 0x62, 0x88, 0x64]]]), [['big5', '\u00ca\u0304\u00ca\u030c']]);
});

t.test('the standard\'s other labels name the same encodings', async (t) => {
  const labels = ['GB2312', 'chinese', 'x-gbk', 'csgb2312', 'big5-hkscs', 'cn-big5', 'x-x-big5', 'x-euc-jp', 'cseucpkdfmtjapanese', 'csiso2022jp',
    'ms932', 'sjis', 'windows-31j', 'x-sjis', 'ks_c_5601-1987', 'korean', 'windows-949', ' Shift_JIS\t'];
  const probe = (list) => list.map((label) => new TextDecoder(label).encoding);
  t.same(await inFunction(t, probe, labels), await native(probe, labels));
});

t.test('malformed input: U+FFFD by default, TypeError when fatal; ASCII bytes are never swallowed', async (t) => {
  const cases = [['shift_jis', [0x82]], ['shift_jis', [0x82, 0x41]], ['euc-kr', [0xc7, 0x41]], ['big5', [0x80, 0x41]], ['gbk', [0xff]],
    ['gb18030', [0x81, 0x30, 0x81]], ['euc-jp', [0x8e, 0x41]], ['iso-2022-jp', [0x1b, 0x24, 0x42, 0x24]]];
  const probe = (list) => list.map(([label, bytes]) => {
    const u8 = new Uint8Array(bytes);
    let fatal;
    try { fatal = new TextDecoder(label, { fatal: true }).decode(u8); } catch (e) { fatal = `${e.constructor.name}: ${e.message}`; }
    return [new TextDecoder(label).decode(u8), fatal];
  });
  const got = await inFunction(t, probe, cases);
  t.same(got, [
    ['\ufffd', 'TypeError: The encoded data was not valid for encoding shift_jis'],
    ['\ufffdA', 'TypeError: The encoded data was not valid for encoding shift_jis'],
    ['\ufffdA', 'TypeError: The encoded data was not valid for encoding euc-kr'],
    ['\ufffdA', 'TypeError: The encoded data was not valid for encoding big5'],
    ['\ufffd', 'TypeError: The encoded data was not valid for encoding gbk'],
    ['\ufffd', 'TypeError: The encoded data was not valid for encoding gb18030'],
    ['\ufffdA', 'TypeError: The encoded data was not valid for encoding euc-jp'],
    ['\ufffd', 'TypeError: The encoded data was not valid for encoding iso-2022-jp'],
  ]);
});

t.test('streaming: a character split across decode() calls and TextDecoderStream chunks', async (t) => {
  const probe = async (samples) => {
    const out = [];
    for (const [label, bytes] of samples) {
      const d = new TextDecoder(label);
      let streamed = '';
      for (const b of bytes) streamed += d.decode(new Uint8Array([b]), { stream: true });
      streamed += d.decode();
      let piped = '';
      const texts = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(new TransformStream({
        transform(chunk, c) { for (const b of chunk) c.enqueue(new Uint8Array([b])); },
      })).pipeThrough(new TextDecoderStream(label));
      for await (const text of texts) piped += text;
      out.push([streamed, piped]);
    }
    // A fatal error mid-stream ends that stream: the next decode() starts afresh.
    const d = new TextDecoder('shift_jis', { fatal: true });
    d.decode(new Uint8Array([0x82]), { stream: true });
    let error = null;
    try { d.decode(); } catch (e) { error = e.constructor.name; }
    out.push([error, d.decode(new Uint8Array([0x82, 0xa0]))]);
    return out;
  };
  const got = await inFunction(t, probe, SAMPLES);
  t.same(got, [...SAMPLES.map(([, , text]) => [text, text]), ['TypeError', 'あ']]);
});

t.test('the decoders ignore a tenant\'s globals (Buffer, atob, TextDecoder replaced before first use)', async (t) => {
  const probe = () => {
    globalThis.Buffer = { from() { throw new Error('tenant Buffer used'); } };
    globalThis.atob = () => { throw new Error('tenant atob used'); };
    const Real = TextDecoder;
    const text = new Real('shift_jis').decode(new Uint8Array(Array.from({ length: 300 }, (_, i) => (i % 2 ? 0xa0 : 0x82))));
    return [text.length, text.slice(0, 2)];
  };
  t.same(await inFunction(t, probe, null), [150, 'ああ']);
});
