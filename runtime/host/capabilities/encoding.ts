/**
 * `compute('encoding', label)` (see compute.ts): what the isolate's TextDecoder needs for a label that is
 * not UTF-8 — `''` when the Encoding Standard has no such label, else JSON
 * `{ name, index }`: the encoding's name and, for a single-byte encoding, its
 * index (128 characters for bytes 0x80–0xFF, U+FFFD = no mapping; null for
 * UTF-16LE/BE and the encodings the isolate does not decode). Labels and
 * indexes come from this Node's own decoders (ICU, which implements the
 * standard's), except the two encodings Node 20 lacks (ISO-8859-16: its index
 * below, from the standard; x-user-defined: computed) and the `replacement`
 * labels. Asked once per label per instance (the isolate caches the answer),
 * so the tables cost an isolate nothing until a function decodes such text.
 */
/** ISO-8859-16 bytes 0x80–0xFF (the standard's index-iso-8859-16). */
const ISO_8859_16 = "\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008a\u008b\u008c\u008d\u008e\u008f\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009a\u009b\u009c\u009d\u009e\u009f\u00a0\u0104\u0105\u0141\u20ac\u201e\u0160\u00a7\u0161\u00a9\u0218\u00ab\u0179\u00ad\u017a\u017b\u00b0\u00b1\u010c\u0142\u017d\u201d\u00b6\u00b7\u017e\u010d\u0219\u00bb\u0152\u0153\u0178\u017c\u00c0\u00c1\u00c2\u0102\u00c4\u0106\u00c6\u00c7\u00c8\u00c9\u00ca\u00cb\u00cc\u00cd\u00ce\u00cf\u0110\u0143\u00d2\u00d3\u00d4\u0150\u00d6\u015a\u0170\u00d9\u00da\u00db\u00dc\u0118\u021a\u00df\u00e0\u00e1\u00e2\u0103\u00e4\u0107\u00e6\u00e7\u00e8\u00e9\u00ea\u00eb\u00ec\u00ed\u00ee\u00ef\u0111\u0144\u00f2\u00f3\u00f4\u0151\u00f6\u015b\u0171\u00f9\u00fa\u00fb\u00fc\u0119\u021b\u00ff";
const REPLACEMENT_LABELS = new Set(['csiso2022kr', 'hz-gb-2312', 'iso-2022-cn', 'iso-2022-cn-ext', 'iso-2022-kr', 'replacement']);
const SINGLE_BYTE = new Set(['ibm866', 'iso-8859-2', 'iso-8859-3', 'iso-8859-4', 'iso-8859-5', 'iso-8859-6', 'iso-8859-7', 'iso-8859-8', 'iso-8859-8-i',
  'iso-8859-10', 'iso-8859-13', 'iso-8859-14', 'iso-8859-15', 'koi8-r', 'koi8-u', 'macintosh', 'windows-874', 'windows-1250', 'windows-1251',
  'windows-1252', 'windows-1253', 'windows-1254', 'windows-1255', 'windows-1256', 'windows-1257', 'windows-1258', 'x-mac-cyrillic']);

const indexes = new Map<string, string>();
function singleByteIndex(name: string): string {
  let index = indexes.get(name);
  if (index === undefined) {
    const decoder = new TextDecoder(name);
    index = '';
    for (let b = 0x80; b <= 0xff; b++) index += decoder.decode(Uint8Array.of(b));
    indexes.set(name, index);
  }
  return index;
}

/** The answer for a trimmed, lowercased label (see the head of this file). */
export function encodingInfo(label: string): string {
  if (label === 'iso-8859-16') return JSON.stringify({ name: label, index: ISO_8859_16 });
  if (label === 'x-user-defined') return JSON.stringify({ name: label, index: String.fromCharCode(...Array.from({ length: 128 }, (_, i) => 0xf780 + i)) });
  if (REPLACEMENT_LABELS.has(label)) return JSON.stringify({ name: 'replacement', index: null });
  let name: string;
  try { name = new TextDecoder(label).encoding; } catch { return ''; }
  return JSON.stringify({ name, index: SINGLE_BYTE.has(name) ? singleByteIndex(name) : null });
}

export function encoding(label: unknown): string {
  return typeof label === 'string' && label.length <= 64 ? encodingInfo(label) : '';
}
