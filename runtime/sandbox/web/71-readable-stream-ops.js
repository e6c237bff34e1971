// Streams Standard §4.9 ReadableStream abstract operations (default controller,
// default reader, tee, from-iterable), on records:
//   stream     { state, reader, storedError, disturbed, controller, obj }
//   reader     { stream, closed (deferred), readRequests[], obj }
//   controller { stream, queue, queueTotalSize, started, closeRequested, pullAgain, pulling,
//                strategyHWM, strategySizeAlgorithm, pullAlgorithm, cancelAlgorithm, obj }
// `obj` is the public object (created by 72-readable-stream.js through S.wrap*).
// A read request is { chunkSteps(chunk), closeSteps(), errorSteps(e) }.
// Byte controllers (`byte: true`) and BYOB readers (`byob: true`, readIntoRequests[] instead of
// readRequests[]) are in 79-byte-stream-ops.js; the generic operations here branch to it.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const S = internals.streams;
  const { TypeError } = globalThis;

  // ---- Streams.
  function newReadableRecord() {
    const stream = { __proto__: null, state: 'readable', reader: null, storedError: undefined, disturbed: false, controller: null, obj: null };
    stream.obj = S.wrapReadable(stream);
    return stream;
  }
  const isLocked = (stream) => stream.reader !== null;

  function readableCancel(stream, reason) {
    stream.disturbed = true;
    if (stream.state === 'closed') return S.resolvedWith(undefined);
    if (stream.state === 'errored') return S.rejectedWith(stream.storedError);
    readableClose(stream);
    const reader = stream.reader;
    if (reader !== null && reader.byob === true) {
      const requests = reader.readIntoRequests;
      reader.readIntoRequests = [];
      for (let i = 0; i < requests.length; i++) requests[i].closeSteps(undefined);
    }
    const c = stream.controller;
    let result;
    if (c.byte === true) {
      result = S.byteCancelSteps(c, reason);
    } else {
      S.resetQueue(c);
      result = c.cancelAlgorithm(reason);
      clearAlgorithms(c);
    }
    return S.then(result, () => undefined);
  }

  function readableClose(stream) {
    stream.state = 'closed';
    const reader = stream.reader;
    if (reader === null) return;
    reader.closed.resolve(undefined);
    if (reader.byob === true) return;
    const requests = reader.readRequests;
    reader.readRequests = [];
    for (let i = 0; i < requests.length; i++) requests[i].closeSteps();
  }

  function readableError(stream, e) {
    stream.state = 'errored';
    stream.storedError = e;
    const reader = stream.reader;
    if (reader === null) return;
    reader.closed.reject(e);
    S.setHandled(reader.closed.promise);
    if (reader.byob === true) S.errorReadIntoRequests(reader, e); else errorReadRequests(reader, e);
  }

  const numReadRequests = (stream) => (stream.reader === null || stream.reader.byob === true ? 0 : stream.reader.readRequests.length);

  function fulfillReadRequest(stream, chunk, done) {
    const request = stream.reader.readRequests.shift();
    if (done) request.closeSteps(); else request.chunkSteps(chunk);
  }

  // ---- Readers.
  /** AcquireReadableStreamDefaultReader; `existing` is a public reader being constructed. */
  function acquireReader(stream, existing) {
    if (isLocked(stream)) throw new TypeError('ReadableStream is locked');
    const reader = { __proto__: null, stream: null, closed: null, readRequests: [], obj: null };
    reader.obj = S.wrapReader(reader, existing);
    readerInitialize(reader, stream);
    return reader;
  }

  function readerInitialize(reader, stream) {
    reader.stream = stream;
    stream.reader = reader;
    if (stream.state === 'readable') reader.closed = S.deferred();
    else if (stream.state === 'closed') reader.closed = S.resolvedDeferred(undefined);
    else reader.closed = S.rejectedDeferred(stream.storedError);
  }

  function readerRelease(reader) {
    const stream = reader.stream;
    const error = new TypeError('Releasing reader');
    if (stream.state === 'readable') reader.closed.reject(error); else reader.closed = S.rejectedDeferred(error);
    S.setHandled(reader.closed.promise);
    if (stream.controller.byte === true) S.byteReleaseSteps(stream.controller);
    stream.reader = null;
    reader.stream = null;
    if (reader.byob === true) S.errorReadIntoRequests(reader, new TypeError('Releasing reader'));
    else errorReadRequests(reader, new TypeError('Releasing reader'));
  }

  function errorReadRequests(reader, e) {
    const requests = reader.readRequests;
    reader.readRequests = [];
    for (let i = 0; i < requests.length; i++) requests[i].errorSteps(e);
  }

  function readerRead(reader, request) {
    const stream = reader.stream;
    stream.disturbed = true;
    if (stream.state === 'closed') request.closeSteps();
    else if (stream.state === 'errored') request.errorSteps(stream.storedError);
    else if (stream.controller.byte === true) S.bytePullSteps(stream.controller, request);
    else pullSteps(stream.controller, request);
  }

  /** A promise for { value, done } (the public read() result). */
  function readerReadPromise(reader) {
    const d = S.deferred();
    readerRead(reader, {
      __proto__: null,
      chunkSteps: (value) => d.resolve({ value, done: false }),
      closeSteps: () => d.resolve({ value: undefined, done: true }),
      errorSteps: (e) => d.reject(e),
    });
    return d.promise;
  }

  // ---- Default controller.
  /** For both kinds of controller (a byte controller's ShouldCallPull and error are 79's). */
  function callPullIfNeeded(c) {
    if (!(c.byte === true ? S.byteShouldCallPull(c) : shouldCallPull(c))) return;
    if (c.pulling) { c.pullAgain = true; return; }
    c.pulling = true;
    S.upon(c.pullAlgorithm(), () => {
      c.pulling = false;
      if (c.pullAgain) { c.pullAgain = false; callPullIfNeeded(c); }
    }, (e) => (c.byte === true ? S.byteError(c, e) : controllerError(c, e)));
  }

  function shouldCallPull(c) {
    if (!canCloseOrEnqueue(c) || !c.started) return false;
    if (isLocked(c.stream) && numReadRequests(c.stream) > 0) return true;
    return desiredSize(c) > 0;
  }

  function clearAlgorithms(c) {
    c.pullAlgorithm = undefined;
    c.cancelAlgorithm = undefined;
    c.strategySizeAlgorithm = undefined;
  }

  function controllerClose(c) {
    if (!canCloseOrEnqueue(c)) return;
    c.closeRequested = true;
    if (S.queueLength(c.queue) === 0) { clearAlgorithms(c); readableClose(c.stream); }
  }

  function controllerEnqueue(c, chunk) {
    if (!canCloseOrEnqueue(c)) return;
    const stream = c.stream;
    if (isLocked(stream) && numReadRequests(stream) > 0) {
      fulfillReadRequest(stream, chunk, false);
    } else {
      try {
        S.enqueueValueWithSize(c, chunk, c.strategySizeAlgorithm(chunk));
      } catch (e) {
        controllerError(c, e);
        throw e;
      }
    }
    callPullIfNeeded(c);
  }

  function controllerError(c, e) {
    if (c.stream.state !== 'readable') return;
    S.resetQueue(c);
    clearAlgorithms(c);
    readableError(c.stream, e);
  }

  function desiredSize(c) {
    const { state } = c.stream;
    if (state === 'errored') return null;
    if (state === 'closed') return 0;
    return c.strategyHWM - c.queueTotalSize;
  }

  const hasBackpressure = (c) => !shouldCallPull(c);
  const canCloseOrEnqueue = (c) => !c.closeRequested && c.stream.state === 'readable';

  function pullSteps(c, request) {
    if (S.queueLength(c.queue) > 0) {
      const chunk = S.dequeueValue(c);
      if (c.closeRequested && S.queueLength(c.queue) === 0) { clearAlgorithms(c); readableClose(c.stream); } else callPullIfNeeded(c);
      request.chunkSteps(chunk);
    } else {
      c.stream.reader.readRequests.push(request);
      callPullIfNeeded(c);
    }
  }

  /** SetUpReadableStreamDefaultController; startAlgorithm may throw (propagates). */
  function setUpController(stream, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm) {
    const c = {
      __proto__: null, stream, queue: null, queueTotalSize: 0, started: false, closeRequested: false, pullAgain: false, pulling: false,
      strategyHWM: highWaterMark, strategySizeAlgorithm: sizeAlgorithm, pullAlgorithm, cancelAlgorithm, obj: null,
    };
    S.resetQueue(c);
    c.obj = S.wrapController(c);
    stream.controller = c;
    const startResult = startAlgorithm(c);
    S.upon(S.resolvedWith(startResult), () => { c.started = true; callPullIfNeeded(c); }, (r) => controllerError(c, r));
    return c;
  }

  function setUpControllerFromSource(stream, source, dict, highWaterMark, sizeAlgorithm) {
    const { start, pull, cancel } = dict;
    setUpController(
      stream,
      (c) => (start === undefined ? undefined : S.apply(start, source, [c.obj])),
      pull === undefined ? () => S.resolvedWith(undefined) : () => S.promiseCall(pull, source, [stream.controller.obj]),
      cancel === undefined ? () => S.resolvedWith(undefined) : (reason) => S.promiseCall(cancel, source, [reason]),
      highWaterMark, sizeAlgorithm,
    );
  }

  /** CreateReadableStream: returns the stream record. */
  function createReadable(startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark = 1, sizeAlgorithm = () => 1) {
    const stream = newReadableRecord();
    setUpController(stream, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, sizeAlgorithm);
    return stream;
  }

  // ---- Tee (ReadableStreamTee). A byte stream tees as ReadableByteStreamTee (79-byte-tee.js:
  // byte branches, the second one's chunks copied); any other stream as ReadableStreamDefaultTee,
  // where cloneChunk, if given, copies chunks for the second branch.
  function tee(stream, cloneChunk) {
    if (stream.controller.byte === true) return S.byteTee(stream);
    const reader = acquireReader(stream);
    let reading = false;
    let readAgain = false;
    let canceled1 = false;
    let canceled2 = false;
    let reason1;
    let reason2;
    let branch1;
    let branch2;
    const cancelPromise = S.deferred();
    const pull = () => {
      if (reading) { readAgain = true; return S.resolvedWith(undefined); }
      reading = true;
      readerRead(reader, {
        __proto__: null,
        chunkSteps: (chunk) => S.microtask(() => {
          readAgain = false;
          let chunk2 = chunk;
          if (!canceled2 && cloneChunk !== undefined) {
            try { chunk2 = cloneChunk(chunk); } catch (e) {
              controllerError(branch1.controller, e);
              controllerError(branch2.controller, e);
              cancelPromise.resolve(readableCancel(stream, e));
              return;
            }
          }
          if (!canceled1) controllerEnqueue(branch1.controller, chunk);
          if (!canceled2) controllerEnqueue(branch2.controller, chunk2);
          reading = false;
          if (readAgain) pull();
        }),
        closeSteps: () => {
          reading = false;
          if (!canceled1) controllerClose(branch1.controller);
          if (!canceled2) controllerClose(branch2.controller);
          if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
        },
        errorSteps: () => { reading = false; },
      });
      return S.resolvedWith(undefined);
    };
    const cancelBoth = () => cancelPromise.resolve(readableCancel(stream, [reason1, reason2]));
    const cancel1 = (reason) => { canceled1 = true; reason1 = reason; if (canceled2) cancelBoth(); return cancelPromise.promise; };
    const cancel2 = (reason) => { canceled2 = true; reason2 = reason; if (canceled1) cancelBoth(); return cancelPromise.promise; };
    branch1 = createReadable(() => undefined, pull, cancel1);
    branch2 = createReadable(() => undefined, pull, cancel2);
    S.upon(reader.closed.promise, undefined, (r) => {
      controllerError(branch1.controller, r);
      controllerError(branch2.controller, r);
      if (!canceled1 || !canceled2) cancelPromise.resolve(undefined);
    });
    return [branch1, branch2];
  }

  // ---- ReadableStream.from (ReadableStreamFromIterable).
  function getAsyncIterator(iterable) {
    const asyncMethod = iterable == null ? undefined : iterable[Symbol.asyncIterator];
    if (asyncMethod !== undefined && asyncMethod !== null) {
      if (typeof asyncMethod !== 'function') throw new TypeError('Symbol.asyncIterator is not a function');
      const iterator = S.apply(asyncMethod, iterable, []);
      if (!S.isObject(iterator)) throw new TypeError('The async iterator is not an object');
      return { __proto__: null, iterator, next: iterator.next, sync: false };
    }
    const syncMethod = iterable == null ? undefined : iterable[Symbol.iterator];
    if (typeof syncMethod !== 'function') throw new TypeError('ReadableStream.from: argument is not async iterable');
    const iterator = S.apply(syncMethod, iterable, []);
    if (!S.isObject(iterator)) throw new TypeError('The iterator is not an object');
    return { __proto__: null, iterator, next: iterator.next, sync: true };
  }

  /** CreateAsyncFromSyncIterator-style continuation: awaits the value of a sync step result. */
  function syncResultToAsync(result) {
    if (!S.isObject(result)) throw new TypeError('Iterator result is not an object');
    const done = Boolean(result.done);
    return S.then(S.resolvedWith(result.value), (value) => ({ value, done }));
  }

  function fromIterable(iterable) {
    const record = getAsyncIterator(iterable);
    let stream;
    const pull = () => {
      let nextPromise;
      try {
        const result = S.apply(record.next, record.iterator, []);
        nextPromise = record.sync ? syncResultToAsync(result) : S.resolvedWith(result);
      } catch (e) {
        return S.rejectedWith(e);
      }
      return S.then(nextPromise, (result) => {
        if (!S.isObject(result)) throw new TypeError('The promise returned by the iterator.next() method must fulfill with an object');
        if (result.done) controllerClose(stream.controller);
        else controllerEnqueue(stream.controller, result.value);
      });
    };
    const cancel = (reason) => {
      let returnPromise;
      try {
        const method = record.iterator.return;
        if (method === undefined || method === null) return S.resolvedWith(undefined);
        if (typeof method !== 'function') throw new TypeError('iterator.return is not a function');
        const result = S.apply(method, record.iterator, [reason]);
        returnPromise = record.sync ? (S.isObject(result) ? S.resolvedWith(result) : S.rejectedWith(new TypeError('Iterator result is not an object'))) : S.resolvedWith(result);
      } catch (e) {
        return S.rejectedWith(e);
      }
      return S.then(returnPromise, (result) => {
        if (!S.isObject(result)) throw new TypeError('The promise returned by the iterator.return() method must fulfill with an object');
      });
    };
    stream = createReadable(() => undefined, pull, cancel, 0);
    return stream;
  }

  Object.assign(S, {
    newReadableRecord, isLocked, readableCancel, readableClose, readableError, numReadRequests,
    acquireReader, readerInitialize, readerRelease, readerRead, readerReadPromise,
    callPullIfNeeded, controllerClose, controllerEnqueue, controllerError, desiredSize, hasBackpressure, canCloseOrEnqueue,
    setUpController, setUpControllerFromSource, createReadable, tee, fromIterable,
  });
})();
