// Streams Standard §5.5 WritableStream abstract operations (default controller and
// default writer), on records:
//   stream     { state, storedError, writer, controller, backpressure, writeRequests[], inFlightWriteRequest,
//                closeRequest, inFlightCloseRequest, pendingAbortRequest, obj }
//   writer     { stream, ready, closed (deferreds), obj }
//   controller { stream, queue, queueTotalSize, started, strategyHWM, strategySizeAlgorithm,
//                writeAlgorithm, closeAlgorithm, abortAlgorithm, signal, obj }
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const S = internals.streams;
  const { TypeError } = globalThis;
  const closeSentinel = { __proto__: null };
  const rejectTypeError = (message) => S.rejectedWith(new TypeError(message));

  function newWritableRecord(obj) {
    return {
      __proto__: null, state: 'writable', storedError: undefined, writer: null, controller: null, backpressure: false, writeRequests: [],
      inFlightWriteRequest: undefined, closeRequest: undefined, inFlightCloseRequest: undefined, pendingAbortRequest: undefined, obj,
    };
  }
  const isLocked = (stream) => stream.writer !== null;
  const closeQueuedOrInFlight = (s) => s.closeRequest !== undefined || s.inFlightCloseRequest !== undefined;
  const hasOperationMarkedInFlight = (s) => s.inFlightWriteRequest !== undefined || s.inFlightCloseRequest !== undefined;

  function writableAbort(stream, reason) {
    if (stream.state === 'closed' || stream.state === 'errored') return S.resolvedWith(undefined);
    internals.signalAbort(stream.controller.signal, reason);
    const state = stream.state;
    if (state === 'closed' || state === 'errored') return S.resolvedWith(undefined);
    if (stream.pendingAbortRequest !== undefined) return stream.pendingAbortRequest.promise.promise;
    const wasAlreadyErroring = state === 'erroring';
    const promise = S.deferred();
    stream.pendingAbortRequest = { __proto__: null, promise, reason: wasAlreadyErroring ? undefined : reason, wasAlreadyErroring };
    if (!wasAlreadyErroring) startErroring(stream, reason);
    return promise.promise;
  }

  function writableClose(stream) {
    const state = stream.state;
    if (state === 'closed' || state === 'errored') return rejectTypeError('The stream is closed or errored');
    const promise = S.deferred();
    stream.closeRequest = promise;
    const writer = stream.writer;
    if (writer !== null && stream.backpressure && state === 'writable') writer.ready.resolve(undefined);
    S.enqueueValueWithSize(stream.controller, closeSentinel, 0);
    advanceQueueIfNeeded(stream.controller);
    return promise.promise;
  }

  function dealWithRejection(stream, error) {
    if (stream.state === 'writable') startErroring(stream, error); else finishErroring(stream);
  }

  function startErroring(stream, reason) {
    const c = stream.controller;
    stream.state = 'erroring';
    stream.storedError = reason;
    if (stream.writer !== null) ensureReadyPromiseRejected(stream.writer, reason);
    if (!hasOperationMarkedInFlight(stream) && c.started) finishErroring(stream);
  }

  function finishErroring(stream) {
    stream.state = 'errored';
    S.resetQueue(stream.controller);
    const error = stream.storedError;
    const requests = stream.writeRequests;
    stream.writeRequests = [];
    for (let i = 0; i < requests.length; i++) requests[i].reject(error);
    const abortRequest = stream.pendingAbortRequest;
    if (abortRequest === undefined) { rejectCloseAndClosedPromiseIfNeeded(stream); return; }
    stream.pendingAbortRequest = undefined;
    if (abortRequest.wasAlreadyErroring) {
      abortRequest.promise.reject(error);
      rejectCloseAndClosedPromiseIfNeeded(stream);
      return;
    }
    const c = stream.controller;
    const result = c.abortAlgorithm(abortRequest.reason);
    clearAlgorithms(c);
    S.upon(result, () => {
      abortRequest.promise.resolve(undefined);
      rejectCloseAndClosedPromiseIfNeeded(stream);
    }, (r) => {
      abortRequest.promise.reject(r);
      rejectCloseAndClosedPromiseIfNeeded(stream);
    });
  }

  function finishInFlightWrite(stream, error, failed) {
    const request = stream.inFlightWriteRequest;
    stream.inFlightWriteRequest = undefined;
    if (!failed) { request.resolve(undefined); return; }
    request.reject(error);
    dealWithRejection(stream, error);
  }

  function finishInFlightClose(stream) {
    stream.inFlightCloseRequest.resolve(undefined);
    stream.inFlightCloseRequest = undefined;
    if (stream.state === 'erroring') {
      stream.storedError = undefined;
      if (stream.pendingAbortRequest !== undefined) {
        stream.pendingAbortRequest.promise.resolve(undefined);
        stream.pendingAbortRequest = undefined;
      }
    }
    stream.state = 'closed';
    if (stream.writer !== null) stream.writer.closed.resolve(undefined);
  }

  function finishInFlightCloseWithError(stream, error) {
    stream.inFlightCloseRequest.reject(error);
    stream.inFlightCloseRequest = undefined;
    if (stream.pendingAbortRequest !== undefined) {
      stream.pendingAbortRequest.promise.reject(error);
      stream.pendingAbortRequest = undefined;
    }
    dealWithRejection(stream, error);
  }

  function rejectCloseAndClosedPromiseIfNeeded(stream) {
    if (stream.closeRequest !== undefined) {
      stream.closeRequest.reject(stream.storedError);
      stream.closeRequest = undefined;
    }
    const writer = stream.writer;
    if (writer !== null) {
      writer.closed.reject(stream.storedError);
      S.setHandled(writer.closed.promise);
    }
  }

  function updateBackpressure(stream, backpressure) {
    const writer = stream.writer;
    if (writer !== null && backpressure !== stream.backpressure) {
      if (backpressure) writer.ready = S.deferred(); else writer.ready.resolve(undefined);
    }
    stream.backpressure = backpressure;
  }

  // ---- Writers.
  function acquireWriter(stream, existing) {
    if (isLocked(stream)) throw new TypeError('WritableStream is locked');
    const writer = { __proto__: null, stream, ready: null, closed: null, obj: null };
    writer.obj = S.wrapWriter(writer, existing);
    stream.writer = writer;
    const state = stream.state;
    if (state === 'writable') {
      writer.ready = !closeQueuedOrInFlight(stream) && stream.backpressure ? S.deferred() : S.resolvedDeferred(undefined);
      writer.closed = S.deferred();
    } else if (state === 'erroring') {
      writer.ready = S.rejectedDeferred(stream.storedError);
      writer.closed = S.deferred();
    } else if (state === 'closed') {
      writer.ready = S.resolvedDeferred(undefined);
      writer.closed = S.resolvedDeferred(undefined);
    } else {
      writer.ready = S.rejectedDeferred(stream.storedError);
      writer.closed = S.rejectedDeferred(stream.storedError);
    }
    return writer;
  }

  function writerCloseWithErrorPropagation(writer) {
    const stream = writer.stream;
    if (closeQueuedOrInFlight(stream) || stream.state === 'closed') return S.resolvedWith(undefined);
    if (stream.state === 'errored') return S.rejectedWith(stream.storedError);
    return writableClose(stream);
  }

  function ensureClosedPromiseRejected(writer, error) {
    if (writer.closed.state === 'pending') writer.closed.reject(error); else writer.closed = S.rejectedDeferred(error);
    S.setHandled(writer.closed.promise);
  }
  function ensureReadyPromiseRejected(writer, error) {
    if (writer.ready.state === 'pending') writer.ready.reject(error); else writer.ready = S.rejectedDeferred(error);
    S.setHandled(writer.ready.promise);
  }

  function writerDesiredSize(writer) {
    const { state } = writer.stream;
    if (state === 'errored' || state === 'erroring') return null;
    if (state === 'closed') return 0;
    const c = writer.stream.controller;
    return c.strategyHWM - c.queueTotalSize;
  }

  function writerRelease(writer) {
    const stream = writer.stream;
    const error = new TypeError('Writer was released and can no longer be used to monitor the stream\'s closedness');
    ensureReadyPromiseRejected(writer, error);
    ensureClosedPromiseRejected(writer, error);
    stream.writer = null;
    writer.stream = null;
  }

  function writerWrite(writer, chunk) {
    const stream = writer.stream;
    const c = stream.controller;
    const chunkSize = getChunkSize(c, chunk);
    if (stream !== writer.stream) return rejectTypeError('Writer was released');
    const state = stream.state;
    if (state === 'errored') return S.rejectedWith(stream.storedError);
    if (closeQueuedOrInFlight(stream) || state === 'closed') return rejectTypeError('The stream is closing or closed and cannot be written to');
    if (state === 'erroring') return S.rejectedWith(stream.storedError);
    const promise = S.deferred();
    stream.writeRequests.push(promise);
    try {
      S.enqueueValueWithSize(c, chunk, chunkSize);
    } catch (e) {
      if (stream.state === 'writable') controllerError(c, e);
      return promise.promise;
    }
    if (!closeQueuedOrInFlight(stream) && stream.state === 'writable') updateBackpressure(stream, getBackpressure(c));
    advanceQueueIfNeeded(c);
    return promise.promise;
  }

  // ---- Default controller.
  function setUpController(stream, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm) {
    const c = {
      __proto__: null, stream, queue: null, queueTotalSize: 0, started: false, strategyHWM: highWaterMark, strategySizeAlgorithm: sizeAlgorithm,
      writeAlgorithm, closeAlgorithm, abortAlgorithm, signal: internals.createAbortSignal(), obj: null,
    };
    S.resetQueue(c);
    c.obj = S.wrapWritableController(c);
    stream.controller = c;
    updateBackpressure(stream, getBackpressure(c));
    const startResult = startAlgorithm(c);
    S.upon(S.resolvedWith(startResult), () => {
      c.started = true;
      advanceQueueIfNeeded(c);
    }, (r) => {
      c.started = true;
      dealWithRejection(stream, r);
    });
    return c;
  }

  function createWritable(startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark = 1, sizeAlgorithm = () => 1) {
    const stream = newWritableRecord(null);
    stream.obj = S.wrapWritable(stream);
    setUpController(stream, startAlgorithm, writeAlgorithm, closeAlgorithm, abortAlgorithm, highWaterMark, sizeAlgorithm);
    return stream;
  }

  function advanceQueueIfNeeded(c) {
    const stream = c.stream;
    if (!c.started || stream.inFlightWriteRequest !== undefined) return;
    if (stream.state === 'erroring') { finishErroring(stream); return; }
    if (S.queueLength(c.queue) === 0) return;
    const value = S.peekQueueValue(c);
    if (value === closeSentinel) processClose(c); else processWrite(c, value);
  }

  function clearAlgorithms(c) {
    c.writeAlgorithm = undefined;
    c.closeAlgorithm = undefined;
    c.abortAlgorithm = undefined;
    c.strategySizeAlgorithm = undefined;
  }

  function errorIfNeeded(c, error) { if (c.stream.state === 'writable') controllerError(c, error); }

  function getChunkSize(c, chunk) {
    if (c.strategySizeAlgorithm === undefined) return 1;
    try { return c.strategySizeAlgorithm(chunk); } catch (e) { errorIfNeeded(c, e); return 1; }
  }

  const getBackpressure = (c) => c.strategyHWM - c.queueTotalSize <= 0;

  function processClose(c) {
    const stream = c.stream;
    stream.inFlightCloseRequest = stream.closeRequest;
    stream.closeRequest = undefined;
    S.dequeueValue(c);
    const sinkClosePromise = c.closeAlgorithm();
    clearAlgorithms(c);
    S.upon(sinkClosePromise, () => finishInFlightClose(stream), (r) => finishInFlightCloseWithError(stream, r));
  }

  function processWrite(c, chunk) {
    const stream = c.stream;
    stream.inFlightWriteRequest = stream.writeRequests.shift();
    S.upon(c.writeAlgorithm(chunk), () => {
      finishInFlightWrite(stream);
      const state = stream.state;
      S.dequeueValue(c);
      if (!closeQueuedOrInFlight(stream) && state === 'writable') updateBackpressure(stream, getBackpressure(c));
      advanceQueueIfNeeded(c);
    }, (reason) => {
      if (stream.state === 'writable') clearAlgorithms(c);
      finishInFlightWrite(stream, reason, true);
    });
  }

  function controllerError(c, error) {
    clearAlgorithms(c);
    startErroring(c.stream, error);
  }

  Object.assign(S, {
    newWritableRecord, isWritableLocked: isLocked, writableAbort, writableClose, closeQueuedOrInFlight, acquireWriter, writerRelease,
    writerWrite, writerCloseWithErrorPropagation, writerDesiredSize, setUpWritableController: setUpController, createWritable,
    writableErrorIfNeeded: errorIfNeeded, writableControllerError: controllerError,
  });
})();
