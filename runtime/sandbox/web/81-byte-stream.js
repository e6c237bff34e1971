// Streams Standard §4.5, §4.7, §4.8: ReadableStreamBYOBReader, ReadableByteStreamController and
// ReadableStreamBYOBRequest. Each wraps a record of 79-byte-stream-ops.js.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const S = internals.streams;
  const { TypeError, RangeError } = globalThis;
  const { kInternal } = S;

  const rejectTypeError = (message) => S.rejectedWith(new TypeError(message));
  const isDataView = internals.isDataView;
  /** An ArrayBufferView (typed array or DataView), as WebIDL's ArrayBufferView conversion checks it. */
  const isView = (v) => v !== null && typeof v === 'object' && (internals.typedArrayName(v) !== undefined || isDataView(v));

  class ReadableStreamBYOBReader {
    #r;

    constructor(stream) {
      if (stream === kInternal) { this.#r = arguments[1]; return; }
      internals.requireArgs(arguments.length, 1, "Failed to construct 'ReadableStreamBYOBReader'");
      const record = S.readableRecordOf(stream);
      if (record === null) throw new TypeError("Failed to construct 'ReadableStreamBYOBReader': parameter 1 is not of type 'ReadableStream'.");
      S.acquireBYOBReader(record, this);
    }

    get closed() {
      if (!S.isBYOBReader(this)) return rejectTypeError("Value of 'this' must be of type ReadableStreamBYOBReader");
      return this.#r.closed.promise;
    }

    cancel(reason = undefined) {
      if (!S.isBYOBReader(this)) return rejectTypeError("Value of 'this' must be of type ReadableStreamBYOBReader");
      if (this.#r.stream === null) return rejectTypeError('This reader has been released');
      return S.readableCancel(this.#r.stream, reason);
    }

    read(view = undefined, options = undefined) {
      if (!S.isBYOBReader(this)) return rejectTypeError("Value of 'this' must be of type ReadableStreamBYOBReader");
      const where = "Failed to execute 'read' on 'ReadableStreamBYOBReader'";
      if (!isView(view)) return rejectTypeError(`${where}: parameter 1 is not of type 'ArrayBufferView'.`);
      let min;
      try {
        const dict = S.dictionary(options, where);
        min = dict.min === undefined ? 1 : S.enforceRangeULL(dict.min, `${where}: min`);
      } catch (e) {
        return S.rejectedWith(e);
      }
      if (view.byteLength === 0) return rejectTypeError(`${where}: view must have non-zero byteLength`);
      if (view.buffer.byteLength === 0) return rejectTypeError(`${where}: view's buffer must have non-zero byteLength`);
      if (min === 0) return rejectTypeError(`${where}: options.min must be greater than 0`);
      const length = isDataView(view) ? view.byteLength : view.length;
      if (min > length) return S.rejectedWith(new RangeError(`${where}: options.min must be less than or equal to the view's length`));
      if (this.#r.stream === null) return rejectTypeError('This reader has been released');
      return S.byobReadPromise(this.#r, view, min);
    }

    releaseLock() {
      const reader = this.#r;
      if (reader.stream === null) return;
      S.readerRelease(reader);
    }

    static {
      S.isBYOBReader = (v) => v !== null && typeof v === 'object' && #r in v;
      S.wrapBYOBReader = (record, existing) => {
        if (existing === undefined) return new ReadableStreamBYOBReader(kInternal, record);
        existing.#r = record;
        return existing;
      };
    }
  }

  class ReadableByteStreamController {
    #c;

    constructor() {
      if (arguments[0] !== kInternal) throw S.illegalConstructor();
      this.#c = arguments[1];
    }

    get byobRequest() {
      const request = S.getBYOBRequest(this.#c);
      return request === null ? null : request.obj;
    }

    get desiredSize() { return S.byteDesiredSize(this.#c); }

    close() {
      const c = this.#c;
      if (c.closeRequested) throw new TypeError('The stream has already been closed');
      if (c.stream.state !== 'readable') throw new TypeError('The stream is not in a state that permits close');
      S.byteClose(c);
    }

    enqueue(chunk) {
      const c = this.#c;
      const where = "Failed to execute 'enqueue' on 'ReadableByteStreamController'";
      internals.requireArgs(arguments.length, 1, where);
      if (!isView(chunk)) throw new TypeError(`${where}: parameter 1 is not of type 'ArrayBufferView'.`);
      if (chunk.byteLength === 0) throw new TypeError(`${where}: chunk must have non-zero byteLength`);
      if (chunk.buffer.byteLength === 0) throw new TypeError(`${where}: chunk's buffer must have non-zero byteLength`);
      if (c.closeRequested) throw new TypeError('The stream has been closed');
      if (c.stream.state !== 'readable') throw new TypeError('The stream is not in a state that permits enqueue');
      S.byteEnqueue(c, chunk, true);
    }

    error(e = undefined) { S.byteError(this.#c, e); }

    static {
      S.isByteController = (v) => v !== null && typeof v === 'object' && #c in v;
      S.wrapByteController = (record) => new ReadableByteStreamController(kInternal, record);
    }
  }

  class ReadableStreamBYOBRequest {
    #q;

    constructor() {
      if (arguments[0] !== kInternal) throw S.illegalConstructor();
      this.#q = arguments[1];
    }

    get view() { return this.#q.view; }

    respond(bytesWritten) {
      const q = this.#q;
      const where = "Failed to execute 'respond' on 'ReadableStreamBYOBRequest'";
      internals.requireArgs(arguments.length, 1, where);
      const n = S.enforceRangeULL(bytesWritten, `${where}: bytesWritten`);
      if (q.controller === null) throw new TypeError('This BYOB request has been invalidated');
      S.respond(q.controller, n);
    }

    respondWithNewView(view) {
      const q = this.#q;
      const where = "Failed to execute 'respondWithNewView' on 'ReadableStreamBYOBRequest'";
      internals.requireArgs(arguments.length, 1, where);
      if (!isView(view)) throw new TypeError(`${where}: parameter 1 is not of type 'ArrayBufferView'.`);
      if (q.controller === null) throw new TypeError('This BYOB request has been invalidated');
      S.respondWithNewView(q.controller, view);
    }

    static {
      S.isBYOBRequest = (v) => v !== null && typeof v === 'object' && #q in v;
      S.wrapBYOBRequest = (record) => new ReadableStreamBYOBRequest(kInternal, record);
    }
  }

  for (const [Class, tag] of [[ReadableStreamBYOBReader, 'ReadableStreamBYOBReader'], [ReadableByteStreamController, 'ReadableByteStreamController'],
    [ReadableStreamBYOBRequest, 'ReadableStreamBYOBRequest']]) {
    internals.webidlClass(Class, tag);
    internals.define(tag, Class);
  }
  internals.platformObjectChecks.push(S.isBYOBReader, S.isByteController, S.isBYOBRequest);
})();
