// URL Standard §1.3 percent-encoding sets and §5 application/x-www-form-urlencoded.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { Uint8Array } = globalThis;

  const makeSet = (base, extra) => {
    const set = new Uint8Array(128);
    if (base) set.set(base);
    else for (let c = 0; c < 0x20; c++) set[c] = 1;
    if (!base) set[0x7f] = 1;
    for (const ch of extra) set[ch.charCodeAt(0)] = 1;
    return set;
  };
  // Code points >= 0x7F are always in every set; these tables cover ASCII.
  const c0Control = makeSet(null, '');
  const fragment = makeSet(c0Control, ' "<>\x60');
  const query = makeSet(c0Control, ' "#<>');
  const specialQuery = makeSet(query, "'");
  const path = makeSet(query, '?\x60{}');
  const userinfo = makeSet(path, '/:;=@[\\]^|');
  const component = makeSet(userinfo, '$%&+,');
  const formUrlencoded = makeSet(component, "!'()~");
  internals.percentEncodeSets = { c0Control, fragment, query, specialQuery, path, userinfo, component, formUrlencoded };

  const hex = [];
  for (let i = 0; i < 256; i++) hex.push(`%${i < 16 ? '0' : ''}${i.toString(16).toUpperCase()}`);

  /** UTF-8 percent-encodes every code point of `s` that is in `set` (or non-ASCII). */
  internals.percentEncode = function percentEncode(s, set, spaceAsPlus = false) {
    let out = '';
    let start = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80 && !set[c] && !(spaceAsPlus && c === 0x20)) continue;
      out += s.slice(start, i);
      if (c < 0x80) {
        out += spaceAsPlus && c === 0x20 ? '+' : hex[c];
        start = i + 1;
        continue;
      }
      let end = i + 1;
      if (c >= 0xd800 && c <= 0xdbff && end < s.length) {
        const d = s.charCodeAt(end);
        if (d >= 0xdc00 && d <= 0xdfff) end++;
      }
      for (const byte of internals.utf8Encode(internals.toUSVString(s.slice(i, end)))) out += hex[byte];
      i = end - 1;
      start = end;
    }
    return start === 0 ? s : out + s.slice(start);
  };

  const isHex = (c) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
  const hexValue = (c) => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);

  /** Percent-decodes the UTF-8 bytes of `s` into bytes. */
  internals.percentDecodeToBytes = function percentDecodeToBytes(s) {
    const input = internals.utf8Encode(internals.toUSVString(s));
    const out = new Uint8Array(input.length);
    let n = 0;
    for (let i = 0; i < input.length; i++) {
      const b = input[i];
      if (b === 0x25 && i + 2 < input.length && isHex(input[i + 1]) && isHex(input[i + 2])) {
        out[n++] = (hexValue(input[i + 1]) << 4) | hexValue(input[i + 2]);
        i += 2;
      } else {
        out[n++] = b;
      }
    }
    return out.subarray(0, n);
  };

  /** Percent-decodes `s` as UTF-8 (with replacement); strings without '%' skip the byte round trip. */
  internals.percentDecodeString = function percentDecodeString(s) {
    if (!s.includes('%')) return internals.toUSVString(s);
    return internals.utf8DecodeWithoutBOM(internals.percentDecodeToBytes(s));
  };
  const decodeFormComponent = (s) => internals.percentDecodeString(s.replace(/\+/g, ' '));

  /** application/x-www-form-urlencoded parser: string -> [[name, value], ...]. */
  internals.parseFormUrlencoded = function parseFormUrlencoded(input) {
    const list = [];
    for (const sequence of `${input}`.split('&')) {
      if (sequence === '') continue;
      const eq = sequence.indexOf('=');
      const name = eq === -1 ? sequence : sequence.slice(0, eq);
      const value = eq === -1 ? '' : sequence.slice(eq + 1);
      list.push([decodeFormComponent(name), decodeFormComponent(value)]);
    }
    return list;
  };

  /** application/x-www-form-urlencoded serializer: [[name, value], ...] -> string. */
  internals.serializeFormUrlencoded = function serializeFormUrlencoded(list) {
    let out = '';
    for (let i = 0; i < list.length; i++) {
      if (i > 0) out += '&';
      out += `${internals.percentEncode(list[i][0], formUrlencoded, true)}=${internals.percentEncode(list[i][1], formUrlencoded, true)}`;
    }
    return out;
  };
})();
