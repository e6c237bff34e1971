// Streams Standard, shared machinery: promise helpers, queue-with-sizes,
// strategy extraction, and the CountQueuingStrategy / ByteLengthQueuingStrategy
// globals. The stream files (71-77) implement the spec's abstract operations on
// plain null-prototype records; the public classes only wrap a record. Every
// operation is published on internals.streams (here: `S`).
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { Promise, TypeError, RangeError } = globalThis;
  const apply = Reflect.apply;
  const promiseThen = Promise.prototype.then;
  const promiseResolve = Promise.resolve.bind(Promise);
  const promiseReject = Promise.reject.bind(Promise);
  const noop = () => {};

  const S = Object.create(null);
  S.apply = apply;
  S.noop = noop;

  /** A promise with its resolving functions and an observable state ('pending'|'fulfilled'|'rejected'). */
  S.deferred = function deferred() {
    const d = { __proto__: null, promise: null, state: 'pending', resolve: null, reject: null };
    let res;
    let rej;
    d.promise = new Promise((a, b) => { res = a; rej = b; });
    d.resolve = (v) => { if (d.state === 'pending') { d.state = 'fulfilled'; res(v); } };
    d.reject = (e) => { if (d.state === 'pending') { d.state = 'rejected'; rej(e); } };
    return d;
  };
  S.resolvedDeferred = (v) => { const d = S.deferred(); d.resolve(v); return d; };
  S.rejectedDeferred = (e) => { const d = S.deferred(); d.reject(e); S.setHandled(d.promise); return d; };
  S.resolvedWith = (v) => promiseResolve(v);
  S.rejectedWith = (e) => promiseReject(e);
  S.then = (p, onFulfilled, onRejected) => apply(promiseThen, p, [onFulfilled, onRejected]);
  /** Spec "mark as handled": no unhandled-rejection report for p. */
  S.setHandled = (p) => { apply(promiseThen, p, [undefined, noop]); };
  /** Spec "react to": the reaction's own result is ignored. */
  S.upon = (p, onFulfilled, onRejected) => { S.setHandled(S.then(p, onFulfilled, onRejected)); };
  /** Calls fn and returns a promise for its result (a throw becomes a rejection). */
  S.promiseCall = (fn, thisArg, args) => {
    try { return promiseResolve(apply(fn, thisArg, args)); } catch (e) { return promiseReject(e); }
  };
  /** Runs fn in a microtask. */
  S.microtask = (fn) => { S.upon(promiseResolve(undefined), fn); };

  S.isObject = (v) => (v !== null && typeof v === 'object') || typeof v === 'function';

  /** WebIDL dictionary conversion prologue: undefined/null give an empty dictionary. */
  S.dictionary = (value, where) => {
    if (value === undefined || value === null) return {};
    if (!S.isObject(value)) throw new TypeError(`${where}: The provided value is not an object.`);
    return value;
  };
  /** Reads an optional callback member: undefined, or a function (else TypeError). */
  S.callbackMember = (dict, name, where) => {
    const value = dict[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'function') throw new TypeError(`${where}: member ${name} is not a function.`);
    return value;
  };

  // ---- Queue-with-sizes (an O(1) FIFO of { value, size } pairs on a container record).
  S.newQueue = () => ({ __proto__: null, items: [], head: 0 });
  S.queueLength = (q) => q.items.length - q.head;
  S.queuePush = (q, v) => { q.items[q.items.length] = v; };
  S.queueShift = (q) => {
    const v = q.items[q.head];
    q.items[q.head++] = undefined;
    if (q.head === q.items.length) { q.items = []; q.head = 0; } else if (q.head > 1024 && q.head * 2 > q.items.length) {
      q.items = q.items.slice(q.head);
      q.head = 0;
    }
    return v;
  };
  S.queuePeek = (q) => q.items[q.head];

  S.enqueueValueWithSize = (container, value, size) => {
    if (typeof size !== 'number' || size !== size || size < 0) throw new RangeError('The queuing strategy size must be a non-negative number.');
    if (size === Infinity) throw new RangeError('The queuing strategy size must be finite.');
    S.queuePush(container.queue, { __proto__: null, value, size });
    container.queueTotalSize += size;
  };
  S.dequeueValue = (container) => {
    const pair = S.queueShift(container.queue);
    container.queueTotalSize -= pair.size;
    if (container.queueTotalSize < 0) container.queueTotalSize = 0;
    return pair.value;
  };
  S.peekQueueValue = (container) => S.queuePeek(container.queue).value;
  S.resetQueue = (container) => { container.queue = S.newQueue(); container.queueTotalSize = 0; };

  // ---- Queuing strategies.
  /** Converts a QueuingStrategy dictionary; reads highWaterMark then size, as WebIDL does. */
  S.strategy = (value, where) => {
    const dict = S.dictionary(value, where);
    const hwm = dict.highWaterMark;
    const highWaterMark = hwm === undefined ? undefined : Number(hwm);
    const size = S.callbackMember(dict, 'size', where);
    return { __proto__: null, highWaterMark, size };
  };
  S.extractHighWaterMark = (strategy, defaultHWM) => {
    if (strategy.highWaterMark === undefined) return defaultHWM;
    const hwm = strategy.highWaterMark;
    if (hwm !== hwm || hwm < 0) throw new RangeError('Invalid highWaterMark: must be a non-negative number.');
    return hwm;
  };
  S.extractSizeAlgorithm = (strategy) => {
    const { size } = strategy;
    if (size === undefined) return () => 1;
    return (chunk) => apply(size, undefined, [chunk]);
  };

  function strategyInit(init, where) {
    internals.requireArgs(init === undefined ? 0 : 1, 1, where);
    const dict = S.dictionary(init, where);
    if (dict.highWaterMark === undefined) {
      throw new TypeError(`${where}: Failed to read the 'highWaterMark' property from 'QueuingStrategyInit': Required member is undefined.`);
    }
    return Number(dict.highWaterMark);
  }

  // The size functions are created once per realm, as the spec says.
  const countSize = { size() { return 1; } }.size;
  const byteLengthSize = { size(chunk) { return chunk.byteLength; } }.size;

  class CountQueuingStrategy {
    #highWaterMark;
    constructor(init) { this.#highWaterMark = strategyInit(init, "Failed to construct 'CountQueuingStrategy'"); }
    get highWaterMark() { return this.#highWaterMark; }
    get size() { this.#highWaterMark; return countSize; } // eslint-disable-line no-unused-expressions
    static { internals.platformObjectChecks.push((v) => v !== null && typeof v === 'object' && #highWaterMark in v); }
  }

  class ByteLengthQueuingStrategy {
    #highWaterMark;
    constructor(init) { this.#highWaterMark = strategyInit(init, "Failed to construct 'ByteLengthQueuingStrategy'"); }
    get highWaterMark() { return this.#highWaterMark; }
    get size() { this.#highWaterMark; return byteLengthSize; } // eslint-disable-line no-unused-expressions
    static { internals.platformObjectChecks.push((v) => v !== null && typeof v === 'object' && #highWaterMark in v); }
  }

  /** The error for `new` on interfaces without a public constructor (controllers). */
  S.illegalConstructor = () => new TypeError('Illegal constructor');
  /** First constructor argument that makes the platform classes wrap an existing record (never reachable by tenants). */
  S.kInternal = Symbol('internal construction');

  internals.streams = S;
  internals.webidlClass(CountQueuingStrategy, 'CountQueuingStrategy');
  internals.webidlClass(ByteLengthQueuingStrategy, 'ByteLengthQueuingStrategy');
  internals.define('CountQueuingStrategy', CountQueuingStrategy);
  internals.define('ByteLengthQueuingStrategy', ByteLengthQueuingStrategy);
})();
