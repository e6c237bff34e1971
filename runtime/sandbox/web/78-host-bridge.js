// The host bridge: what the isolate bootstrap needs to move request and response
// bodies across the isolate boundary, and to connect a Response's WebSocket. Defines no global: it is stored on
// internals.hostBridge, and 99-seal.js hands it to a capture function the host
// installed before loading (see README "Host bridge"). Everything it needs is
// captured here, at load, so tenant code that later patches globals or the
// Request/Response prototypes cannot change what the host sees.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const S = internals.streams;
  const B = internals.body;
  const H = internals.headers;
  const { Request, Uint8Array, TypeError, Object: ObjectCtor } = globalThis;
  const freeze = ObjectCtor.freeze;
  const getter = (Class, name) => ObjectCtor.getOwnPropertyDescriptor(Class.prototype, name).get;
  const R = {
    status: getter(globalThis.Response, 'status'), statusText: getter(globalThis.Response, 'statusText'),
    type: getter(globalThis.Response, 'type'), responseHeaders: getter(globalThis.Response, 'headers'),
    method: getter(Request, 'method'), url: getter(Request, 'url'), requestHeaders: getter(Request, 'headers'),
  };
  const call = (fn, self) => S.apply(fn, self, []);

  function toChunk(chunk) {
    if (internals.typedArrayName(chunk) === 'Uint8Array') return chunk;
    const view = internals.viewBufferSource(chunk);
    if (view === null) throw new TypeError('push() needs a Uint8Array, ArrayBuffer or ArrayBufferView');
    return view;
  }

  /**
   * A ReadableStream (of Uint8Array chunks) the host feeds. Byte-counted queue:
   * push() returns the desired size after queuing (<= 0: stop pushing until
   * onPull is called) or null once the stream is closed, errored or cancelled.
   */
  function createPushStream(options = undefined) {
    const opts = options == null ? {} : options;
    const highWaterMark = opts.highWaterMark === undefined ? 65536 : Number(opts.highWaterMark);
    if (!(highWaterMark >= 0)) throw new TypeError('highWaterMark must be a non-negative number');
    const { onPull, onCancel } = opts;
    if (onPull !== undefined && typeof onPull !== 'function') throw new TypeError('onPull must be a function');
    if (onCancel !== undefined && typeof onCancel !== 'function') throw new TypeError('onCancel must be a function');
    // A byte stream (Fetch's request bodies are), whose queue counts bytes.
    const record = S.createByteReadable(() => undefined, () => {
      if (onPull !== undefined) {
        try { onPull(); } catch (e) { internals.reportError(e); }
      }
      return S.resolvedWith(undefined);
    }, (reason) => {
      if (onCancel !== undefined) {
        try { onCancel(reason); } catch (e) { internals.reportError(e); }
      }
      return S.resolvedWith(undefined);
    }, highWaterMark);
    const c = record.controller;
    return freeze({
      stream: record.obj,
      push(chunk) {
        const bytes = toChunk(chunk);
        if (!S.canCloseOrEnqueue(c)) return null;
        if (bytes.byteLength > 0) S.controllerEnqueue(c, bytes);
        return S.desiredSize(c);
      },
      close() {
        if (!S.canCloseOrEnqueue(c)) return;
        S.controllerClose(c);
        // A BYOB read waiting when the body ends stays pending after the close (Streams,
        // ReadableByteStreamControllerClose): a byte source answers it with respond(0), as
        // ReadableByteStreamTee does, or the function's last read() never settles.
        if (c.stream.state === 'closed' && c.pendingPullIntos.length > 0) S.respond(c, 0);
      },
      error(reason) { S.controllerError(c, reason); },
      get desiredSize() { return S.canCloseOrEnqueue(c) ? S.desiredSize(c) : null; },
    });
  }

  function bodyOf(r) {
    if (internals.isRequest(r)) return internals.requestBody(r);
    if (internals.isResponse(r)) return internals.responseBody(r);
    throw new TypeError('Expected a Request or a Response');
  }

  /** { kind: 'none' | 'bytes' | 'stream', length: byte length of a bytes body, else null }. */
  function bodyInfo(r) {
    const body = bodyOf(r);
    if (body === null) return freeze({ kind: 'none', length: 0 });
    if (body.source === 'bytes') return freeze({ kind: 'bytes', length: body.used ? null : body.bytes.byteLength });
    return freeze({ kind: 'stream', length: null });
  }

  /**
   * An async iterator of the body's Uint8Array chunks (consumes the body: it
   * becomes disturbed). return(reason) cancels the underlying stream. Throws a
   * TypeError at once if the body is unusable (already read or locked).
   */
  function bodyChunks(r) {
    const body = bodyOf(r);
    if (body !== null && B.isUnusable(body)) throw B.unusable();
    let finished = body === null;
    let reader = null;
    let pendingBytes = null;
    if (!finished && body.source === 'bytes') {
      pendingBytes = body.bytes;
      body.used = true;
      body.bytes = new Uint8Array(0);
    } else if (!finished) {
      reader = S.acquireReader(body.stream);
      body.stream.disturbed = true;
    }
    const done = () => ({ value: undefined, done: true });
    const iterator = {
      next() {
        if (finished) return S.resolvedWith(done());
        if (pendingBytes !== null) {
          const bytes = pendingBytes;
          pendingBytes = null;
          finished = true;
          return S.resolvedWith(bytes.byteLength > 0 ? { value: bytes, done: false } : done());
        }
        const d = S.deferred();
        S.readerRead(reader, {
          __proto__: null,
          chunkSteps: (chunk) => {
            if (internals.typedArrayName(chunk) === 'Uint8Array') { d.resolve({ value: chunk, done: false }); return; }
            const error = new TypeError('Received non-Uint8Array chunk');
            finished = true;
            S.setHandled(S.readableCancel(reader.stream, error));
            d.reject(error);
          },
          closeSteps: () => { finished = true; d.resolve(done()); },
          errorSteps: (e) => { finished = true; d.reject(e); },
        });
        return d.promise;
      },
      return(reason = undefined) {
        const wasFinished = finished;
        finished = true;
        pendingBytes = null;
        if (wasFinished || reader === null) return S.resolvedWith(done());
        return S.then(S.readableCancel(reader.stream, reason), done);
      },
      [Symbol.asyncIterator]() { return this; },
    };
    return freeze(iterator);
  }

  /**
   * A bytes body not read yet, taken whole: its Uint8Array, the body becoming used as with
   * bodyChunks(); null when there is none to take so (no body, a stream, already used).
   */
  function takeBytes(r) {
    const body = bodyOf(r);
    if (body === null || body.source !== 'bytes' || body.used) return null;
    const bytes = body.bytes;
    body.used = true;
    body.bytes = new Uint8Array(0);
    return bytes;
  }

  /** Reads a whole body into one Uint8Array (rejects like text() if the body is unusable). */
  function readAll(r) {
    let body;
    try { body = bodyOf(r); } catch (e) { return S.rejectedWith(e); }
    if (body === null) return S.resolvedWith(new Uint8Array(0));
    if (B.isUnusable(body)) return S.rejectedWith(B.unusable());
    return B.readAll(body);
  }

  /** Status line and headers of a Response, as plain data ([name, value] pairs, set-cookie kept separate). */
  function responseHead(response) {
    if (!internals.isResponse(response)) throw new TypeError('Expected a Response');
    return freeze({
      type: call(R.type, response), status: call(R.status, response), statusText: call(R.statusText, response),
      headers: H.sortAndCombine(call(R.responseHeaders, response)).map((pair) => pair.slice()), body: bodyInfo(response),
    });
  }

  /**
   * responseHead() for the bootstrap's dispatch path, which only reads it: not frozen, and the
   * header pairs are the Headers' own sorted list (not copies) — a frozen copy per response cost
   * more than the rest of the head.
   */
  function responseForHost(response) {
    if (!internals.isResponse(response)) throw new TypeError('Expected a Response');
    const body = internals.responseBody(response);
    return {
      type: call(R.type, response), status: call(R.status, response),
      headers: H.sortAndCombine(call(R.responseHeaders, response)),
      bodyKind: body === null ? 'none' : body.source, bodyLength: body === null ? 0 : body.source === 'bytes' && !body.used ? body.bytes.byteLength : null,
    };
  }

  /** Method, URL and headers of a Request, as plain data. */
  function requestHead(request) {
    if (!internals.isRequest(request)) throw new TypeError('Expected a Request');
    return freeze({
      method: call(R.method, request), url: call(R.url, request),
      headers: H.sortAndCombine(call(R.requestHeaders, request)).map((pair) => pair.slice()), body: bodyInfo(request),
    });
  }

  /** new Request(url, init) with the platform's own Request; a stream body gets duplex 'half'. */
  function createRequest(url, init = undefined) {
    const options = { ...(init == null ? {} : init) };
    if (S.isReadableStream(options.body) && options.duplex === undefined) options.duplex = 'half';
    return new Request(url, options);
  }

  /**
   * Connects the pair of a Response's WebSocket to the outside (80-websocket.js,
   * which loads after this file: its functions are looked up on the internals
   * object when called, and that object is unreachable from tenant code).
   */
  function openWebSocket(client, io) {
    const ws = internals.webSocketBridge;
    if (ws === undefined) throw new TypeError('WebSockets are not available (80-websocket.js did not load)');
    return ws.open(client, io);
  }

  internals.hostBridge = freeze({
    version: 1,
    createPushStream: freeze(createPushStream),
    createRequest: freeze(createRequest),
    requestFromHost: freeze((method, url, headers, body) => internals.requestFromHost(method, url, headers, body)),
    isRequest: freeze((v) => internals.isRequest(v)),
    isResponse: freeze((v) => internals.isResponse(v)),
    isReadableStream: freeze((v) => S.isReadableStream(v)),
    requestHead: freeze(requestHead),
    responseHead: freeze(responseHead),
    responseForHost: freeze(responseForHost),
    takeBytes: freeze(takeBytes),
    bodyInfo: freeze(bodyInfo),
    bodyChunks: freeze(bodyChunks),
    readAll: freeze(readAll),
    responseWebSocket: freeze((response) => internals.responseWebSocket(response)),
    openWebSocket: freeze(openWebSocket),
    /** Gives the URL host parser an exact UTS #46 ToASCII (domain → ASCII, or '' if invalid); first call wins. */
    setDomainToASCII: freeze((fn) => {
      if (typeof fn !== 'function') throw new TypeError('setDomainToASCII needs a function');
      if (internals.idnaToASCII === undefined) internals.idnaToASCII = fn;
    }),
    /** Gives TextDecoder the non-UTF-8 encodings: fn(label) → '' or JSON { name, index } (see 20-text-encoding.js); first call wins. */
    setEncodingLookup: freeze((fn) => {
      if (typeof fn !== 'function') throw new TypeError('setEncodingLookup needs a function');
      if (internals.encodingLookup === undefined) internals.encodingLookup = fn;
    }),
    /** Gives TextDecoder the multi-byte CJK decoders: fn() → the source of runtime/sandbox/vendor/multi-byte.js, asked on first use; first call wins. */
    setMultiByteSource: freeze((fn) => {
      if (typeof fn !== 'function') throw new TypeError('setMultiByteSource needs a function');
      if (internals.multiByteSource === undefined) internals.multiByteSource = fn;
    }),
  });
})();
