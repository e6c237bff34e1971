// Fetch §5.1 body extraction and the Body mixin (text/json/arrayBuffer/bytes).
//
// A body is a small record { source, bytes, used }. Today `source` is always
// 'bytes' (a Uint8Array the platform owns). A ReadableStream body would add
// source 'stream' with a `stream` field: only extract(), readAll(),
// cloneBody() and the `body` getter switch on `source`, so that is where
// streams plug in (plus an internals.bodyToStream for the getter).
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { Uint8Array } = globalThis;

  /**
   * Extracts a body from a BodyInit: returns { body, type } where type is the
   * default Content-Type (or null). Bytes are copied, so later changes to the
   * caller's buffer do not leak into the body.
   */
  function extract(object) {
    const view = internals.viewBufferSource(object);
    if (view !== null) return { body: fromBytes(view.slice()), type: null };
    if (internals.searchParams.isSearchParams(object)) {
      return { body: fromBytes(internals.utf8Encode(object.toString())), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
    }
    // TODO(streams): ReadableStream, Blob and FormData bodies are not supported yet;
    // like WebIDL's union conversion, any other value is stringified.
    return { body: fromBytes(internals.utf8Encode(internals.toUSVString(object))), type: 'text/plain;charset=UTF-8' };
  }

  const fromBytes = (bytes) => ({ source: 'bytes', bytes, used: false });

  /** Reads a whole body; the caller has already checked it is usable. */
  function readAll(body) {
    body.used = true;
    const { bytes } = body;
    body.bytes = new Uint8Array(0); // release memory; the body can never be read again
    return Promise.resolve(bytes);
  }

  /** A second, independent body with the same content (the spec's "clone a body", a tee). */
  function cloneBody(body) {
    return fromBytes(body.bytes.slice());
  }

  const unusable = () => new TypeError('Body is unusable: Body has already been read');

  /**
   * Installs the Body mixin on a class whose instances give their body record
   * (or null) through getBody(instance); getBody throws for foreign receivers.
   */
  function mixin(Class, getBody) {
    async function consume(self) {
      const body = getBody(self);
      if (body === null) return new Uint8Array(0);
      if (body.used) throw unusable();
      return readAll(body);
    }
    const members = {
      get body() {
        const body = getBody(this);
        if (body === null) return null;
        // Without ReadableStream there is no object to return; a host may install one.
        return typeof internals.bodyToStream === 'function' ? internals.bodyToStream(body) : null;
      },
      get bodyUsed() {
        const body = getBody(this);
        return body !== null && body.used;
      },
      async arrayBuffer() {
        const bytes = await consume(this);
        return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
      },
      async bytes() {
        return consume(this);
      },
      async text() {
        return internals.utf8Decode(await consume(this));
      },
      async json() {
        return JSON.parse(internals.utf8Decode(await consume(this)));
      },
    };
    for (const key of Object.keys(members)) {
      const desc = Object.getOwnPropertyDescriptor(members, key);
      desc.enumerable = true;
      Object.defineProperty(Class.prototype, key, desc);
    }
  }

  internals.body = { extract, cloneBody, mixin, unusable, fromBytes };
})();
