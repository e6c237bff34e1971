// multipart/form-data (RFC 7578, HTML §4.10.21.8) and the FormData side of
// the Body mixin: serialising a FormData body, and parsing what formData()
// reads (multipart/form-data or application/x-www-form-urlencoded).
//
// Parsing limits (a formData() over any of them rejects with a TypeError that
// names the limit, and a streamed body is cancelled as soon as it passes the
// total): at most 1,000 parts, 16 KiB of headers per part, 6 MiB per part and
// 8 MiB in all (the platform's request bodies are at most 6 MB; the rest is
// for fetched responses, inside the isolate's memory limit).
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { Uint8Array, TypeError, Math } = globalThis;

  const limits = { __proto__: null, parts: 1000, headerBytes: 16 * 1024, partBytes: 6 * 1024 * 1024, totalBytes: 8 * 1024 * 1024 };

  const CR = 0x0d;
  const LF = 0x0a;
  const DASH = 0x2d;

  /** HTML's escaping of names and filenames in Content-Disposition. */
  const escapeName = (s) => s.replace(/\r\n?|\n/g, '\r\n').replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');

  function randomBoundary() {
    let s = '----isolaFormBoundary';
    for (let i = 0; i < 16; i++) s += 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)];
    return s;
  }

  /** Serialises a FormData's entries: { bytes, type } with the boundary in the type. */
  function serialize(entries) {
    const boundary = randomBoundary();
    const chunks = [];
    let total = 0;
    const push = (bytes) => { chunks.push(bytes); total += bytes.byteLength; };
    const text = (s) => push(internals.utf8Encode(s));
    for (const [name, value] of entries) {
      let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"`;
      if (typeof value === 'string') {
        text(`${head}\r\n\r\n${value.replace(/\r\n?|\n/g, '\r\n')}\r\n`);
        continue;
      }
      head += `; filename="${escapeName(value.name)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`;
      text(head);
      push(internals.blobBytes(value));
      text('\r\n');
    }
    text(`--${boundary}--\r\n`);
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const c of chunks) { bytes.set(c, offset); offset += c.byteLength; }
    return { bytes, type: `multipart/form-data; boundary=${boundary}` };
  }

  /** Parses a Content-Type value: { essence, params } (params lowercased by name, values unquoted). */
  function parseMimeType(value) {
    if (value === null) return null;
    const semi = value.indexOf(';');
    const essence = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
    const params = { __proto__: null };
    const re = /;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
    let m;
    while ((m = re.exec(value)) !== null) {
      const name = m[1].toLowerCase();
      let v = m[2].trim();
      if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
      if (!(name in params)) params[name] = v;
    }
    return { essence, params };
  }

  const isHttpSpace = (c) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  const trimHttp = (v) => v.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '');
  const QUOTED_OK = /^[\t\x20-\x7e\x80-\xff]*$/;

  /** MIME Sniffing §4.4 "parse a MIME type", serialised (§4.5); null on failure. */
  function serializedMimeType(input) {
    const v = trimHttp(input);
    const slash = v.indexOf('/');
    if (slash <= 0 || !TOKEN.test(v.slice(0, slash))) return null;
    let at = v.indexOf(';', slash);
    if (at === -1) at = v.length;
    const subtype = v.slice(slash + 1, at).replace(/[ \t\n\r]+$/, '');
    if (!TOKEN.test(subtype)) return null;
    let out = `${v.slice(0, slash)}/${subtype}`.toLowerCase();
    const seen = new Set();
    while (at < v.length) {
      at++; // the ';'
      while (at < v.length && isHttpSpace(v[at])) at++;
      let end = at;
      while (end < v.length && v[end] !== ';' && v[end] !== '=') end++;
      const name = v.slice(at, end).toLowerCase();
      at = end;
      if (at >= v.length) break;
      if (v[at] === ';') continue;
      at++; // the '='
      let value = '';
      if (v[at] === '"') {
        for (at++; at < v.length && v[at] !== '"'; at++) {
          if (v[at] === '\\' && at + 1 < v.length) at++;
          value += v[at];
        }
        while (at < v.length && v[at] !== ';') at++;
      } else {
        end = v.indexOf(';', at);
        if (end === -1) end = v.length;
        value = v.slice(at, end).replace(/[ \t\n\r]+$/, '');
        at = end;
        if (value === '') continue;
      }
      if (name !== '' && TOKEN.test(name) && QUOTED_OK.test(value) && !seen.has(name)) {
        seen.add(name);
        out += `;${name}=${value !== '' && TOKEN.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`}`;
      }
    }
    return out;
  }

  /** Fetch's "extract a MIME type" over a header's values, split at commas outside quotes: the last valid one. */
  function extractMimeType(values) {
    let result = null;
    let current = '';
    let quoted = false;
    const take = () => {
      const parsed = serializedMimeType(current);
      if (parsed !== null && !parsed.startsWith('*/*')) result = parsed;
      current = '';
    };
    for (let i = 0; i < values.length; i++) {
      const c = values[i];
      if (c === ',' && !quoted) { take(); continue; }
      if (c === '"') quoted = !quoted;
      else if (c === '\\' && quoted && i + 1 < values.length) { current += c + values[++i]; continue; }
      current += c;
    }
    take();
    return result;
  }

  /** First index of `needle` in `hay` at or after `from`, or -1. */
  function indexOf(hay, needle, from) {
    const first = needle[0];
    const last = hay.byteLength - needle.byteLength;
    for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
      let j = 1;
      while (j < needle.byteLength && hay[i + j] === needle[j]) j++;
      if (j === needle.byteLength) return i;
    }
    return -1;
  }

  const fail = (why) => new TypeError(`Failed to parse body as FormData: ${why}`);

  const TOKEN = /^[!#$%&'*+\-.^_\x60|~0-9A-Za-z]+$/;
  // A header line ends at CRLF only, so a CR or LF left inside one is malformed; NUL is never valid
  // in a header value (RFC 9110 §5.5). Both are refused, as web-platform-tests' formdata-parsing says.
  const FORBIDDEN_IN_HEADER = /[\r\n\0]/;

  /** Parses one part's header block: { name, filename (or null), type (or null) }. */
  function parsePartHeaders(text) {
    let name = null;
    let filename = null;
    const types = [];
    for (const line of text.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0 || FORBIDDEN_IN_HEADER.test(line)) throw fail('malformed part header');
      const header = line.slice(0, colon).trim().toLowerCase();
      if (!TOKEN.test(header)) throw fail('a part header name is not a token');
      const value = line.slice(colon + 1).trim();
      if (header === 'content-disposition') {
        const parsed = parseMimeType(value);
        if (parsed.essence !== 'form-data') throw fail('a part is not form-data');
        name = parsed.params.name ?? null;
        filename = parsed.params.filename ?? null;
      } else if (header === 'content-type') {
        types.push(value);
      }
    }
    if (name === null) throw fail('a part has no name');
    // Several Content-Type lines combine as one list; an invalid type gives a File of type "".
    const type = types.length === 0 ? null : extractMimeType(types.join(', ')) ?? '';
    return { name, filename, type };
  }

  /** Parses a whole multipart/form-data body into FormData entries. */
  function parseMultipart(bytes, boundary) {
    const delimiter = internals.utf8Encode(`--${boundary}`);
    const entries = [];
    // No preamble: the body starts with the first delimiter (browsers send none, and the
    // web-platform-tests' formdata-parsing refuses one).
    if (indexOf(bytes, delimiter, 0) !== 0) throw fail('the body does not start with the boundary');
    let at = 0;
    const skipPadding = () => { while (bytes[at] === 0x20 || bytes[at] === 0x09) at++; }; // transport padding
    for (;;) {
      at += delimiter.byteLength;
      if (bytes[at] === DASH && bytes[at + 1] === DASH) { // close delimiter: padding, then the end or CRLF and an epilogue
        at += 2;
        skipPadding();
        if (at === bytes.byteLength || (bytes[at] === CR && bytes[at + 1] === LF)) return entries;
        throw fail('unexpected bytes after the closing boundary');
      }
      skipPadding();
      if (bytes[at] !== CR || bytes[at + 1] !== LF) throw fail('expected CRLF after the boundary');
      at += 2;
      if (entries.length >= limits.parts) throw fail(`more than ${limits.parts} parts`);
      const headerEnd = indexOf(bytes, internals.utf8Encode('\r\n\r\n'), at);
      if (headerEnd === -1 || headerEnd - at > limits.headerBytes) throw fail(`part headers missing or over ${limits.headerBytes} bytes`);
      const head = parsePartHeaders(internals.utf8DecodeWithoutBOM(bytes.subarray(at, headerEnd)));
      const bodyStart = headerEnd + 4;
      const next = indexOf(bytes, internals.utf8Encode(`\r\n--${boundary}`), bodyStart);
      if (next === -1) throw fail('the body ends before the closing boundary');
      if (next - bodyStart > limits.partBytes) throw fail(`part "${head.name}" is over ${limits.partBytes} bytes`);
      const content = bytes.slice(bodyStart, next);
      entries.push(head.filename === null
        ? [head.name, internals.utf8DecodeWithoutBOM(content)]
        // A parsed file has no modification time: 0, as WPT's formdata-parsing expects (not now).
        : [head.name, internals.createFile(content, head.filename, head.type ?? 'text/plain', 0)]);
      at = next + 2;
    }
  }

  /**
   * Body mixin's formData(): `read(limit)` reads the body (rejecting once it
   * passes `limit` bytes), `contentType` is the header value or null.
   */
  async function parseFormData(read, contentType) {
    const readLimited = (limit) => read(limit).then(undefined, (e) => {
      throw e instanceof TypeError && e.message.startsWith('Body is over') ? fail(`the body is over ${limit} bytes`) : e;
    });
    const mime = parseMimeType(contentType);
    if (mime !== null && mime.essence === 'multipart/form-data') {
      const boundary = mime.params.boundary;
      if (boundary === undefined || boundary === '' || boundary.length > 70) throw fail('missing or invalid boundary');
      return internals.formData.fromEntries(parseMultipart(await readLimited(limits.totalBytes), boundary));
    }
    if (mime !== null && mime.essence === 'application/x-www-form-urlencoded') {
      const text = internals.utf8DecodeWithoutBOM(await readLimited(limits.totalBytes));
      return internals.formData.fromEntries(internals.parseFormUrlencoded(text));
    }
    throw fail(`unsupported Content-Type ${contentType === null ? '(none)' : `"${contentType}"`}`);
  }

  internals.multipart = { __proto__: null, serialize, parseFormData, limits };
})();
