// node:async_hooks for the isolate's Node.js compatibility set: AsyncLocalStorage
// and AsyncResource, on the bootstrap's async context (boot/10-attribution.js).
//
// How a store is scoped: run(store, fn) makes it current while fn runs; it follows
// into every `then`/`catch`/`finally` callback, timer, queueMicrotask and
// process.nextTick callback scheduled while it is current, and into the `await`
// continuations of the promise fn returns (found on V8's async stack, the way the
// platform attributes log lines to requests). So the store of concurrent requests
// never mixes. What is not covered: an async function started inside run() whose
// promise is neither returned (awaited through the returned chain) nor reached
// through then/timers loses the store after its first `await`; and run() returns,
// for a promise, another promise that settles the same way (not the same object).
'use strict';

const { asyncContext } = isola;

const disabled = new WeakSet();

class AsyncLocalStorage {
  /** The store current for this AsyncLocalStorage, or undefined. */
  getStore() {
    if (disabled.has(this)) return undefined;
    const f = asyncContext.current();
    return f === null ? undefined : f.get(this);
  }
  /** Runs fn(...args) with `store` current (see the head of this file for how far it reaches). */
  run(store, fn, ...args) {
    disabled.delete(this);
    const prev = asyncContext.current();
    const next = new Map(prev === null ? undefined : prev);
    next.set(this, store);
    return runIn(next, fn, undefined, args);
  }
  /** Runs fn(...args) with no store current for this AsyncLocalStorage. */
  exit(fn, ...args) {
    const prev = asyncContext.current();
    if (prev === null || !prev.has(this)) return fn(...args);
    const next = new Map(prev);
    next.delete(this);
    return runIn(next, fn, undefined, args);
  }
  /** Not offered: it would need a store to leak out of the synchronous scope that set it. */
  enterWith() {
    const e = new Error('AsyncLocalStorage.enterWith() is not available in the isolate runtime: use run()');
    e.code = 'ERR_METHOD_NOT_IMPLEMENTED';
    throw e;
  }
  /** getStore() returns undefined until the next run(). */
  disable() { disabled.add(this); }
  /** `fn` bound to the async context current now. */
  static bind(fn) { return AsyncResource.bind(fn); }
  /** A function that runs its argument in the async context current now. */
  static snapshot() {
    const f = asyncContext.current();
    return (fn, ...args) => runIn(f, fn, undefined, args);
  }
}

function runIn(frame, fn, thisArg, args) {
  if (typeof fn !== 'function') throw new TypeError('The "fn" argument must be of type function');
  const r = asyncContext.run(frame, fn, thisArg, args);
  return r instanceof Promise ? asyncContext.track(frame, r) : r;
}

let nextAsyncId = 1;
class AsyncResource {
  #frame; #asyncId;
  constructor(type) {
    if (typeof type !== 'string') throw new TypeError('The "type" argument must be of type string');
    this.type = type;
    this.#frame = asyncContext.current();
    this.#asyncId = nextAsyncId++;
  }
  /** Calls fn with `thisArg` and args in the async context of this resource's creation. */
  runInAsyncScope(fn, thisArg, ...args) { return runIn(this.#frame, fn, thisArg, args); }
  bind(fn, thisArg) {
    if (typeof fn !== 'function') throw new TypeError('The "fn" argument must be of type function');
    const self = this;
    const bound = function (...args) { return self.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args); };
    Object.defineProperty(bound, 'length', { value: fn.length });
    return bound;
  }
  static bind(fn, type, thisArg) { return new AsyncResource(type || 'bound-anonymous-fn').bind(fn, thisArg); }
  emitDestroy() { return this; }
  asyncId() { return this.#asyncId; }
  triggerAsyncId() { return 0; }
}

module.exports = { AsyncLocalStorage, AsyncResource };
