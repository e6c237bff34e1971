// Blob and File (File API §3, §4). A Blob is immutable, so it holds one
// Uint8Array the platform owns and slices share it (no copy); every read hands
// the tenant a fresh copy, so nothing the tenant gets can change a Blob.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { Uint8Array, TypeError, Promise, Symbol, Date, Math, Number, BigInt } = globalThis;
  // The stream machinery (70-78) loads after this file; look it up when used.
  const streams = () => internals.streams;

  const printableAscii = /^[\x20-\x7e]*$/;
  /** The File API's type normalisation: '' unless printable ASCII, then lowercased. */
  const normalizeType = (type) => {
    const s = internals.toDOMString(type);
    return printableAscii.test(s) ? s.toLowerCase() : '';
  };

  /**
   * WebIDL `long long` (ConvertToInt without [EnforceRange]/[Clamp]), File's `lastModified`:
   * NaN and ±Infinity are 0, the rest truncated and wrapped into 64 bits (Node 20 keeps
   * 1.9 and Infinity as they are). A Symbol or BigInt throws TypeError, as ToNumber does.
   */
  function toLongLong(value) {
    const x = +value;   // ToNumber (Number() would convert a BigInt)
    if (x !== x || x === Infinity || x === -Infinity) return 0;
    const n = Math.trunc(x);
    if (n === 0) return 0;   // -0 too
    return n >= -(2 ** 63) && n < 2 ** 63 ? n : Number(BigInt.asIntN(64, BigInt(n)));
  }

  /** BlobPropertyBag: { type, endings }. */
  function readBag(options, where) {
    if (options === undefined || options === null) return { type: '', endings: 'transparent' };
    if (typeof options !== 'object' && typeof options !== 'function') {
      throw new TypeError(`${where}: The provided value is not of type 'BlobPropertyBag'.`);
    }
    const endings = options.endings === undefined ? 'transparent' : `${options.endings}`;
    if (endings !== 'transparent' && endings !== 'native') {
      throw new TypeError(`${where}: The provided value '${endings}' is not a valid enum value of type EndingType.`);
    }
    const type = options.type === undefined ? '' : normalizeType(options.type);
    return { type, endings };
  }

  /** Concatenates BlobParts (BufferSource, Blob, or anything else as a USVString) into one Uint8Array. */
  function processParts(parts, endings, where) {
    if (parts === undefined) return new Uint8Array(0);
    if (parts === null || (typeof parts !== 'object' && typeof parts !== 'function') || typeof parts[Symbol.iterator] !== 'function') {
      throw new TypeError(`${where}: The provided value cannot be converted to a sequence.`);
    }
    const chunks = [];
    let total = 0;
    for (const part of parts) {
      let bytes = internals.isBlob(part) ? internals.blobBytes(part) : internals.viewBufferSource(part);
      if (bytes === null) {
        let s = internals.toUSVString(part);
        // "native" line endings: this platform is POSIX, so CRLF and CR become LF.
        if (endings === 'native') s = s.replace(/\r\n?/g, '\n');
        bytes = internals.utf8Encode(s);
      } else {
        bytes = bytes.slice(); // a BufferSource may change after construction; a Blob's bytes never do
      }
      chunks.push(bytes);
      total += bytes.byteLength;
    }
    if (chunks.length === 1) return chunks[0];
    const out = new Uint8Array(total);
    let offset = 0;
    for (const c of chunks) { out.set(c, offset); offset += c.byteLength; }
    return out;
  }

  /** Blob.slice's relative index clamping. */
  function relative(value, size) {
    if (value === undefined) return undefined;
    const n = Math.trunc(Number(value)) || 0;
    return n < 0 ? Math.max(size + n, 0) : Math.min(n, size);
  }

  const kBytes = Symbol('bytes');

  class Blob {
    #bytes;
    #type;

    constructor(blobParts = undefined, options = undefined) {
      if (blobParts === kBytes) { // platform-internal construction: (kBytes, bytes, type)
        this.#bytes = options;
        this.#type = arguments[2];
        return;
      }
      const where = "Failed to construct 'Blob'";
      const bag = readBag(options, where);
      this.#bytes = processParts(blobParts, bag.endings, where);
      this.#type = bag.type;
    }

    get size() { return this.#bytes.byteLength; }
    get type() { return this.#type; }

    slice(start = undefined, end = undefined, contentType = undefined) {
      const size = this.#bytes.byteLength;
      const from = relative(start, size) ?? 0;
      const to = relative(end, size) ?? size;
      const type = contentType === undefined ? '' : normalizeType(contentType);
      return new Blob(kBytes, this.#bytes.subarray(from, Math.max(from, to)), type);
    }

    stream() {
      const S = streams();
      const bytes = this.#bytes.slice();
      return S.createByteReadable((c) => {   // a byte stream, as the File API says
        if (bytes.byteLength > 0) S.controllerEnqueue(c, bytes);
        S.controllerClose(c);
      }, () => S.resolvedWith(undefined), () => S.resolvedWith(undefined), 0).obj;
    }

    text() {
      try { return Promise.resolve(internals.utf8Decode(this.#bytes)); } catch (e) { return Promise.reject(e); }
    }

    arrayBuffer() {
      try { return Promise.resolve(this.#bytes.slice().buffer); } catch (e) { return Promise.reject(e); }
    }

    bytes() {
      try { return Promise.resolve(this.#bytes.slice()); } catch (e) { return Promise.reject(e); }
    }

    static {
      internals.isBlob = (v) => v !== null && typeof v === 'object' && #bytes in v;
      /** The Blob's own bytes: never hand them to tenant code without copying. */
      internals.blobBytes = (b) => b.#bytes;
      /** The Blob's type from its slot (structuredClone and FormData must not call a getter tenant code can patch). */
      internals.blobType = (b) => b.#type;
      /** A new Blob (or File, see below) over bytes the platform owns. */
      internals.createBlob = (bytes, type) => new Blob(kBytes, bytes, normalizeType(type));
    }
  }

  class File extends Blob {
    #name;
    #lastModified;

    constructor(fileBits, fileName, options = undefined) {
      if (fileBits === kBytes) { // platform-internal: (kBytes, bytes, type, name, lastModified)
        super(kBytes, fileName, options);
        this.#name = arguments[3];
        this.#lastModified = arguments[4];
        return;
      }
      internals.requireArgs(arguments.length, 2, "Failed to construct 'File'");
      super(fileBits, options);
      this.#name = internals.toUSVString(fileName);
      const lastModified = options !== undefined && options !== null ? options.lastModified : undefined;
      // The File API: the current time when the option is absent.
      this.#lastModified = lastModified === undefined ? Date.now() : toLongLong(lastModified);
    }

    get name() { return this.#name; }
    get lastModified() { return this.#lastModified; }

    static {
      internals.isFile = (v) => v !== null && typeof v === 'object' && #name in v;
      internals.fileName = (f) => f.#name;
      internals.fileLastModified = (f) => f.#lastModified;
      /** A File over bytes the platform owns (FormData entries, multipart parsing, cloning). */
      internals.createFile = (bytes, name, type, lastModified = Date.now()) => new File(kBytes, bytes, normalizeType(type), name, lastModified);
    }
  }

  internals.webidlClass(Blob, 'Blob');
  internals.webidlClass(File, 'File');
  internals.define('Blob', Blob);
  internals.define('File', File);
})();
