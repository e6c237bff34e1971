// Streams Standard §6: TransformStream and TransformStreamDefaultController,
// with the abstract operations on a record:
//   { readable, writable (stream records), backpressure, backpressureChange (deferred), controller }
//   controller { stream, transformAlgorithm, flushAlgorithm, cancelAlgorithm, finish (deferred), obj }
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const S = internals.streams;
  const { TypeError, RangeError } = globalThis;
  const { kInternal } = S;

  function initialize(stream, startPromise, writableHWM, writableSize, readableHWM, readableSize) {
    const start = () => startPromise;
    stream.writable = S.createWritable(start, (chunk) => sinkWrite(stream, chunk), () => sinkClose(stream),
      (reason) => sinkAbort(stream, reason), writableHWM, writableSize);
    stream.readable = S.createReadable(start, () => sourcePull(stream), (reason) => sourceCancel(stream, reason), readableHWM, readableSize);
    stream.backpressure = undefined;
    stream.backpressureChange = undefined;
    setBackpressure(stream, true);
    stream.controller = null;
  }

  function transformError(stream, e) {
    S.controllerError(stream.readable.controller, e);
    errorWritableAndUnblockWrite(stream, e);
  }

  function errorWritableAndUnblockWrite(stream, e) {
    clearAlgorithms(stream.controller);
    S.writableErrorIfNeeded(stream.writable.controller, e);
    unblockWrite(stream);
  }

  function unblockWrite(stream) { if (stream.backpressure) setBackpressure(stream, false); }

  function setBackpressure(stream, backpressure) {
    if (stream.backpressureChange !== undefined) stream.backpressureChange.resolve(undefined);
    stream.backpressureChange = S.deferred();
    stream.backpressure = backpressure;
  }

  function clearAlgorithms(c) {
    c.transformAlgorithm = undefined;
    c.flushAlgorithm = undefined;
    c.cancelAlgorithm = undefined;
  }

  function controllerEnqueue(c, chunk) {
    const stream = c.stream;
    const rc = stream.readable.controller;
    if (!S.canCloseOrEnqueue(rc)) throw new TypeError('Readable side is not in a state that permits enqueue');
    try {
      S.controllerEnqueue(rc, chunk);
    } catch (e) {
      errorWritableAndUnblockWrite(stream, e);
      throw stream.readable.storedError;
    }
    const backpressure = S.hasBackpressure(rc);
    if (backpressure !== stream.backpressure) setBackpressure(stream, true);
  }

  function controllerTerminate(c) {
    const stream = c.stream;
    S.controllerClose(stream.readable.controller);
    errorWritableAndUnblockWrite(stream, new TypeError('TransformStream terminated'));
  }

  function performTransform(c, chunk) {
    return S.then(c.transformAlgorithm(chunk), undefined, (r) => {
      transformError(c.stream, r);
      throw r;
    });
  }

  function sinkWrite(stream, chunk) {
    const c = stream.controller;
    if (stream.backpressure) {
      return S.then(stream.backpressureChange.promise, () => {
        const writable = stream.writable;
        if (writable.state === 'erroring') throw writable.storedError;
        return performTransform(c, chunk);
      });
    }
    return performTransform(c, chunk);
  }

  function sinkAbort(stream, reason) {
    const c = stream.controller;
    if (c.finish !== undefined) return c.finish.promise;
    const readable = stream.readable;
    c.finish = S.deferred();
    const cancelPromise = c.cancelAlgorithm(reason);
    clearAlgorithms(c);
    S.upon(cancelPromise, () => {
      if (readable.state === 'errored') c.finish.reject(readable.storedError);
      else { S.controllerError(readable.controller, reason); c.finish.resolve(undefined); }
    }, (r) => {
      S.controllerError(readable.controller, r);
      c.finish.reject(r);
    });
    return c.finish.promise;
  }

  function sinkClose(stream) {
    const c = stream.controller;
    if (c.finish !== undefined) return c.finish.promise;
    const readable = stream.readable;
    c.finish = S.deferred();
    const flushPromise = c.flushAlgorithm();
    clearAlgorithms(c);
    S.upon(flushPromise, () => {
      if (readable.state === 'errored') c.finish.reject(readable.storedError);
      else { S.controllerClose(readable.controller); c.finish.resolve(undefined); }
    }, (r) => {
      S.controllerError(readable.controller, r);
      c.finish.reject(r);
    });
    return c.finish.promise;
  }

  function sourceCancel(stream, reason) {
    const c = stream.controller;
    if (c.finish !== undefined) return c.finish.promise;
    const writable = stream.writable;
    c.finish = S.deferred();
    const cancelPromise = c.cancelAlgorithm(reason);
    clearAlgorithms(c);
    S.upon(cancelPromise, () => {
      if (writable.state === 'errored') c.finish.reject(writable.storedError);
      else { S.writableErrorIfNeeded(writable.controller, reason); unblockWrite(stream); c.finish.resolve(undefined); }
    }, (r) => {
      S.writableErrorIfNeeded(writable.controller, r);
      unblockWrite(stream);
      c.finish.reject(r);
    });
    return c.finish.promise;
  }

  function sourcePull(stream) {
    setBackpressure(stream, false);
    return stream.backpressureChange.promise;
  }

  function setUpController(stream, transformAlgorithm, flushAlgorithm, cancelAlgorithm) {
    const c = { __proto__: null, stream, transformAlgorithm, flushAlgorithm, cancelAlgorithm, finish: undefined, obj: null };
    c.obj = S.wrapTransformController(c);
    stream.controller = c;
    return c;
  }

  const defaultTransform = (c) => (chunk) => {
    try { controllerEnqueue(c, chunk); return S.resolvedWith(undefined); } catch (e) { return S.rejectedWith(e); }
  };

  class TransformStream {
    #t;

    constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
      const where = "Failed to construct 'TransformStream'";
      const wStrategy = S.strategy(writableStrategy, where);
      const rStrategy = S.strategy(readableStrategy, where);
      if (transformer !== undefined && !S.isObject(transformer)) throw new TypeError(`${where}: parameter 1 is not an object.`);
      const target = transformer === undefined ? null : transformer;
      const src = target === null ? {} : target;
      const cancel = S.callbackMember(src, 'cancel', where);
      const flush = S.callbackMember(src, 'flush', where);
      if (src.readableType !== undefined) throw new RangeError(`${where}: Invalid readableType specified`);
      const start = S.callbackMember(src, 'start', where);
      const transform = S.callbackMember(src, 'transform', where);
      if (src.writableType !== undefined) throw new RangeError(`${where}: Invalid writableType specified`);
      const readableHWM = S.extractHighWaterMark(rStrategy, 0);
      const readableSize = S.extractSizeAlgorithm(rStrategy);
      const writableHWM = S.extractHighWaterMark(wStrategy, 1);
      const writableSize = S.extractSizeAlgorithm(wStrategy);
      const startPromise = S.deferred();
      const stream = { __proto__: null, readable: null, writable: null, backpressure: undefined, backpressureChange: undefined, controller: null };
      this.#t = stream;
      initialize(stream, startPromise.promise, writableHWM, writableSize, readableHWM, readableSize);
      const c = setUpController(stream, undefined,
        flush === undefined ? () => S.resolvedWith(undefined) : () => S.promiseCall(flush, target, [stream.controller.obj]),
        cancel === undefined ? () => S.resolvedWith(undefined) : (reason) => S.promiseCall(cancel, target, [reason]));
      c.transformAlgorithm = transform === undefined ? defaultTransform(c) : (chunk) => S.promiseCall(transform, target, [chunk, c.obj]);
      startPromise.resolve(start === undefined ? undefined : S.apply(start, target, [c.obj]));
    }

    get readable() { return this.#t.readable.obj; }
    get writable() { return this.#t.writable.obj; }

    static {
      internals.platformObjectChecks.push((v) => v !== null && typeof v === 'object' && #t in v);
    }
  }

  class TransformStreamDefaultController {
    #c;

    constructor() {
      if (arguments[0] !== kInternal) throw S.illegalConstructor();
      this.#c = arguments[1];
    }

    get desiredSize() { return S.desiredSize(this.#c.stream.readable.controller); }
    enqueue(chunk = undefined) { controllerEnqueue(this.#c, chunk); }
    error(reason = undefined) { transformError(this.#c.stream, reason); }
    terminate() { controllerTerminate(this.#c); }

    static {
      S.wrapTransformController = (record) => new TransformStreamDefaultController(kInternal, record);
    }
  }

  /** An identity TransformStream's two stream records (for Fetch's "create a proxy"). */
  S.createIdentityTransform = () => {
    const stream = { __proto__: null, readable: null, writable: null, backpressure: undefined, backpressureChange: undefined, controller: null };
    initialize(stream, S.resolvedWith(undefined), 1, () => 1, 0, () => 1);
    const c = setUpController(stream, undefined, () => S.resolvedWith(undefined), () => S.resolvedWith(undefined));
    c.transformAlgorithm = defaultTransform(c);
    return { __proto__: null, readable: stream.readable, writable: stream.writable };
  };

  internals.webidlClass(TransformStream, 'TransformStream');
  internals.webidlClass(TransformStreamDefaultController, 'TransformStreamDefaultController');
  internals.define('TransformStream', TransformStream);
  internals.define('TransformStreamDefaultController', TransformStreamDefaultController);
})();
