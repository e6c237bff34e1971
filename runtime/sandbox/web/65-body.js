// Fetch §5.1 body extraction and the Body mixin (text/json/arrayBuffer/bytes).
//
// A body is a small record { source, bytes, stream, used }: source 'bytes'
// (a Uint8Array the platform owns; `used` marks it read) or source 'stream'
// (`stream` is a ReadableStream record from 71-readable-stream-ops.js; its
// `disturbed` flag is bodyUsed). A bytes body becomes a stream body the first
// time the `body` getter is called, so reads through either path agree.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { Uint8Array, TypeError, Promise } = globalThis;
  // The stream machinery (70-78) loads after this file; look it up when used.
  const streams = () => internals.streams;

  /**
   * Extracts a body from a BodyInit: returns { body, type } where type is the
   * default Content-Type (or null). Bytes are copied, so later changes to the
   * caller's buffer do not leak into the body. A ReadableStream is taken as is.
   */
  function extract(object, keepalive = false) {
    // A string, the common body, is none of the cases below: no brand check needed to tell.
    if (typeof object === 'string') return { body: fromBytes(internals.utf8Encode(internals.toUSVString(object))), type: 'text/plain;charset=UTF-8' };
    const S = streams();
    const record = S.readableRecordOf(object);
    if (record !== null) {
      if (keepalive) throw new TypeError('keepalive cannot be used with a ReadableStream body');
      if (record.disturbed || S.isLocked(record)) throw new TypeError('Response body object should not be disturbed or locked');
      return { body: fromStream(record), type: null };
    }
    const view = internals.viewBufferSource(object);
    if (view !== null) return { body: fromBytes(view.slice()), type: null };
    if (internals.searchParams.isSearchParams(object)) {
      return { body: fromBytes(internals.utf8Encode(object.toString())), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
    }
    if (internals.isBlob(object)) {
      // A Blob never changes, but the body's bytes reach the tenant (bytes()), so copy.
      return { body: fromBytes(internals.blobBytes(object).slice()), type: object.type === '' ? null : object.type };
    }
    if (internals.formData.isFormData(object)) {
      const { bytes, type } = internals.multipart.serialize(internals.formData.entries(object));
      return { body: fromBytes(bytes), type };
    }
    // Like WebIDL's union conversion, any other value is stringified.
    return { body: fromBytes(internals.utf8Encode(internals.toUSVString(object))), type: 'text/plain;charset=UTF-8' };
  }

  const fromBytes = (bytes) => ({ __proto__: null, source: 'bytes', bytes, stream: null, used: false });
  const fromStream = (record) => ({ __proto__: null, source: 'stream', bytes: null, stream: record, used: false });

  /** Fetch's "disturbed": what bodyUsed reports. */
  const isDisturbed = (body) => (body.source === 'stream' ? body.stream.disturbed : body.used);
  /** Fetch's "unusable": disturbed or locked. */
  const isUnusable = (body) => (body.source === 'stream' ? body.stream.disturbed || streams().isLocked(body.stream) : body.used);

  /** Turns a bytes body into a stream body (for the `body` getter); returns the stream record. */
  function toStream(body) {
    if (body.source === 'stream') return body.stream;
    const S = streams();
    const { bytes, used } = body;
    // A byte stream, as Fetch's bodies are ("set up with byte reading support"): BYOB readers work.
    const record = S.createByteReadable((c) => {
      if (bytes.byteLength > 0) S.controllerEnqueue(c, bytes);
      S.controllerClose(c);
    }, () => S.resolvedWith(undefined), () => S.resolvedWith(undefined), 0);
    if (used) { record.disturbed = true; S.acquireReader(record); } // as after "fully reading" it
    body.source = 'stream';
    body.bytes = null;
    body.stream = record;
    return record;
  }

  const isUint8Array = (v) => internals.typedArrayName(v) === 'Uint8Array';

  const tooLarge = (limit) => new TypeError(`Body is over ${limit} bytes, the most this read accepts`);

  /**
   * Reads a whole body; the caller has already checked it is usable. With a
   * `limit`, rejects (and cancels a stream body) once more bytes than that arrive.
   */
  function readAll(body, limit = Infinity) {
    if (body.source === 'bytes') {
      body.used = true;
      if (body.bytes.byteLength > limit) { body.bytes = new Uint8Array(0); return Promise.reject(tooLarge(limit)); }
      const { bytes } = body;
      body.bytes = new Uint8Array(0); // release memory; the body can never be read again
      return Promise.resolve(bytes);
    }
    const S = streams();
    const reader = S.acquireReader(body.stream);
    const chunks = [];
    let total = 0;
    const done = S.deferred();
    const step = () => {
      S.readerRead(reader, {
        __proto__: null,
        chunkSteps: (chunk) => {
          if (!isUint8Array(chunk)) {
            const error = new TypeError('Received non-Uint8Array chunk');
            S.setHandled(S.readableCancel(body.stream, error));
            done.reject(error);
            return;
          }
          chunks.push(chunk);
          total += chunk.byteLength;
          if (total > limit) {
            const error = tooLarge(limit);
            S.setHandled(S.readableCancel(body.stream, error));
            done.reject(error);
            return;
          }
          S.microtask(step);
        },
        closeSteps: () => {
          const out = new Uint8Array(total);
          let offset = 0;
          for (let i = 0; i < chunks.length; i++) { out.set(chunks[i], offset); offset += chunks[i].byteLength; }
          done.resolve(out);
        },
        errorSteps: (e) => done.reject(e),
      });
    };
    step();
    return done.promise;
  }

  /** A second, independent body with the same content (the spec's "clone a body", a tee). */
  function cloneBody(body) {
    if (body.source === 'bytes') return fromBytes(body.bytes.slice());
    const [a, b] = streams().tee(body.stream, (chunk) => (isUint8Array(chunk) ? chunk.slice() : chunk));
    body.stream = a;
    return fromStream(b);
  }

  /**
   * For new Request(request): the new request takes the input's body over and
   * the input becomes disturbed. A stream body is proxied through an identity
   * TransformStream (as Fetch's "create a proxy").
   */
  function takeOver(body) {
    if (body.source === 'bytes') {
      const copy = fromBytes(body.bytes);
      body.used = true;
      body.bytes = new Uint8Array(0);
      return copy;
    }
    const S = streams();
    const { readable, writable } = S.createIdentityTransform();
    S.setHandled(S.pipeTo(body.stream, writable, false, false, false, undefined));
    return fromStream(readable);
  }

  const unusable = () => new TypeError('Body is unusable: Body has already been read');

  /**
   * Installs the Body mixin on a class whose instances give their body record
   * (or null) through getBody(instance); getBody throws for foreign receivers.
   * The class's `headers` getter is captured now, so later prototype patches
   * cannot change what blob()/formData() see as the Content-Type.
   */
  function mixin(Class, getBody) {
    const headersOf = Object.getOwnPropertyDescriptor(Class.prototype, 'headers').get;
    const contentType = (self) => {
      const values = [];
      for (const [name, value] of internals.headers.list(headersOf.call(self))) if (name === 'content-type') values.push(value);
      return values.length === 0 ? null : values.join(', ');
    };
    async function consume(self, limit) {
      const body = getBody(self);
      if (body === null) return new Uint8Array(0);
      if (isUnusable(body)) throw unusable();
      return readAll(body, limit);
    }
    const members = {
      get body() {
        const body = getBody(this);
        return body === null ? null : toStream(body).obj;
      },
      get bodyUsed() {
        const body = getBody(this);
        return body !== null && isDisturbed(body);
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
      async blob() {
        const type = contentType(this);
        return internals.createBlob(await consume(this), type ?? '');
      },
      async formData() {
        getBody(this); // brand check before anything else
        return internals.multipart.parseFormData((limit) => consume(this, limit), contentType(this));
      },
    };
    for (const key of Object.keys(members)) {
      const desc = Object.getOwnPropertyDescriptor(members, key);
      desc.enumerable = true;
      Object.defineProperty(Class.prototype, key, desc);
    }
  }

  internals.body = { extract, cloneBody, mixin, unusable, fromBytes, fromStream, isUnusable, isDisturbed, readAll, toStream, takeOver };
})();
