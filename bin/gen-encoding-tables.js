#!/usr/bin/env node
'use strict';
// Generates runtime/sandbox/web/19-encoding-tables.js: the Encoding Standard's
// labels (name → labels, from the standard's encodings.json) and the indexes of
// its single-byte encodings (bytes 0x80–0xFF → code points), taken from this
// Node's TextDecoder (ICU, which implements the same indexes) and checked
// against it label by label. ISO-8859-16, which Node 20 lacks, comes from
// iconv-lite's table; x-user-defined is computed (0xF780 + byte − 0x80).
//
//   node bin/gen-encoding-tables.js > runtime/sandbox/web/19-encoding-tables.js
const LABELS = {
  "ibm866": ["866","cp866","csibm866","ibm866"],
  "utf-8": ["unicode-1-1-utf-8","unicode11utf8","unicode20utf8","utf-8","utf8","x-unicode20utf8"],
  "iso-8859-2": ["csisolatin2","iso-8859-2","iso-ir-101","iso8859-2","iso88592","iso_8859-2","iso_8859-2:1987","l2","latin2"],
  "iso-8859-3": ["csisolatin3","iso-8859-3","iso-ir-109","iso8859-3","iso88593","iso_8859-3","iso_8859-3:1988","l3","latin3"],
  "iso-8859-4": ["csisolatin4","iso-8859-4","iso-ir-110","iso8859-4","iso88594","iso_8859-4","iso_8859-4:1988","l4","latin4"],
  "iso-8859-5": ["csisolatincyrillic","cyrillic","iso-8859-5","iso-ir-144","iso8859-5","iso88595","iso_8859-5","iso_8859-5:1988"],
  "iso-8859-6": ["arabic","asmo-708","csiso88596e","csiso88596i","csisolatinarabic","ecma-114","iso-8859-6","iso-8859-6-e","iso-8859-6-i","iso-ir-127","iso8859-6","iso88596","iso_8859-6","iso_8859-6:1987"],
  "iso-8859-7": ["csisolatingreek","ecma-118","elot_928","greek","greek8","iso-8859-7","iso-ir-126","iso8859-7","iso88597","iso_8859-7","iso_8859-7:1987","sun_eu_greek"],
  "iso-8859-8": ["csiso88598e","csisolatinhebrew","hebrew","iso-8859-8","iso-8859-8-e","iso-ir-138","iso8859-8","iso88598","iso_8859-8","iso_8859-8:1988","visual"],
  "iso-8859-10": ["csisolatin6","iso-8859-10","iso-ir-157","iso8859-10","iso885910","l6","latin6"],
  "iso-8859-13": ["iso-8859-13","iso8859-13","iso885913"],
  "iso-8859-14": ["iso-8859-14","iso8859-14","iso885914"],
  "iso-8859-15": ["csisolatin9","iso-8859-15","iso8859-15","iso885915","iso_8859-15","l9"],
  "iso-8859-16": ["iso-8859-16"],
  "koi8-r": ["cskoi8r","koi","koi8","koi8-r","koi8_r"],
  "koi8-u": ["koi8-ru","koi8-u"],
  "macintosh": ["csmacintosh","mac","macintosh","x-mac-roman"],
  "windows-874": ["dos-874","iso-8859-11","iso8859-11","iso885911","tis-620","windows-874"],
  "windows-1250": ["cp1250","windows-1250","x-cp1250"],
  "windows-1251": ["cp1251","windows-1251","x-cp1251"],
  "windows-1252": ["ansi_x3.4-1968","ascii","cp1252","cp819","csisolatin1","ibm819","iso-8859-1","iso-ir-100","iso8859-1","iso88591","iso_8859-1","iso_8859-1:1987","l1","latin1","us-ascii","windows-1252","x-cp1252"],
  "windows-1253": ["cp1253","windows-1253","x-cp1253"],
  "windows-1254": ["cp1254","csisolatin5","iso-8859-9","iso-ir-148","iso8859-9","iso88599","iso_8859-9","iso_8859-9:1989","l5","latin5","windows-1254","x-cp1254"],
  "windows-1255": ["cp1255","windows-1255","x-cp1255"],
  "windows-1256": ["cp1256","windows-1256","x-cp1256"],
  "windows-1257": ["cp1257","windows-1257","x-cp1257"],
  "windows-1258": ["cp1258","windows-1258","x-cp1258"],
  "gbk": ["chinese","csgb2312","csiso58gb231280","gb2312","gb_2312","gb_2312-80","gbk","iso-ir-58","x-gbk"],
  "gb18030": ["gb18030"],
  "big5": ["big5","big5-hkscs","cn-big5","csbig5","x-x-big5"],
  "euc-jp": ["cseucpkdfmtjapanese","euc-jp","x-euc-jp"],
  "shift_jis": ["csshiftjis","ms932","ms_kanji","shift-jis","shift_jis","sjis","windows-31j","x-sjis"],
  "euc-kr": ["cseuckr","csksc56011987","euc-kr","iso-ir-149","korean","ks_c_5601-1987","ks_c_5601-1989","ksc5601","ksc_5601","windows-949"],
  "utf-16be": ["unicodefffe","utf-16be"],
  "utf-16le": ["csunicode","iso-10646-ucs-2","ucs-2","unicode","unicodefeff","utf-16","utf-16le"],
  "x-user-defined": ["x-user-defined"],
  "iso-8859-8-i": ["csiso88598i","iso-8859-8-i","logical"],
  "iso-2022-jp": ["csiso2022jp","iso-2022-jp"],
  "replacement": ["csiso2022kr","hz-gb-2312","iso-2022-cn","iso-2022-cn-ext","iso-2022-kr","replacement"],
  'x-mac-cyrillic': ['x-mac-cyrillic', 'x-mac-ukrainian'],
};
const SINGLE_BYTE = ['ibm866', 'iso-8859-2', 'iso-8859-3', 'iso-8859-4', 'iso-8859-5', 'iso-8859-6', 'iso-8859-7', 'iso-8859-8', 'iso-8859-8-i',
  'iso-8859-10', 'iso-8859-13', 'iso-8859-14', 'iso-8859-15', 'iso-8859-16', 'koi8-r', 'koi8-u', 'macintosh', 'windows-874',
  'windows-1250', 'windows-1251', 'windows-1252', 'windows-1253', 'windows-1254', 'windows-1255', 'windows-1256', 'windows-1257', 'windows-1258',
  'x-mac-cyrillic', 'x-user-defined'];

function index(name) {
  if (name === 'x-user-defined') return Array.from({ length: 128 }, (_, i) => String.fromCharCode(0xf780 + i)).join('');
  if (name === 'iso-8859-16') {
    const iconv = require('iconv-lite');
    return Array.from({ length: 128 }, (_, i) => iconv.decode(Buffer.from([0x80 + i]), 'iso885916')).join('');
  }
  const d = new TextDecoder(name);
  return Array.from({ length: 128 }, (_, i) => d.decode(Uint8Array.of(0x80 + i))).join('');
}

for (const [name, labels] of Object.entries(LABELS)) {
  for (const label of labels) {
    let got;
    try { got = new TextDecoder(label).encoding; } catch { got = null; }
    // Node 20 lacks these three; everything else must agree with it.
    if (got !== name && !(got === null && ['iso-8859-16', 'x-user-defined', 'replacement'].includes(name))) throw new Error(`label ${label}: Node says ${got}, table says ${name}`);
  }
}
const esc = (s) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
const out = [];
out.push('// GENERATED by bin/gen-encoding-tables.js — do not edit. The Encoding Standard\'s labels and');
out.push('// single-byte indexes (bytes 0x80–0xFF; U+FFFD = no mapping), read by 20-text-encoding.js.');
out.push('(function () {');
out.push("  'use strict';");
out.push('  const internals = globalThis.__isolaWebInternals;');
out.push('  // A function, so a context pays for these objects only when a TextDecoder first needs them.');
out.push('  internals.encodingTables = () => ({');
out.push(`    labels: ${JSON.stringify(LABELS)},`);
out.push('    singleByteIndexes: {');
for (const name of SINGLE_BYTE) {
  const s = index(name);
  if (s.length !== 128) throw new Error(`${name}: index of ${s.length}`);
  out.push(`      ${JSON.stringify(name)}: ${esc(s)},`);
}
out.push('    },');
out.push('  });');
out.push('})();');
process.stdout.write(out.join('\n') + '\n');
