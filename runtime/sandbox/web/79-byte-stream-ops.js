// Streams Standard §4.10 readable byte streams: the ReadableByteStreamController and
// BYOB reader abstract operations, on records like 71-readable-stream-ops.js:
//   byte controller { byte: true, stream, queue, queueTotalSize, started, closeRequested, pullAgain,
//                     pulling, strategyHWM, pullAlgorithm, cancelAlgorithm, autoAllocateChunkSize,
//                     pendingPullIntos[], byobRequest (record or null), obj }
//   queue entry     { buffer, byteOffset, byteLength }
//   pull-into       { buffer, bufferByteLength, byteOffset, byteLength, bytesFilled, minimumFill,
//                     elementSize, viewConstructor, readerType: 'default' | 'byob' | 'none' }
//   BYOB reader     { byob: true, stream, closed (deferred), readIntoRequests[], obj }
//   byobRequest     { controller, view, obj }
// The generic operations of 71 (cancel, close, error, release, read) branch to these for byte
// controllers and BYOB readers, and S.controllerEnqueue/Close/Error (what platform code calls)
// dispatch on the controller's kind. Deviation: V8 11.3 (Node 20) cannot detach an ArrayBuffer from
// JavaScript (no ArrayBuffer.prototype.transfer), so "transfer" is a copy for chunks a tenant
// enqueues (its buffer stays usable; the queued bytes cannot change under it) and keeps the same
// buffer for BYOB views (the bytes are written into the reader's own buffer; it is not detached).
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const S = internals.streams;
  const { TypeError, RangeError, Uint8Array, DataView, ArrayBuffer } = globalThis;
  const TYPED_ARRAYS = { __proto__: null };
  for (const name of ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
    'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) TYPED_ARRAYS[name] = globalThis[name];

  /** WebIDL [EnforceRange] unsigned long long. */
  function enforceRangeULL(value, where) {
    const x = Number(value);
    if (x !== x || x === Infinity || x === -Infinity) throw new TypeError(`${where} is not a finite number.`);
    const n = Math.trunc(x);
    if (n < 0 || n > Number.MAX_SAFE_INTEGER) throw new TypeError(`${where} is outside the accepted range.`);
    return n === 0 ? 0 : n;
  }

  // The operations are compiled and created the first time an isolate makes a byte stream (a
  // request body, Blob.stream(), type: 'bytes'): a function that never does holds none of them
  // (measured: 5 KB less heap per fresh sandbox, bench/sandbox-install.js). Only these entry points exist before; every
  // other operation is reached through a byte controller or BYOB reader, which only exist after.
  let loaded = false;
  function load() {
    if (loaded) return;
    loaded = true;
    // ---- Pull-into descriptors and the queue.
    const viewOf = (d) => new d.viewConstructor(d.buffer, d.byteOffset, d.bytesFilled / d.elementSize);

    function enqueueChunkToQueue(c, buffer, byteOffset, byteLength) {
      S.queuePush(c.queue, { __proto__: null, buffer, byteOffset, byteLength });
      c.queueTotalSize += byteLength;
    }

    function enqueueClonedChunkToQueue(c, buffer, byteOffset, byteLength) {
      let clone;
      try { clone = buffer.slice(byteOffset, byteOffset + byteLength); } catch (e) { byteError(c, e); throw e; }
      enqueueChunkToQueue(c, clone, 0, byteLength);
    }

    function enqueueDetachedPullIntoToQueue(c, d) {
      if (d.bytesFilled > 0) enqueueClonedChunkToQueue(c, d.buffer, d.byteOffset, d.bytesFilled);
      shiftPendingPullInto(c);
    }

    function shiftPendingPullInto(c) { return c.pendingPullIntos.shift(); }

    function invalidateBYOBRequest(c) {
      const request = c.byobRequest;
      if (request === null) return;
      request.controller = null;
      request.view = null;
      c.byobRequest = null;
    }

    function clearPendingPullIntos(c) {
      invalidateBYOBRequest(c);
      c.pendingPullIntos = [];
    }

    function clearAlgorithms(c) {
      c.pullAlgorithm = undefined;
      c.cancelAlgorithm = undefined;
    }

    /** Copies queued bytes into d as far as they go; true when d reached its minimum fill (whole elements). */
    function fillPullIntoDescriptorFromQueue(c, d) {
      const maxBytesToCopy = Math.min(c.queueTotalSize, d.byteLength - d.bytesFilled);
      const maxBytesFilled = d.bytesFilled + maxBytesToCopy;
      let remaining = maxBytesToCopy;
      let ready = false;
      const maxAlignedBytes = maxBytesFilled - (maxBytesFilled % d.elementSize);
      if (maxAlignedBytes >= d.minimumFill) { remaining = maxAlignedBytes - d.bytesFilled; ready = true; }
      while (remaining > 0) {
        const head = S.queuePeek(c.queue);
        const bytesToCopy = Math.min(remaining, head.byteLength);
        const destStart = d.byteOffset + d.bytesFilled;
        new Uint8Array(d.buffer, destStart, bytesToCopy).set(new Uint8Array(head.buffer, head.byteOffset, bytesToCopy));
        if (head.byteLength === bytesToCopy) S.queueShift(c.queue);
        else { head.byteOffset += bytesToCopy; head.byteLength -= bytesToCopy; }
        c.queueTotalSize -= bytesToCopy;
        d.bytesFilled += bytesToCopy;   // FillHeadPullIntoDescriptor
        remaining -= bytesToCopy;
      }
      return ready;
    }

    function fillReadRequestFromQueue(c, request) {
      const entry = S.queueShift(c.queue);
      c.queueTotalSize -= entry.byteLength;
      handleQueueDrain(c);
      request.chunkSteps(new Uint8Array(entry.buffer, entry.byteOffset, entry.byteLength));
    }

    function handleQueueDrain(c) {
      if (c.queueTotalSize === 0 && c.closeRequested) { clearAlgorithms(c); S.readableClose(c.stream); } else callPullIfNeeded(c);
    }

    function processPullIntoDescriptorsUsingQueue(c) {
      const filled = [];
      while (c.pendingPullIntos.length > 0 && c.queueTotalSize > 0) {
        const d = c.pendingPullIntos[0];
        if (!fillPullIntoDescriptorFromQueue(c, d)) break;
        shiftPendingPullInto(c);
        filled.push(d);
      }
      return filled;
    }

    function processReadRequestsUsingQueue(c) {
      const reader = c.stream.reader;
      while (reader.readRequests.length > 0 && c.queueTotalSize > 0) fillReadRequestFromQueue(c, reader.readRequests.shift());
    }

    const hasDefaultReader = (stream) => stream.reader !== null && !stream.reader.byob;
    const hasBYOBReader = (stream) => stream.reader !== null && stream.reader.byob === true;

    function commitPullIntoDescriptor(stream, d) {
      const done = stream.state === 'closed';
      const view = viewOf(d);
      const reader = stream.reader;
      if (d.readerType === 'default') {
        const request = reader.readRequests.shift();
        if (done) request.closeSteps(); else request.chunkSteps(view);
      } else {
        const request = reader.readIntoRequests.shift();
        if (done) request.closeSteps(view); else request.chunkSteps(view);
      }
    }

    // ---- The controller.
    function shouldCallPull(c) {
      const stream = c.stream;
      if (stream.state !== 'readable' || c.closeRequested || !c.started) return false;
      if (hasDefaultReader(stream) && stream.reader.readRequests.length > 0) return true;
      if (hasBYOBReader(stream) && stream.reader.readIntoRequests.length > 0) return true;
      return desiredSize(c) > 0;
    }

    const callPullIfNeeded = (c) => S.callPullIfNeeded(c);   // 71's, which asks shouldCallPull above

    function desiredSize(c) {
      const { state } = c.stream;
      if (state === 'errored') return null;
      if (state === 'closed') return 0;
      return c.strategyHWM - c.queueTotalSize;
    }

    function byteClose(c) {
      if (c.closeRequested || c.stream.state !== 'readable') return;
      if (c.queueTotalSize > 0) { c.closeRequested = true; return; }
      if (c.pendingPullIntos.length > 0) {
        const first = c.pendingPullIntos[0];
        if (first.bytesFilled % first.elementSize !== 0) {
          const e = new TypeError('Insufficient bytes to fill elements in the given buffer');
          byteError(c, e);
          throw e;
        }
      }
      clearAlgorithms(c);
      S.readableClose(c.stream);
    }

    /** ReadableByteStreamControllerEnqueue; `copy`: the chunk comes from a tenant (see the head of this file). */
    function byteEnqueue(c, chunk, copy) {
      const stream = c.stream;
      if (c.closeRequested || stream.state !== 'readable') return;
      let buffer = chunk.buffer;
      let byteOffset = chunk.byteOffset;
      const byteLength = chunk.byteLength;
      if (copy) { buffer = buffer.slice(byteOffset, byteOffset + byteLength); byteOffset = 0; }
      if (c.pendingPullIntos.length > 0) {
        invalidateBYOBRequest(c);
        const first = c.pendingPullIntos[0];
        if (first.readerType === 'none') enqueueDetachedPullIntoToQueue(c, first);
      }
      if (hasDefaultReader(stream)) {
        processReadRequestsUsingQueue(c);
        if (stream.reader.readRequests.length === 0) {
          enqueueChunkToQueue(c, buffer, byteOffset, byteLength);
        } else {
          if (c.pendingPullIntos.length > 0) shiftPendingPullInto(c);
          stream.reader.readRequests.shift().chunkSteps(new Uint8Array(buffer, byteOffset, byteLength));
        }
      } else if (hasBYOBReader(stream)) {
        enqueueChunkToQueue(c, buffer, byteOffset, byteLength);
        const filled = processPullIntoDescriptorsUsingQueue(c);
        for (let i = 0; i < filled.length; i++) commitPullIntoDescriptor(stream, filled[i]);
      } else {
        enqueueChunkToQueue(c, buffer, byteOffset, byteLength);
      }
      callPullIfNeeded(c);
    }

    function byteError(c, e) {
      if (c.stream.state !== 'readable') return;
      clearPendingPullIntos(c);
      S.resetQueue(c);
      clearAlgorithms(c);
      S.readableError(c.stream, e);
    }

    /** The byobRequest record of the first pending pull-into (made on demand), or null. */
    function getBYOBRequest(c) {
      if (c.byobRequest === null && c.pendingPullIntos.length > 0) {
        const d = c.pendingPullIntos[0];
        const view = new Uint8Array(d.buffer, d.byteOffset + d.bytesFilled, d.byteLength - d.bytesFilled);
        c.byobRequest = { __proto__: null, controller: c, view, obj: null };
        c.byobRequest.obj = S.wrapBYOBRequest(c.byobRequest);
      }
      return c.byobRequest;
    }

    function pullInto(c, view, min, request) {
      const stream = c.stream;
      let elementSize = 1;
      let ctor = DataView;
      const name = internals.typedArrayName(view);
      if (name !== undefined) { ctor = TYPED_ARRAYS[name]; elementSize = ctor.BYTES_PER_ELEMENT; }
      const buffer = view.buffer;
      const d = {
        __proto__: null, buffer, bufferByteLength: buffer.byteLength, byteOffset: view.byteOffset, byteLength: view.byteLength,
        bytesFilled: 0, minimumFill: min * elementSize, elementSize, viewConstructor: ctor, readerType: 'byob',
      };
      if (c.pendingPullIntos.length > 0) { c.pendingPullIntos.push(d); stream.reader.readIntoRequests.push(request); return; }
      if (stream.state === 'closed') { request.closeSteps(new ctor(d.buffer, d.byteOffset, 0)); return; }
      if (c.queueTotalSize > 0) {
        if (fillPullIntoDescriptorFromQueue(c, d)) { const filled = viewOf(d); handleQueueDrain(c); request.chunkSteps(filled); return; }
        if (c.closeRequested) {
          const e = new TypeError('Insufficient bytes to fill elements in the given buffer');
          byteError(c, e);
          request.errorSteps(e);
          return;
        }
      }
      c.pendingPullIntos.push(d);
      stream.reader.readIntoRequests.push(request);
      callPullIfNeeded(c);
    }

    function respondInternal(c, bytesWritten) {
      const first = c.pendingPullIntos[0];
      invalidateBYOBRequest(c);
      const stream = c.stream;
      if (stream.state === 'closed') {
        if (first.readerType === 'none') shiftPendingPullInto(c);
        if (hasBYOBReader(stream)) while (stream.reader.readIntoRequests.length > 0) commitPullIntoDescriptor(stream, shiftPendingPullInto(c));
      } else {
        first.bytesFilled += bytesWritten;
        if (first.readerType === 'none') {
          enqueueDetachedPullIntoToQueue(c, first);
          const filled = processPullIntoDescriptorsUsingQueue(c);
          for (let i = 0; i < filled.length; i++) commitPullIntoDescriptor(stream, filled[i]);
        } else if (first.bytesFilled >= first.minimumFill) {
          shiftPendingPullInto(c);
          const remainder = first.bytesFilled % first.elementSize;
          if (remainder > 0) enqueueClonedChunkToQueue(c, first.buffer, first.byteOffset + first.bytesFilled - remainder, remainder);
          first.bytesFilled -= remainder;
          const filled = processPullIntoDescriptorsUsingQueue(c);
          commitPullIntoDescriptor(stream, first);
          for (let i = 0; i < filled.length; i++) commitPullIntoDescriptor(stream, filled[i]);
        }
      }
      callPullIfNeeded(c);
    }

    function respond(c, bytesWritten) {
      const first = c.pendingPullIntos[0];
      if (c.stream.state === 'closed') {
        if (bytesWritten !== 0) throw new TypeError('bytesWritten must be 0 when calling respond() on a closed stream');
      } else {
        if (bytesWritten === 0) throw new TypeError('bytesWritten must be greater than 0 when calling respond() on a readable stream');
        if (first.bytesFilled + bytesWritten > first.byteLength) throw new RangeError('bytesWritten out of range');
      }
      respondInternal(c, bytesWritten);
    }

    function respondWithNewView(c, view) {
      const first = c.pendingPullIntos[0];
      if (c.stream.state === 'closed') {
        if (view.byteLength !== 0) throw new TypeError("The view's length must be 0 when calling respondWithNewView() on a closed stream");
      } else if (view.byteLength === 0) {
        throw new TypeError("The view's length must be greater than 0 when calling respondWithNewView() on a readable stream");
      }
      if (first.byteOffset + first.bytesFilled !== view.byteOffset) throw new RangeError('The region specified by view does not match byobRequest');
      if (first.bufferByteLength !== view.buffer.byteLength) throw new RangeError('The buffer of view has different capacity than byobRequest');
      if (first.bytesFilled + view.byteLength > first.byteLength) throw new RangeError('The region specified by view is larger than byobRequest');
      first.buffer = view.buffer;
      respondInternal(c, view.byteLength);
    }

    // ---- The controller's internal methods, called by 71's generic operations.
    function cancelSteps(c, reason) {
      clearPendingPullIntos(c);
      S.resetQueue(c);
      const result = c.cancelAlgorithm(reason);
      clearAlgorithms(c);
      return result;
    }

    function pullSteps(c, request) {
      if (c.queueTotalSize > 0) { fillReadRequestFromQueue(c, request); return; }
      const size = c.autoAllocateChunkSize;
      if (size !== undefined) {
        let buffer;
        try { buffer = new ArrayBuffer(size); } catch (e) { request.errorSteps(e); return; }
        c.pendingPullIntos.push({
          __proto__: null, buffer, bufferByteLength: size, byteOffset: 0, byteLength: size, bytesFilled: 0, minimumFill: 1,
          elementSize: 1, viewConstructor: Uint8Array, readerType: 'default',
        });
      }
      c.stream.reader.readRequests.push(request);
      callPullIfNeeded(c);
    }

    function releaseSteps(c) {
      if (c.pendingPullIntos.length === 0) return;
      const first = c.pendingPullIntos[0];
      first.readerType = 'none';
      c.pendingPullIntos = [first];
    }

    // ---- Set-up.
    function setUpByteController(stream, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, autoAllocateChunkSize) {
      const c = {
        __proto__: null, byte: true, stream, queue: null, queueTotalSize: 0, started: false, closeRequested: false, pullAgain: false,
        pulling: false, strategyHWM: highWaterMark, pullAlgorithm, cancelAlgorithm, autoAllocateChunkSize, pendingPullIntos: [],
        byobRequest: null, obj: null,
      };
      S.resetQueue(c);
      c.obj = S.wrapByteController(c);
      stream.controller = c;
      const startResult = startAlgorithm(c);
      S.upon(S.resolvedWith(startResult), () => { c.started = true; callPullIfNeeded(c); }, (r) => byteError(c, r));
      return c;
    }

    /** SetUpReadableByteStreamControllerFromUnderlyingSource (dict: start/pull/cancel/autoAllocateChunkSize read by 72). */
    function setUpByteControllerFromSource(stream, source, dict, highWaterMark) {
      const { start, pull, cancel, autoAllocateChunkSize } = dict;
      if (autoAllocateChunkSize === 0) throw new TypeError("Failed to construct 'ReadableStream': autoAllocateChunkSize must be greater than 0.");
      setUpByteController(
        stream,
        (c) => (start === undefined ? undefined : S.apply(start, source, [c.obj])),
        pull === undefined ? () => S.resolvedWith(undefined) : () => S.promiseCall(pull, source, [stream.controller.obj]),
        cancel === undefined ? () => S.resolvedWith(undefined) : (reason) => S.promiseCall(cancel, source, [reason]),
        highWaterMark, autoAllocateChunkSize,
      );
    }

    /** CreateReadableByteStream (platform streams: bodies, Blob.stream(), the host's push streams). */
    function createByteReadable(startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark = 0) {
      const stream = S.newReadableRecord();
      setUpByteController(stream, startAlgorithm, pullAlgorithm, cancelAlgorithm, highWaterMark, undefined);
      return stream;
    }

    // ---- BYOB readers.
    function acquireBYOBReader(stream, existing) {
      if (S.isLocked(stream)) throw new TypeError('ReadableStream is locked');
      if (stream.controller.byte !== true) throw new TypeError('Cannot use a BYOB reader with a non-byte stream');
      const reader = { __proto__: null, byob: true, stream: null, closed: null, readIntoRequests: [], obj: null };
      reader.obj = S.wrapBYOBReader(reader, existing);
      S.readerInitialize(reader, stream);
      return reader;
    }

    function errorReadIntoRequests(reader, e) {
      const requests = reader.readIntoRequests;
      reader.readIntoRequests = [];
      for (let i = 0; i < requests.length; i++) requests[i].errorSteps(e);
    }

    /** ReadableStreamBYOBReaderRead (a read-into request: chunkSteps(view), closeSteps(view), errorSteps(e)). */
    function byobReaderRead(reader, view, min, request) {
      const stream = reader.stream;
      stream.disturbed = true;
      if (stream.state === 'errored') request.errorSteps(stream.storedError);
      else pullInto(stream.controller, view, min, request);
    }

    /** ReadableStreamBYOBReaderRead as a promise for { value, done }. */
    function byobReadPromise(reader, view, min) {
      const d = S.deferred();
      byobReaderRead(reader, view, min, {
        __proto__: null,
        chunkSteps: (value) => d.resolve({ value, done: false }),
        closeSteps: (value) => d.resolve({ value, done: true }),
        errorSteps: (e) => d.reject(e),
      });
      return d.promise;
    }

    Object.assign(S, {
      byteEnqueue, byteClose, byteError, byteDesiredSize: desiredSize, byteShouldCallPull: shouldCallPull, getBYOBRequest, respond, respondWithNewView,
      byteCancelSteps: cancelSteps, bytePullSteps: pullSteps, byteReleaseSteps: releaseSteps, errorReadIntoRequests,
      setUpByteControllerFromSource, createByteReadable, acquireBYOBReader, byobReaderRead, byobReadPromise,
    });
  }
  for (const name of ['createByteReadable', 'setUpByteControllerFromSource', 'acquireBYOBReader']) {
    S[name] = function (...args) { load(); return S[name](...args); };
  }

  // Platform code (bodies, Blob, the host bridge, tee) enqueues, closes and errors through these.
  const defaultEnqueue = S.controllerEnqueue;
  const defaultClose = S.controllerClose;
  const defaultError = S.controllerError;
  Object.assign(S, {
    controllerEnqueue: (c, chunk) => (c.byte === true ? S.byteEnqueue(c, chunk, false) : defaultEnqueue(c, chunk)),
    controllerClose: (c) => (c.byte === true ? S.byteClose(c) : defaultClose(c)),
    controllerError: (c, e) => (c.byte === true ? S.byteError(c, e) : defaultError(c, e)),
    enforceRangeULL,
  });
})();
