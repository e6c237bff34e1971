// Streams Standard §5.2-5.4: WritableStream, WritableStreamDefaultWriter and
// WritableStreamDefaultController. The operations are in 73-writable-stream-ops.js.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const S = internals.streams;
  const { TypeError, RangeError } = globalThis;
  const { kInternal } = S;
  const rejectTypeError = (message) => S.rejectedWith(new TypeError(message));
  const {
    newWritableRecord, isWritableLocked: isLocked, writableAbort, writableClose, closeQueuedOrInFlight, acquireWriter, writerRelease,
    writerWrite, writerDesiredSize, setUpWritableController: setUpController, writableControllerError: controllerError,
  } = S;

  class WritableStream {
    #r;

    constructor(underlyingSink = undefined, strategy = undefined) {
      if (underlyingSink === kInternal) { this.#r = arguments[1]; return; }
      const where = "Failed to construct 'WritableStream'";
      const strat = S.strategy(strategy, where);
      if (underlyingSink !== undefined && !S.isObject(underlyingSink)) throw new TypeError(`${where}: parameter 1 is not an object.`);
      const sink = underlyingSink === undefined ? null : underlyingSink;
      const src = sink === null ? {} : sink;
      const abort = S.callbackMember(src, 'abort', where);
      const close = S.callbackMember(src, 'close', where);
      const start = S.callbackMember(src, 'start', where);
      if (src.type !== undefined) throw new RangeError(`${where}: Invalid type is specified`);
      const write = S.callbackMember(src, 'write', where);
      const sizeAlgorithm = S.extractSizeAlgorithm(strat);
      const highWaterMark = S.extractHighWaterMark(strat, 1);
      const stream = newWritableRecord(this);
      this.#r = stream;
      setUpController(
        stream,
        (c) => (start === undefined ? undefined : S.apply(start, sink, [c.obj])),
        write === undefined ? () => S.resolvedWith(undefined) : (chunk) => S.promiseCall(write, sink, [chunk, stream.controller.obj]),
        close === undefined ? () => S.resolvedWith(undefined) : () => S.promiseCall(close, sink, []),
        abort === undefined ? () => S.resolvedWith(undefined) : (reason) => S.promiseCall(abort, sink, [reason]),
        highWaterMark, sizeAlgorithm,
      );
    }

    get locked() { return isLocked(this.#r); }

    abort(reason = undefined) {
      if (!S.isWritableStream(this)) return rejectTypeError("Value of 'this' must be of type WritableStream");
      if (isLocked(this.#r)) return rejectTypeError('Cannot abort a locked WritableStream');
      return writableAbort(this.#r, reason);
    }

    close() {
      if (!S.isWritableStream(this)) return rejectTypeError("Value of 'this' must be of type WritableStream");
      if (isLocked(this.#r)) return rejectTypeError('Cannot close a locked WritableStream');
      if (closeQueuedOrInFlight(this.#r)) return rejectTypeError('Cannot close an already-closing stream');
      return writableClose(this.#r);
    }

    getWriter() { return acquireWriter(this.#r).obj; }

    static {
      S.isWritableStream = (v) => v !== null && typeof v === 'object' && #r in v;
      S.writableRecordOf = (v) => (S.isWritableStream(v) ? v.#r : null);
      S.wrapWritable = (record) => new WritableStream(kInternal, record);
    }
  }

  class WritableStreamDefaultWriter {
    #w;

    constructor(stream) {
      if (stream === kInternal) { this.#w = arguments[1]; return; }
      internals.requireArgs(arguments.length, 1, "Failed to construct 'WritableStreamDefaultWriter'");
      const record = S.writableRecordOf(stream);
      if (record === null) throw new TypeError("Failed to construct 'WritableStreamDefaultWriter': parameter 1 is not of type 'WritableStream'.");
      acquireWriter(record, this);
    }

    get closed() {
      if (!S.isWriter(this)) return rejectTypeError("Value of 'this' must be of type WritableStreamDefaultWriter");
      return this.#w.closed.promise;
    }

    get desiredSize() {
      if (this.#w.stream === null) throw new TypeError('This writer has been released');
      return writerDesiredSize(this.#w);
    }

    get ready() {
      if (!S.isWriter(this)) return rejectTypeError("Value of 'this' must be of type WritableStreamDefaultWriter");
      return this.#w.ready.promise;
    }

    abort(reason = undefined) {
      if (!S.isWriter(this)) return rejectTypeError("Value of 'this' must be of type WritableStreamDefaultWriter");
      if (this.#w.stream === null) return rejectTypeError('This writer has been released');
      return writableAbort(this.#w.stream, reason);
    }

    close() {
      if (!S.isWriter(this)) return rejectTypeError("Value of 'this' must be of type WritableStreamDefaultWriter");
      const stream = this.#w.stream;
      if (stream === null) return rejectTypeError('This writer has been released');
      if (closeQueuedOrInFlight(stream)) return rejectTypeError('Cannot close an already-closing stream');
      return writableClose(stream);
    }

    releaseLock() {
      if (this.#w.stream === null) return;
      writerRelease(this.#w);
    }

    write(chunk = undefined) {
      if (!S.isWriter(this)) return rejectTypeError("Value of 'this' must be of type WritableStreamDefaultWriter");
      if (this.#w.stream === null) return rejectTypeError('This writer has been released');
      return writerWrite(this.#w, chunk);
    }

    static {
      S.isWriter = (v) => v !== null && typeof v === 'object' && #w in v;
      S.wrapWriter = (record, existing) => {
        if (existing === undefined) return new WritableStreamDefaultWriter(kInternal, record);
        existing.#w = record;
        return existing;
      };
    }
  }

  class WritableStreamDefaultController {
    #c;

    constructor() {
      if (arguments[0] !== kInternal) throw S.illegalConstructor();
      this.#c = arguments[1];
    }

    get signal() { return this.#c.signal; }

    error(e = undefined) {
      if (this.#c.stream.state !== 'writable') return;
      controllerError(this.#c, e);
    }

    static {
      S.wrapWritableController = (record) => new WritableStreamDefaultController(kInternal, record);
    }
  }

  for (const [Class, tag] of [[WritableStream, 'WritableStream'], [WritableStreamDefaultWriter, 'WritableStreamDefaultWriter'],
    [WritableStreamDefaultController, 'WritableStreamDefaultController']]) {
    internals.webidlClass(Class, tag);
    internals.define(tag, Class);
  }
  internals.platformObjectChecks.push(S.isWritableStream, S.isWriter);
})();
