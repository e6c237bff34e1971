// node:querystring for the isolate's Node.js compatibility set: parse/decode,
// stringify/encode, escape, unescape, unescapeBuffer with Node's behaviour —
// `+` is a space, repeated keys become arrays, maxKeys (default 1000), malformed
// percent escapes are kept rather than thrown, values that are not strings,
// finite numbers, bigints or booleans stringify as ''.
'use strict';

const { Buffer } = require('buffer');

/** Percent-decodes `s` into bytes; `%` not followed by two hex digits stays as is. */
function unescapeBuffer(s, decodeSpaces) {
  const out = Buffer.alloc(Buffer.byteLength(s));
  const src = Buffer.from(s);
  let n = 0;
  const hex = (c) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === 0x2b && decodeSpaces) { out[n++] = 0x20; continue; }
    if (c === 0x25 && i + 2 < src.length && hex(src[i + 1]) >= 0 && hex(src[i + 2]) >= 0) {
      out[n++] = hex(src[i + 1]) * 16 + hex(src[i + 2]);
      i += 2;
      continue;
    }
    out[n++] = c;
  }
  return out.subarray(0, n);
}
function unescape(s, decodeSpaces) {
  try { return decodeURIComponent(s); } catch { return new TextDecoder().decode(unescapeBuffer(s, decodeSpaces)); }
}
function escape(s) {
  if (typeof s !== 'string') s = typeof s === 'object' ? String(s) : s + '';
  // encodeURIComponent throws on a lone surrogate; Node throws URIError too.
  return encodeURIComponent(s);
}

function stringifyPrimitive(v) {
  if (typeof v === 'string') return v;
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'bigint') return '' + v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return '';
}

function stringify(obj, sep = '&', eq = '=', options) {
  const enc = options && typeof options.encodeURIComponent === 'function' ? options.encodeURIComponent : module.exports.escape;
  if (obj === null || typeof obj !== 'object') return '';
  const parts = [];
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    const ks = enc(stringifyPrimitive(k)) + eq;
    if (Array.isArray(v)) for (const item of v) parts.push(ks + enc(stringifyPrimitive(item)));
    else parts.push(ks + enc(stringifyPrimitive(v)));
  }
  return parts.join(sep);
}

function parse(qs, sep = '&', eq = '=', options) {
  const obj = Object.create(null);
  if (typeof qs !== 'string' || qs.length === 0) return obj;
  sep = sep || '&';
  eq = eq || '=';
  const maxKeys = options && typeof options.maxKeys === 'number' ? options.maxKeys : 1000;
  const dec = options && typeof options.decodeURIComponent === 'function' ? options.decodeURIComponent : null;
  const decode = (s) => {
    const plus = s.replace(/\+/g, ' ');
    if (dec !== null) { try { return dec(plus); } catch { return unescape(plus, true); } }
    return unescape(plus, true);
  };
  let pieces = qs.split(sep);
  if (maxKeys > 0) pieces = pieces.slice(0, maxKeys);
  for (const piece of pieces) {
    if (piece.length === 0) continue;
    const i = piece.indexOf(eq);
    const k = decode(i >= 0 ? piece.slice(0, i) : piece);
    const v = i >= 0 ? decode(piece.slice(i + eq.length)) : '';
    if (!(k in obj)) obj[k] = v;
    else if (Array.isArray(obj[k])) obj[k].push(v);
    else obj[k] = [obj[k], v];
  }
  return obj;
}

module.exports = { unescapeBuffer, unescape, escape, stringify, encode: stringify, parse, decode: parse };
