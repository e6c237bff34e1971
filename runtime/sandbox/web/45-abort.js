// AbortSignal and AbortController (DOM §3.1–3.2).
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { DOMException, Event, EventTarget } = globalThis; // captured so tenant reassignment cannot break us
  const kCreate = Symbol('create');

  class AbortSignal extends EventTarget {
    #aborted = false;
    #reason = undefined;
    #algorithms = new Set();
    #dependents = [];
    #sources = null; // set on signals made by AbortSignal.any()

    constructor(key = undefined) {
      if (key !== kCreate) throw new TypeError('Illegal constructor');
      super();
    }

    get aborted() { return this.#aborted; }
    get reason() { return this.#reason; }

    throwIfAborted() {
      if (this.#aborted) throw this.#reason;
    }

    static abort(reason = undefined) {
      const signal = new AbortSignal(kCreate);
      signal.#aborted = true;
      signal.#reason = reason !== undefined ? reason : new DOMException('This operation was aborted', 'AbortError');
      return signal;
    }

    /** Needs a host-provided globalThis.setTimeout, looked up when called. */
    static timeout(milliseconds) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'timeout' on 'AbortSignal'");
      const ms = Number(milliseconds);
      if (!Number.isFinite(ms) || ms < 0 || ms > Number.MAX_SAFE_INTEGER) {
        throw new TypeError("Failed to execute 'timeout' on 'AbortSignal': Value is outside the 'unsigned long long' value range.");
      }
      const setTimeout = globalThis.setTimeout;
      if (typeof setTimeout !== 'function') throw new TypeError('AbortSignal.timeout is not available: this runtime has no timers');
      const signal = new AbortSignal(kCreate);
      setTimeout(() => {
        signal.#signalAbort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      }, Math.trunc(ms));
      return signal;
    }

    static any(signals) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'any' on 'AbortSignal'");
      if (signals === null || typeof signals !== 'object' || typeof signals[Symbol.iterator] !== 'function') {
        throw new TypeError("Failed to execute 'any' on 'AbortSignal': The provided value cannot be converted to a sequence.");
      }
      const list = [...signals];
      for (const s of list) {
        if (!internals.isAbortSignal(s)) throw new TypeError("Failed to execute 'any' on 'AbortSignal': Failed to convert value to 'AbortSignal'.");
      }
      const result = new AbortSignal(kCreate);
      for (const s of list) {
        if (s.#aborted) {
          result.#aborted = true;
          result.#reason = s.#reason;
          return result;
        }
      }
      // Depend on the original sources, never on other dependent signals (spec's flattening).
      const sources = new Set();
      for (const s of list) {
        if (s.#sources === null) sources.add(s);
        else for (const source of s.#sources) sources.add(source);
      }
      result.#sources = [...sources];
      const ref = new WeakRef(result);
      for (const s of sources) s.#dependents.push(ref);
      return result;
    }

    #signalAbort(reason) {
      if (this.#aborted) return;
      this.#aborted = true;
      this.#reason = reason !== undefined ? reason : new DOMException('This operation was aborted', 'AbortError');
      const dependents = [];
      for (const ref of this.#dependents) {
        const d = ref.deref();
        if (d && !d.#aborted) {
          d.#aborted = true;
          d.#reason = this.#reason;
          dependents.push(d);
        }
      }
      this.#dependents = [];
      this.#runAbortSteps();
      for (const d of dependents) d.#runAbortSteps();
    }

    #runAbortSteps() {
      const algorithms = [...this.#algorithms];
      this.#algorithms.clear();
      for (const algorithm of algorithms) {
        try { algorithm(); } catch (error) { internals.reportError(error); }
      }
      const event = new Event('abort');
      internals.eventState.setTrusted(event);
      EventTarget.prototype.dispatchEvent.call(this, event);
    }

    static {
      internals.isAbortSignal = (v) => v !== null && typeof v === 'object' && #aborted in v;
      /** Runs `algorithm` once when `signal` aborts; returns a function that unregisters it. */
      internals.addAbortAlgorithm = (signal, algorithm) => {
        if (signal.#aborted) return () => {};
        signal.#algorithms.add(algorithm);
        return () => signal.#algorithms.delete(algorithm);
      };
      internals.createAbortSignal = () => new AbortSignal(kCreate);
      internals.signalAbort = (signal, reason) => signal.#signalAbort(reason);
    }
  }

  internals.defineEventHandler(AbortSignal.prototype, 'abort');

  class AbortController {
    #signal = new AbortSignal(kCreate);

    get signal() { return this.#signal; }

    abort(reason = undefined) {
      internals.signalAbort(this.#signal, reason);
    }

    static {
      internals.platformObjectChecks.push((v) => v !== null && typeof v === 'object' && #signal in v);
    }
  }

  internals.webidlClass(AbortSignal, 'AbortSignal');
  internals.webidlClass(AbortController, 'AbortController');
  internals.define('AbortSignal', AbortSignal);
  internals.define('AbortController', AbortController);
})();
