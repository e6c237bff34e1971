// TextEncoder / TextDecoder (Encoding Standard). TextDecoder decodes UTF-8 and UTF-16LE/BE,
// and, when the host bridge installed the lookup of labels (the bootstrap's `compute`
// capability; else they throw RangeError), the single-byte encodings (with the index the
// lookup answers) and the multi-byte CJK encodings (GBK, gb18030, Big5, EUC-JP,
// ISO-2022-JP, Shift_JIS, EUC-KR: @exodus/bytes' decoders, whose source the bridge hands
// over the first time an isolate needs one); `replacement` throws RangeError.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { Uint8Array, Uint16Array, Function, Object } = globalThis;

  /** UTF-8 encodes a JS string; lone surrogates become U+FFFD (EF BF BD). */
  function utf8Encode(input) {
    const s = `${input}`;
    // Small strings: over-allocate and trim. Large ones: count first, so a
    // near-limit isolate does not need 3x the string's size transiently.
    const out = new Uint8Array(s.length <= 65536 ? s.length * 3 : utf8Length(s));
    const written = encodeIntoBytes(s, out).written;
    return written === out.length ? out : out.slice(0, written);
  }

  function utf8Length(s) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
      else n += 3;
    }
    return n;
  }

  /** Writes as many whole code points of s into out as fit; returns { read, written } in code units / bytes. */
  function encodeIntoBytes(s, out) {
    const len = s.length;
    const cap = out.length;
    let i = 0;
    let j = 0;
    while (i < len) {
      let c = s.charCodeAt(i);
      let units = 1;
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < len ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          units = 2;
        } else {
          c = 0xfffd;
        }
      }
      if (c < 0x80) {
        if (j >= cap) break;
        out[j++] = c;
      } else if (c < 0x800) {
        if (j + 2 > cap) break;
        out[j++] = 0xc0 | (c >> 6);
        out[j++] = 0x80 | (c & 0x3f);
      } else if (c < 0x10000) {
        if (j + 3 > cap) break;
        out[j++] = 0xe0 | (c >> 12);
        out[j++] = 0x80 | ((c >> 6) & 0x3f);
        out[j++] = 0x80 | (c & 0x3f);
      } else {
        if (j + 4 > cap) break;
        out[j++] = 0xf0 | (c >> 18);
        out[j++] = 0x80 | ((c >> 12) & 0x3f);
        out[j++] = 0x80 | ((c >> 6) & 0x3f);
        out[j++] = 0x80 | (c & 0x3f);
      }
      i += units;
    }
    return { read: i, written: j };
  }

  const CHUNK = 8192;
  function codeUnitsToString(units, length) {
    if (length <= CHUNK) return String.fromCharCode.apply(null, length === units.length ? units : units.subarray(0, length));
    let s = '';
    for (let k = 0; k < length; k += CHUNK) s += String.fromCharCode.apply(null, units.subarray(k, Math.min(k + CHUNK, length)));
    return s;
  }

  /**
   * The Encoding Standard's UTF-8 decoder over bytes, continuing from `state`
   * ({ needed, seen, cp, lower, upper }). Invalid sequences become U+FFFD per
   * "maximal subpart", or throw TypeError when fatal. When `flush` is false an
   * incomplete trailing sequence stays in `state` for the next call.
   */
  function utf8DecodeChunk(bytes, state, fatal, flush) {
    const units = new Uint16Array(bytes.length + 2);
    let n = 0;
    let { needed, seen, cp, lower, upper } = state;
    const fail = () => {
      if (fatal) throw new TypeError('The encoded data was not valid for encoding utf-8');
      units[n++] = 0xfffd;
    };
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (needed === 0) {
        if (b < 0x80) { units[n++] = b; continue; }
        if (b >= 0xc2 && b <= 0xdf) { needed = 1; cp = b & 0x1f; }
        else if (b >= 0xe0 && b <= 0xef) {
          if (b === 0xe0) lower = 0xa0;
          if (b === 0xed) upper = 0x9f;
          needed = 2; cp = b & 0xf;
        } else if (b >= 0xf0 && b <= 0xf4) {
          if (b === 0xf0) lower = 0x90;
          if (b === 0xf4) upper = 0x8f;
          needed = 3; cp = b & 0x7;
        } else { fail(); }
        continue;
      }
      if (b < lower || b > upper) {
        cp = needed = seen = 0; lower = 0x80; upper = 0xbf;
        fail();
        i--; // reprocess this byte as a lead byte
        continue;
      }
      lower = 0x80; upper = 0xbf;
      cp = (cp << 6) | (b & 0x3f);
      if (++seen !== needed) continue;
      if (cp > 0xffff) {
        const v = cp - 0x10000;
        units[n++] = 0xd800 + (v >> 10);
        units[n++] = 0xdc00 + (v & 0x3ff);
      } else {
        units[n++] = cp;
      }
      cp = needed = seen = 0;
    }
    if (flush && needed !== 0) {
      cp = needed = seen = 0; lower = 0x80; upper = 0xbf;
      fail();
    }
    Object.assign(state, { needed, seen, cp, lower, upper });
    return codeUnitsToString(units, n);
  }

  const freshState = () => ({ needed: 0, seen: 0, cp: 0, lower: 0x80, upper: 0xbf });

  /** UTF-8 decode (strips a leading BOM, replacement on errors), as Fetch's body.text() uses. */
  function utf8Decode(bytes) {
    const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    return utf8DecodeChunk(start ? bytes.subarray(start) : bytes, freshState(), false, true);
  }
  /** UTF-8 decode without BOM handling, as URL percent-decoding uses. */
  function utf8DecodeWithoutBOM(bytes) {
    return utf8DecodeChunk(bytes, freshState(), false, true);
  }

  internals.utf8Encode = utf8Encode;
  internals.utf8Decode = utf8Decode;
  internals.utf8DecodeWithoutBOM = utf8DecodeWithoutBOM;

  const utf8Labels = new Set(['unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'utf-8', 'utf8', 'x-unicode20utf8']);

  // Non-UTF-8 labels: the host's answer (internals.encodingLookup, installed through the
  // host bridge by the bootstrap's `compute` capability), cached per label.
  const labelInfo = new Map();   // label -> { name, index: string | null } | null
  /** The encoding of a (trimmed, lowercased) label: { name, index } (index: single-byte encodings), or null. */
  function encodingOf(label) {
    if (utf8Labels.has(label)) return UTF8;
    let info = labelInfo.get(label);
    if (info === undefined) {
      const lookup = internals.encodingLookup;
      if (lookup === undefined) return null;   // not cached: the lookup may be installed later
      const answer = lookup(label);
      info = typeof answer === 'string' && answer !== '' ? JSON.parse(answer) : null;
      if (labelInfo.size < 256) labelInfo.set(label, info);
    }
    return info;
  }
  const UTF8 = { name: 'utf-8', index: null };

  /** UTF-16LE/BE decoding of a chunk, continuing from `state` ({ lead, surrogate }): the standard's shared UTF-16 decoder. */
  function utf16DecodeChunk(bytes, state, fatal, flush, bigEndian) {
    const units = new Uint16Array(bytes.length + 2);
    let n = 0;
    let lead = state.lead, surrogate = state.surrogate;
    const fail = () => {
      if (fatal) throw new TypeError('The encoded data was not valid for encoding utf-16' + (bigEndian ? 'be' : 'le'));
      units[n++] = 0xfffd;
    };
    for (let i = 0; i < bytes.length; i++) {
      if (lead === -1) { lead = bytes[i]; continue; }
      let unit = bigEndian ? (lead << 8) | bytes[i] : lead | (bytes[i] << 8);
      lead = -1;
      if (surrogate !== -1) {
        const high = surrogate;
        surrogate = -1;
        if (unit >= 0xdc00 && unit <= 0xdfff) { units[n++] = high; units[n++] = unit; continue; }
        fail();   // then this code unit is processed afresh
      }
      if (unit >= 0xd800 && unit <= 0xdbff) { surrogate = unit; continue; }
      if (unit >= 0xdc00 && unit <= 0xdfff) { fail(); continue; }
      units[n++] = unit;
    }
    if (flush && (lead !== -1 || surrogate !== -1)) { lead = surrogate = -1; fail(); }
    state.lead = lead; state.surrogate = surrogate;
    return codeUnitsToString(units, n);
  }

  const decodedIndexes = new Map();   // encoding name -> Uint16Array(128), built on first use
  /** Single-byte decoding (stateless) with the encoding's index; a byte without a mapping is an error. */
  function singleByteDecode(bytes, encoding, fatal) {
    let index = decodedIndexes.get(encoding.name);
    if (index === undefined) {
      index = new Uint16Array(128);
      for (let k = 0; k < 128; k++) index[k] = encoding.index.charCodeAt(k);
      decodedIndexes.set(encoding.name, index);
    }
    const units = new Uint16Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      const u = b < 0x80 ? b : index[b - 0x80];
      if (u === 0xfffd && fatal) throw new TypeError('The encoded data was not valid for encoding ' + encoding.name);
      units[i] = u;
    }
    return codeUnitsToString(units, bytes.length);
  }
  const freshUtf16State = () => ({ lead: -1, surrogate: -1 });

  const MULTI_BYTE = new Set(['gbk', 'gb18030', 'big5', 'euc-jp', 'iso-2022-jp', 'shift_jis', 'euc-kr']);
  // The CJK decoders (runtime/sandbox/vendor/multi-byte.js), evaluated on first use: a function
  // that never decodes CJK never holds their ~165 KB of code and tables. The bundle runs with
  // an empty object as its globalThis, so it cannot pick up globals a tenant set (atob…).
  let multiByte;   // undefined: not loaded yet; null: unavailable
  function multiByteDecoders() {
    if (multiByte === undefined) {
      const source = internals.multiByteSource === undefined ? null : internals.multiByteSource();
      if (typeof source !== 'string') return null;   // not cached: the source may be installed later
      multiByte = new Function('globalThis', 'TextEncoder', 'TextDecoder', source)(Object.freeze({}), TextEncoder, TextDecoder);
    }
    return multiByte;
  }

  class TextEncoder {
    #brand = true; // lets methods and structuredClone recognise real instances

    get encoding() {
      if (!this.#brand) throw new TypeError('Illegal invocation');
      return 'utf-8';
    }

    static {
      internals.platformObjectChecks.push((v) => v !== null && typeof v === 'object' && #brand in v);
    }

    encode(input = '') {
      if (!this.#brand) throw new TypeError('Illegal invocation');
      return utf8Encode(internals.toUSVString(input));
    }

    encodeInto(source, destination) {
      if (!this.#brand) throw new TypeError('Illegal invocation');
      internals.requireArgs(arguments.length, 2, "Failed to execute 'encodeInto' on 'TextEncoder'");
      if (internals.typedArrayName(destination) !== 'Uint8Array') {
        throw new TypeError("Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.");
      }
      return encodeIntoBytes(internals.toDOMString(source), destination);
    }
  }

  class TextDecoder {
    #encoding;
    #fatal;
    #ignoreBOM;
    #state = freshState();
    #bomSeen = false;
    #streaming = false;
    #multiByte = null;   // the CJK decoder of the current stream: (bytes, stream) => string

    constructor(label = 'utf-8', options = {}) {
      const normalized = internals.toDOMString(label).replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '').toLowerCase();
      const encoding = encodingOf(normalized);
      if (encoding === null || encoding.name === 'replacement') throw new RangeError(`The "${label}" encoding is not supported`);
      if (MULTI_BYTE.has(encoding.name) && multiByteDecoders() === null) {
        throw new RangeError(`The "${label}" encoding (${encoding.name}) is not supported here: the multi-byte decoders were not installed`);
      }
      this.#encoding = encoding;
      if (options !== undefined && options !== null && typeof options !== 'object' && typeof options !== 'function') {
        throw new TypeError("Failed to construct 'TextDecoder': The provided value is not of type 'TextDecoderOptions'.");
      }
      this.#fatal = Boolean(options != null && options.fatal);
      this.#ignoreBOM = Boolean(options != null && options.ignoreBOM);
    }

    get encoding() { return this.#encoding.name; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }

    static {
      internals.platformObjectChecks.push((v) => v !== null && typeof v === 'object' && (#fatal in v));
    }

    decode(input = undefined, options = {}) {
      let bytes;
      if (input === undefined) {
        bytes = new Uint8Array(0);
      } else {
        bytes = internals.viewBufferSource(input);
        if (bytes === null) {
          throw new TypeError("Failed to execute 'decode' on 'TextDecoder': parameter 1 is not of type 'ArrayBuffer' or 'ArrayBufferView'.");
        }
      }
      const stream = Boolean(options != null && options.stream);
      const encoding = this.#encoding.name;
      const multiByteName = MULTI_BYTE.has(encoding);
      if (!this.#streaming) {
        if (multiByteName) this.#multiByte = multiByte.createMultibyteDecoder(encoding, !this.#fatal);
        else this.#state = encoding === 'utf-8' ? freshState() : freshUtf16State();
        this.#bomSeen = false;
      }
      this.#streaming = stream;
      let text;
      try {
        if (encoding === 'utf-8') text = utf8DecodeChunk(bytes, this.#state, this.#fatal, !stream);
        else if (encoding === 'utf-16le' || encoding === 'utf-16be') text = utf16DecodeChunk(bytes, this.#state, this.#fatal, !stream, encoding === 'utf-16be');
        else if (multiByteName) text = this.#multiByte(bytes, stream);
        else text = singleByteDecode(bytes, this.#encoding, this.#fatal);
      } catch (error) {
        this.#streaming = false;
        // The CJK decoders throw their own TypeError text; the standard only asks for a TypeError.
        if (multiByteName && error instanceof TypeError) throw new TypeError('The encoded data was not valid for encoding ' + encoding);
        throw error;
      }
      // The BOM is stripped for the UTF-8 and UTF-16 encodings only (the standard's decode, step 3.2).
      if (!this.#ignoreBOM && !this.#bomSeen && text.length > 0 && (encoding === 'utf-8' || encoding === 'utf-16le' || encoding === 'utf-16be')) {
        this.#bomSeen = true;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      return text;
    }
  }

  internals.webidlClass(TextEncoder, 'TextEncoder');
  internals.webidlClass(TextDecoder, 'TextDecoder');
  internals.define('TextEncoder', TextEncoder);
  internals.define('TextDecoder', TextDecoder);
})();
