// Streams Standard §4.2-4.6: ReadableStream, ReadableStreamDefaultReader,
// ReadableStreamDefaultController and the async iterator. The operations are in
// 71-readable-stream-ops.js (byte streams: 79-byte-stream-ops.js, their classes in
// 81-byte-stream.js); pipeTo is in 75-stream-pipe.js.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const S = internals.streams;
  const { TypeError, RangeError } = globalThis;
  const { kInternal } = S;

  const rejectTypeError = (message) => S.rejectedWith(new TypeError(message));
  const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);

  function pipeOptions(options, where) {
    const dict = S.dictionary(options, where);
    const preventAbort = Boolean(dict.preventAbort);
    const preventCancel = Boolean(dict.preventCancel);
    const preventClose = Boolean(dict.preventClose);
    const signal = dict.signal;
    if (signal !== undefined && !internals.isAbortSignal(signal)) throw new TypeError(`${where}: member signal is not of type AbortSignal.`);
    return { __proto__: null, preventAbort, preventCancel, preventClose, signal };
  }

  class ReadableStream {
    #r;

    constructor(underlyingSource = undefined, strategy = undefined) {
      if (underlyingSource === kInternal) { this.#r = arguments[1]; return; }
      const where = "Failed to construct 'ReadableStream'";
      const strat = S.strategy(strategy, where);
      if (underlyingSource !== undefined && !S.isObject(underlyingSource)) throw new TypeError(`${where}: parameter 1 is not an object.`);
      const source = underlyingSource === undefined ? null : underlyingSource;
      const src = source === null ? {} : source;
      const size = src.autoAllocateChunkSize;   // WebIDL reads dictionary members in name order
      const dict = {
        __proto__: null,
        autoAllocateChunkSize: size === undefined ? undefined : S.enforceRangeULL(size, `${where}: autoAllocateChunkSize`),
        cancel: S.callbackMember(src, 'cancel', where),
        pull: S.callbackMember(src, 'pull', where),
        start: S.callbackMember(src, 'start', where),
        type: src.type === undefined ? undefined : internals.toDOMString(src.type),
      };
      if (dict.type !== undefined && dict.type !== 'bytes') throw new TypeError(`${where}: '${dict.type}' is not a valid value for type.`);
      const stream = { __proto__: null, state: 'readable', reader: null, storedError: undefined, disturbed: false, controller: null, obj: this };
      this.#r = stream;
      if (dict.type === 'bytes') {
        if (strat.size !== undefined) throw new RangeError(`${where}: The strategy for a byte stream cannot have a size function.`);
        S.setUpByteControllerFromSource(stream, source, dict, S.extractHighWaterMark(strat, 0));
      } else {
        S.setUpControllerFromSource(stream, source, dict, S.extractHighWaterMark(strat, 1), S.extractSizeAlgorithm(strat));
      }
    }

    static from(asyncIterable) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'from' on 'ReadableStream'");
      return S.fromIterable(asyncIterable).obj;
    }

    get locked() { return S.isLocked(this.#r); }

    cancel(reason = undefined) {
      if (!S.isReadableStream(this)) return rejectTypeError("Value of 'this' must be of type ReadableStream");
      if (S.isLocked(this.#r)) return rejectTypeError('Cannot cancel a locked ReadableStream');
      return S.readableCancel(this.#r, reason);
    }

    getReader(options = undefined) {
      const stream = this.#r;
      const dict = S.dictionary(options, "Failed to execute 'getReader' on 'ReadableStream'");
      if (dict.mode !== undefined) {
        const mode = internals.toDOMString(dict.mode);
        if (mode !== 'byob') throw new TypeError(`Failed to execute 'getReader' on 'ReadableStream': '${mode}' is not a valid value for mode.`);
        return S.acquireBYOBReader(stream).obj;
      }
      return S.acquireReader(stream).obj;
    }

    pipeThrough(transform, options = undefined) {
      const stream = this.#r;
      const where = "Failed to execute 'pipeThrough' on 'ReadableStream'";
      internals.requireArgs(arguments.length, 1, where);
      const pair = S.dictionary(transform, where);
      const readable = pair.readable;
      if (!S.isReadableStream(readable)) throw new TypeError(`${where}: readable is not of type ReadableStream.`);
      const writableRecord = S.writableRecordOf(pair.writable);
      if (writableRecord === null) throw new TypeError(`${where}: writable is not of type WritableStream.`);
      const opts = pipeOptions(options, where);
      if (S.isLocked(stream)) throw new TypeError(`${where}: ReadableStream is locked.`);
      if (S.isWritableLocked(writableRecord)) throw new TypeError(`${where}: WritableStream is locked.`);
      S.setHandled(S.pipeTo(stream, writableRecord, opts.preventClose, opts.preventAbort, opts.preventCancel, opts.signal));
      return readable;
    }

    pipeTo(destination, options = undefined) {
      if (!S.isReadableStream(this)) return rejectTypeError("Value of 'this' must be of type ReadableStream");
      const where = "Failed to execute 'pipeTo' on 'ReadableStream'";
      const dest = S.writableRecordOf(destination);
      if (dest === null) return rejectTypeError(`${where}: parameter 1 is not of type 'WritableStream'.`);
      let opts;
      try { opts = pipeOptions(options, where); } catch (e) { return S.rejectedWith(e); }
      if (S.isLocked(this.#r)) return rejectTypeError(`${where}: ReadableStream is locked.`);
      if (S.isWritableLocked(dest)) return rejectTypeError(`${where}: WritableStream is locked.`);
      return S.pipeTo(this.#r, dest, opts.preventClose, opts.preventAbort, opts.preventCancel, opts.signal);
    }

    tee() {
      // A byte stream's second branch gets copies of the chunks (ReadableByteStreamTee clones them).
      const [a, b] = S.tee(this.#r, undefined);
      return [a.obj, b.obj];
    }

    values(options = undefined) {
      const stream = this.#r;
      const dict = S.dictionary(options, "Failed to execute 'values' on 'ReadableStream'");
      const preventCancel = Boolean(dict.preventCancel);
      const reader = S.acquireReader(stream);
      return createAsyncIterator(reader, preventCancel);
    }

    static {
      S.isReadableStream = (v) => v !== null && typeof v === 'object' && #r in v;
      /** The record of a public ReadableStream, or null. */
      S.readableRecordOf = (v) => (S.isReadableStream(v) ? v.#r : null);
      S.wrapReadable = (record) => new ReadableStream(kInternal, record);
    }
  }
  Object.defineProperty(ReadableStream.prototype, Symbol.asyncIterator, {
    value: ReadableStream.prototype.values, writable: true, enumerable: false, configurable: true,
  });

  // ---- Async iteration (WebIDL async iterable with the Streams Standard's steps).
  const iteratorState = new WeakMap();
  const iteratorPrototype = Object.create(AsyncIteratorPrototype);
  const end = { __proto__: null };

  function createAsyncIterator(reader, preventCancel) {
    const it = Object.create(iteratorPrototype);
    iteratorState.set(it, { __proto__: null, reader, preventCancel, ongoing: null, finished: false });
    return it;
  }

  function nextIterationResult(state) {
    const reader = state.reader;
    const d = S.deferred();
    S.readerRead(reader, {
      __proto__: null,
      chunkSteps: (chunk) => d.resolve(chunk),
      closeSteps: () => { S.readerRelease(reader); d.resolve(end); },
      errorSteps: (e) => { S.readerRelease(reader); d.reject(e); },
    });
    return d.promise;
  }

  const iteratorMethods = {
    next() {
      const state = iteratorState.get(this);
      if (state === undefined) return rejectTypeError("Value of 'this' must be a ReadableStream async iterator");
      const nextSteps = () => {
        if (state.finished) return S.resolvedWith({ value: undefined, done: true });
        return S.then(nextIterationResult(state), (value) => {
          state.ongoing = null;
          if (value === end) { state.finished = true; return { value: undefined, done: true }; }
          return { value, done: false };
        }, (reason) => {
          state.ongoing = null;
          state.finished = true;
          throw reason;
        });
      };
      state.ongoing = state.ongoing === null ? nextSteps() : S.then(state.ongoing, nextSteps, nextSteps);
      return state.ongoing;
    },
    return(value = undefined) {
      const state = iteratorState.get(this);
      if (state === undefined) return rejectTypeError("Value of 'this' must be a ReadableStream async iterator");
      const returnSteps = () => {
        if (state.finished) return S.resolvedWith({ value, done: true });
        state.finished = true;
        const reader = state.reader;
        if (reader.stream === null) return S.resolvedWith(undefined);
        if (!state.preventCancel) {
          const result = S.readableCancel(reader.stream, value);
          S.readerRelease(reader);
          return result;
        }
        S.readerRelease(reader);
        return S.resolvedWith(undefined);
      };
      state.ongoing = state.ongoing === null ? returnSteps() : S.then(state.ongoing, returnSteps, returnSteps);
      return S.then(state.ongoing, () => ({ value, done: true }));
    },
  };
  for (const name of ['next', 'return']) {
    Object.defineProperty(iteratorPrototype, name, { value: iteratorMethods[name], writable: true, enumerable: true, configurable: true });
  }
  Object.defineProperty(iteratorPrototype, Symbol.toStringTag, { value: 'ReadableStream AsyncIterator', configurable: true });

  class ReadableStreamDefaultReader {
    #r;

    constructor(stream) {
      if (stream === kInternal) { this.#r = arguments[1]; return; }
      internals.requireArgs(arguments.length, 1, "Failed to construct 'ReadableStreamDefaultReader'");
      const record = S.readableRecordOf(stream);
      if (record === null) throw new TypeError("Failed to construct 'ReadableStreamDefaultReader': parameter 1 is not of type 'ReadableStream'.");
      S.acquireReader(record, this);
    }

    get closed() {
      if (!S.isReader(this)) return rejectTypeError("Value of 'this' must be of type ReadableStreamDefaultReader");
      return this.#r.closed.promise;
    }

    cancel(reason = undefined) {
      if (!S.isReader(this)) return rejectTypeError("Value of 'this' must be of type ReadableStreamDefaultReader");
      if (this.#r.stream === null) return rejectTypeError('This reader has been released');
      return S.readableCancel(this.#r.stream, reason);
    }

    read() {
      if (!S.isReader(this)) return rejectTypeError("Value of 'this' must be of type ReadableStreamDefaultReader");
      if (this.#r.stream === null) return rejectTypeError('This reader has been released');
      return S.readerReadPromise(this.#r);
    }

    releaseLock() {
      const reader = this.#r;
      if (reader.stream === null) return;
      S.readerRelease(reader);
    }

    static {
      S.isReader = (v) => v !== null && typeof v === 'object' && #r in v;
      S.wrapReader = (record, existing) => {
        if (existing === undefined) return new ReadableStreamDefaultReader(kInternal, record);
        existing.#r = record;
        return existing;
      };
    }
  }

  class ReadableStreamDefaultController {
    #c;

    constructor() {
      if (arguments[0] !== kInternal) throw S.illegalConstructor();
      this.#c = arguments[1];
    }

    get desiredSize() { return S.desiredSize(this.#c); }

    close() {
      const c = this.#c;
      if (!S.canCloseOrEnqueue(c)) throw new TypeError('The stream is not in a state that permits close');
      S.controllerClose(c);
    }

    enqueue(chunk = undefined) {
      const c = this.#c;
      if (!S.canCloseOrEnqueue(c)) throw new TypeError('The stream is not in a state that permits enqueue');
      S.controllerEnqueue(c, chunk);
    }

    error(e = undefined) { S.controllerError(this.#c, e); }

    static {
      S.wrapController = (record) => new ReadableStreamDefaultController(kInternal, record);
    }
  }

  for (const [Class, tag] of [[ReadableStream, 'ReadableStream'], [ReadableStreamDefaultReader, 'ReadableStreamDefaultReader'],
    [ReadableStreamDefaultController, 'ReadableStreamDefaultController']]) {
    internals.webidlClass(Class, tag);
    internals.define(tag, Class);
  }
  internals.platformObjectChecks.push(S.isReadableStream, S.isReader);
})();
