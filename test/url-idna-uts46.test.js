'use strict';
// Issue 18: international domain names in the isolate's URL follow UTS #46 as the
// URL Standard runs it — the same host as Node 20's URL (whose IDNA passes the
// web-platform-tests' IdnaTestV2) for a corpus of hosts built from the code points
// UTS #46 treats specially (mapped, deviation, disallowed, joiners, bidi,
// combining marks, full-width, dots) and from xn-- labels valid and invalid.
// The failure this pins: a host that Node maps differently or rejects.
const t = require('tap');
const { createIsolateRuntime } = require('../dist/runtime');
const { spec, req, fnTree, dataDir } = require('./fixtures/runtime/util');
const { sandbox } = require('./helpers/sandbox');

/** The corpus: hosts as they appear in `http://<host>/`. */
function corpus() {
  const ranges = [[0xa0, 0x17f], [0x250, 0x2af], [0x300, 0x36f], [0x370, 0x3ff], [0x400, 0x45f], [0x591, 0x5ea], [0x600, 0x66f],
    [0x900, 0x97f], [0x1e9e, 0x1e9e], [0x2000, 0x206f], [0x2100, 0x214f], [0x2460, 0x24ff], [0x3000, 0x303f], [0x3130, 0x318f],
    [0xfb00, 0xfb4f], [0xfe00, 0xfe0f], [0xff00, 0xff65], [0xfff0, 0xfffd]];
  const hosts = [];
  for (const [a, b] of ranges) {
    for (let c = a; c <= b; c++) {
      const ch = String.fromCodePoint(c);
      hosts.push(`x${ch}y.com`, `${ch}.example`);
    }
  }
  for (const c of [0x1f600, 0x1f1fa, 0x10000, 0x1d400, 0xe0001, 0x20000]) hosts.push(`a${String.fromCodePoint(c)}.com`);
  hosts.push('a\u200cb.com', '\u0915\u094d\u200c\u0937.com', 'a\u200db.com', '\u0915\u094d\u200d.com', 'ab\u05d0.com', '\u05d0\u05d1.com', '\u05d0a.com',
    '\u05d01.com', '1\u05d0.com', '\u0627\u0661.com', '\u0627\u0031.com', '\u0301a.com', 'a\u0301.com', 'faß.de', 'ΣΑΣ.gr', 'σας.gr', 'İstanbul.tr',
    'xn--mnchen-3ya.de', 'XN--MNCHEN-3YA.DE', 'xn--a.com', 'xn--.com', 'xn--zca.com', 'xn--ls8h.la', 'xn--a-ecp.ru', 'xn--fa-hia.de',
    'xn--tda.com', 'xn----zmb.com', 'xn--nxasmq6b.gr', 'xn--55qx5d.cn', 'xn--mnchen-3ya-.de', 'xn--ab.com', 'xn--xn--a.com', 'a.xn--.b',
    'münchen.de', 'MÜNCHEN.DE', '例え.テスト', '例え。テスト', '例え．テスト', 'ｅｘａｍｐｌｅ．ｃｏｍ', 'ab--cd.com', '-a.com', 'a-.com', 'a..com',
    '\u00ad.com', 'a\u00adb.com', '\u200b.com', '%C3%BC.com', '%E2%80%8D.com', '%ef%bc%85.com', '\ufffd.com');
  return hosts;
}

t.test('non-ASCII and xn-- hosts map exactly as in Node 20; ASCII hosts never cross to the host', async (t) => {
  const rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 });
  t.teardown(() => rt.close());
  const hosts = corpus();
  const probe = (list) => list.map((h) => { try { return new URL(`http://${h}/`).hostname; } catch { return null; } });
  const o = await rt.invoke(req(spec(fnTree(`return (${probe})(event.hosts);`), { timeoutMs: 10_000, memoryMb: 128 }), { hosts }));
  t.equal(o.kind, 'ok', o.errorMessage);
  const got = JSON.parse(o.result);
  const want = probe(hosts);
  const differ = hosts.filter((h, i) => got[i] !== want[i]).map((h, i) => `${JSON.stringify(h)}: ${got[hosts.indexOf(h)]} vs ${want[hosts.indexOf(h)]}`);
  t.same(differ, [], `${hosts.length - differ.length}/${hosts.length} hosts as in Node`);
  t.ok(want.filter((h) => h === null).length > 50 && want.filter((h) => h !== null && h.includes('xn--')).length > 500, 'the corpus has both failures and mapped hosts');
  t.comment(`IDNA corpus: isolate ${hosts.length - differ.length}/${hosts.length} as Node`);
});

t.test('a bare isolate (no host bridge) keeps the simplified mapping, and it differs from UTS #46', async (t) => {
  const box = sandbox(t);
  const hosts = corpus();
  const probe = (list) => list.map((h) => { try { return new URL(`http://${h}/`).hostname; } catch { return null; } });
  const got = box.run(probe, hosts);
  const want = probe(hosts);
  const same = hosts.filter((h, i) => got[i] === want[i]).length;
  t.ok(same < hosts.length, 'the corpus tells the two apart');
  t.comment(`IDNA corpus: simplified mapping ${same}/${hosts.length} as Node`);
});
