// URL Standard §3 host parsing and serialization: domains, IPv4, IPv6, opaque hosts.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const FAILURE = null;

  const forbiddenHost = /[\0\t\n\r #/:<>?@[\\\]^|]/;
  const forbiddenDomain = /[\0-\x1f #%/:<>?@[\\\]^|\x7f]/;

  // ---- IPv4 -------------------------------------------------------------
  function parseIPv4Number(input) {
    if (input === '') return FAILURE;
    let radix = 10;
    if (input.length >= 2 && input[0] === '0' && (input[1] === 'x' || input[1] === 'X')) {
      input = input.slice(2);
      radix = 16;
    } else if (input.length >= 2 && input[0] === '0') {
      input = input.slice(1);
      radix = 8;
    }
    if (input === '') return 0;
    const valid = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
    if (!valid.test(input)) return FAILURE;
    return parseInt(input, radix);
  }

  function endsInANumber(input) {
    const parts = input.split('.');
    if (parts[parts.length - 1] === '') {
      if (parts.length === 1) return false;
      parts.pop();
    }
    const last = parts[parts.length - 1];
    if (last !== '' && /^[0-9]+$/.test(last)) return true;
    return parseIPv4Number(last) !== FAILURE;
  }

  function parseIPv4(input) {
    const parts = input.split('.');
    if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
    if (parts.length > 4) return FAILURE;
    const numbers = [];
    for (const part of parts) {
      const n = parseIPv4Number(part);
      if (n === FAILURE) return FAILURE;
      numbers.push(n);
    }
    for (let i = 0; i < numbers.length - 1; i++) if (numbers[i] > 255) return FAILURE;
    if (numbers[numbers.length - 1] >= 256 ** (5 - numbers.length)) return FAILURE;
    let ipv4 = numbers[numbers.length - 1];
    for (let i = 0; i < numbers.length - 1; i++) ipv4 += numbers[i] * 256 ** (3 - i);
    return ipv4;
  }

  function serializeIPv4(address) {
    const out = [];
    for (let i = 0; i < 4; i++) {
      out.unshift(String(address % 256));
      address = Math.floor(address / 256);
    }
    return out.join('.');
  }

  // ---- IPv6 -------------------------------------------------------------
  const hexDigit = (c) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);
  const isDigit = (c) => c >= 0x30 && c <= 0x39;

  function parseIPv6(input) {
    const address = [0, 0, 0, 0, 0, 0, 0, 0];
    let pieceIndex = 0;
    let compress = null;
    let p = 0;
    const at = (i) => (i < input.length ? input.charCodeAt(i) : -1);
    if (at(p) === 0x3a) {
      if (at(p + 1) !== 0x3a) return FAILURE;
      p += 2;
      compress = ++pieceIndex;
    }
    while (at(p) !== -1) {
      if (pieceIndex === 8) return FAILURE;
      if (at(p) === 0x3a) {
        if (compress !== null) return FAILURE;
        p++;
        compress = ++pieceIndex;
        continue;
      }
      let value = 0;
      let length = 0;
      while (length < 4 && hexDigit(at(p)) !== -1) {
        value = value * 16 + hexDigit(at(p));
        p++;
        length++;
      }
      if (at(p) === 0x2e) {
        if (length === 0) return FAILURE;
        p -= length;
        if (pieceIndex > 6) return FAILURE;
        let numbersSeen = 0;
        while (at(p) !== -1) {
          let piece = null;
          if (numbersSeen > 0) {
            if (at(p) === 0x2e && numbersSeen < 4) p++;
            else return FAILURE;
          }
          if (!isDigit(at(p))) return FAILURE;
          while (isDigit(at(p))) {
            const n = at(p) - 0x30;
            if (piece === null) piece = n;
            else if (piece === 0) return FAILURE;
            else piece = piece * 10 + n;
            if (piece > 255) return FAILURE;
            p++;
          }
          address[pieceIndex] = address[pieceIndex] * 0x100 + piece;
          numbersSeen++;
          if (numbersSeen === 2 || numbersSeen === 4) pieceIndex++;
        }
        if (numbersSeen !== 4) return FAILURE;
        break;
      } else if (at(p) === 0x3a) {
        p++;
        if (at(p) === -1) return FAILURE;
      } else if (at(p) !== -1) {
        return FAILURE;
      }
      address[pieceIndex++] = value;
    }
    if (compress !== null) {
      let swaps = pieceIndex - compress;
      pieceIndex = 7;
      while (pieceIndex !== 0 && swaps > 0) {
        const tmp = address[pieceIndex];
        address[pieceIndex] = address[compress + swaps - 1];
        address[compress + swaps - 1] = tmp;
        pieceIndex--;
        swaps--;
      }
    } else if (pieceIndex !== 8) {
      return FAILURE;
    }
    return address;
  }

  function serializeIPv6(address) {
    let bestStart = -1;
    let bestLength = 1;
    for (let i = 0; i < 8;) {
      if (address[i] !== 0) { i++; continue; }
      let j = i;
      while (j < 8 && address[j] === 0) j++;
      if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
      i = j;
    }
    let out = '';
    for (let i = 0; i < 8; i++) {
      if (i === bestStart) {
        out += i === 0 ? '::' : ':';
        i += bestLength - 1;
        continue;
      }
      out += address[i].toString(16);
      if (i !== 7) out += ':';
    }
    return out;
  }

  // ---- Domains ----------------------------------------------------------
  const BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700;
  function adapt(delta, numPoints, first) {
    delta = first ? Math.floor(delta / DAMP) : delta >> 1;
    delta += Math.floor(delta / numPoints);
    let k = 0;
    while (delta > ((BASE - TMIN) * TMAX) >> 1) {
      delta = Math.floor(delta / (BASE - TMIN));
      k += BASE;
    }
    return k + Math.floor(((BASE - TMIN + 1) * delta) / (delta + SKEW));
  }
  const digit = (d) => String.fromCharCode(d < 26 ? 0x61 + d : 0x16 + d);

  /** RFC 3492 Punycode encoding of one label. */
  function punycodeEncode(label) {
    const input = Array.from(label, (ch) => ch.codePointAt(0));
    let output = input.filter((c) => c < 0x80).map((c) => String.fromCharCode(c)).join('');
    const basic = output.length;
    let handled = basic;
    if (basic > 0) output += '-';
    let n = 128;
    let delta = 0;
    let bias = 72;
    while (handled < input.length) {
      let m = Infinity;
      for (const c of input) if (c >= n && c < m) m = c;
      delta += (m - n) * (handled + 1);
      n = m;
      for (const c of input) {
        if (c < n) delta++;
        if (c !== n) continue;
        let q = delta;
        for (let k = BASE; ; k += BASE) {
          const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
          if (q < t) break;
          output += digit(t + ((q - t) % (BASE - t)));
          q = Math.floor((q - t) / (BASE - t));
        }
        output += digit(q);
        bias = adapt(delta, handled + 1, handled === basic);
        delta = 0;
        handled++;
      }
      delta++;
      n++;
    }
    return output;
  }

  /** RFC 3492 Punycode decoding of one label (without "xn--"); null when malformed. */
  function punycodeDecode(input) {
    const output = [];
    const basicEnd = input.lastIndexOf('-');
    for (let j = 0; j < Math.max(basicEnd, 0); j++) {
      if (input.charCodeAt(j) >= 0x80) return null;
      output.push(input.charCodeAt(j));
    }
    let n = 128;
    let i = 0;
    let bias = 72;
    for (let index = basicEnd > 0 ? basicEnd + 1 : 0; index < input.length;) {
      const oldi = i;
      let w = 1;
      for (let k = BASE; ; k += BASE) {
        if (index >= input.length) return null;
        const c = input.charCodeAt(index++);
        const d = c >= 0x30 && c <= 0x39 ? c - 22 : c >= 0x41 && c <= 0x5a ? c - 0x41 : c >= 0x61 && c <= 0x7a ? c - 0x61 : BASE;
        if (d >= BASE) return null;
        i += d * w;
        if (i > 0x7fffffff) return null;
        const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
        if (d < t) break;
        w *= BASE - t;
      }
      const count = output.length + 1;
      bias = adapt(i - oldi, count, oldi === 0);
      n += Math.floor(i / count);
      i %= count;
      if (n > 0x10ffff) return null;
      output.splice(i++, 0, n);
    }
    return String.fromCodePoint(...output);
  }

  /**
   * UTS #46 ToASCII. ASCII domains without an `xn--` label (the fast path) are
   * only lowercased, here. Others go to the exact implementation the host bridge
   * installed (internals.idnaToASCII: the host's IDNA, the bootstrap's `compute` capability), else to
   * the simplified one below: NFKC, lowercase, Punycode per label, `xn--` labels
   * must decode; no mapping table, bidi or joiner rules (bare isolates, tests).
   */
  const disallowed = /[\u0080-\u009f\u200c\u200d\ufff9-\ufffd]/;
  // eslint-disable-next-line no-control-regex
  const nonASCII = /[^\x00-\x7f]/;
  const aceLabel = /(?:^|\.)xn--/i;
  function domainToASCII(domain) {
    if (!nonASCII.test(domain) && !aceLabel.test(domain)) {
      const lower = domain.toLowerCase();
      return lower === '' || forbiddenDomain.test(lower) ? FAILURE : lower;
    }
    const exact = internals.idnaToASCII;
    if (exact !== undefined) {
      // Each answer costs a crossing to the host (tens of µs): the last IDNA_CACHE_SIZE are kept.
      let ascii = idnaCache.get(domain);
      if (ascii === undefined) {
        ascii = exact(domain);
        if (typeof ascii !== 'string') ascii = '';
        if (domain.length <= 1024) {
          if (idnaCache.size >= IDNA_CACHE_SIZE) idnaCache.delete(idnaCache.keys().next().value);
          idnaCache.set(domain, ascii);
        }
      }
      return ascii === '' || forbiddenDomain.test(ascii) ? FAILURE : ascii;
    }
    return simplifiedToASCII(domain);
  }
  const IDNA_CACHE_SIZE = 256;
  const idnaCache = new Map();   // domain -> the host's answer ('' = invalid), oldest first
  function simplifiedToASCII(domain) {
    let mapped = domain;
    if (nonASCII.test(domain)) {
      mapped = domain.replace(/[\u00ad\u200b\u2060\ufeff]/g, '');
      try { mapped = mapped.normalize('NFKC'); } catch { /* no ICU */ }
      mapped = mapped.toLowerCase().replace(/[\u3002\uff0e\uff61]/g, '.');
      // A few code points UTS #46 disallows outright, notably U+FFFD from bad percent-encoding.
      if (disallowed.test(mapped)) return FAILURE;
    } else {
      mapped = domain.toLowerCase();
    }
    const labels = mapped.split('.');
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i];
      if (label.startsWith('xn--')) {
        const decoded = nonASCII.test(label) ? null : punycodeDecode(label.slice(4));
        if (decoded === null || decoded === '' || decoded !== decoded.toLowerCase() || disallowed.test(decoded)) return FAILURE;
      } else if (nonASCII.test(label)) {
        labels[i] = `xn--${punycodeEncode(label)}`;
      }
    }
    const result = labels.join('.');
    if (result === '' || forbiddenDomain.test(result)) return FAILURE;
    return result;
  }

  /** Host parser: returns the serialized host, or null on failure. */
  internals.parseHost = function parseHost(input, isOpaque) {
    if (input.startsWith('[')) {
      if (!input.endsWith(']')) return FAILURE;
      const address = parseIPv6(input.slice(1, -1));
      return address === FAILURE ? FAILURE : `[${serializeIPv6(address)}]`;
    }
    if (isOpaque) {
      if (forbiddenHost.test(input)) return FAILURE;
      return internals.percentEncode(input, internals.percentEncodeSets.c0Control);
    }
    const domain = internals.percentDecodeString(input);
    const ascii = domainToASCII(domain);
    if (ascii === FAILURE) return FAILURE;
    if (endsInANumber(ascii)) {
      const address = parseIPv4(ascii);
      return address === FAILURE ? FAILURE : serializeIPv4(address);
    }
    return ascii;
  };
})();
