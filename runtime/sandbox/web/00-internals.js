// Shared, privileged helpers for the files that follow. Lives on globalThis
// only while the web files load; 99-seal.js deletes it, so tenant code never
// sees it. Files capture the object at their top, before sealing.
(function () {
  'use strict';

  const internals = Object.create(null);
  const { Uint8Array } = globalThis;

  /** Installs a global the Web way: writable, configurable, not enumerable. */
  internals.define = function define(name, value) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  };

  /** Makes a class look like a WebIDL interface: members enumerable, toStringTag set. */
  internals.webidlClass = function webidlClass(Class, tag) {
    for (const target of [Class.prototype, Class]) {
      for (const key of Object.getOwnPropertyNames(target)) {
        if (key === 'constructor' || key === 'prototype' || key === 'length' || key === 'name') continue;
        const desc = Object.getOwnPropertyDescriptor(target, key);
        if (desc.configurable) { desc.enumerable = true; Object.defineProperty(target, key, desc); }
      }
    }
    Object.defineProperty(Class.prototype, Symbol.toStringTag, { value: tag, writable: false, enumerable: false, configurable: true });
  };

  internals.requireArgs = function requireArgs(given, needed, where) {
    if (given < needed) {
      throw new TypeError(`${where}: ${needed} argument${needed > 1 ? 's' : ''} required, but only ${given} present.`);
    }
  };

  const loneSurrogates = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
  /** WebIDL USVString conversion: ToString, then lone surrogates become U+FFFD. */
  internals.toUSVString = function toUSVString(value) {
    if (typeof value === 'symbol') throw new TypeError('Cannot convert a Symbol value to a string');
    const s = `${value}`;
    return typeof s.toWellFormed === 'function' ? s.toWellFormed() : s.replace(loneSurrogates, '\uFFFD');
  };

  /** WebIDL DOMString conversion. */
  internals.toDOMString = function toDOMString(value) {
    if (typeof value === 'symbol') throw new TypeError('Cannot convert a Symbol value to a string');
    return `${value}`;
  };

  /** WebIDL ByteString conversion: every code unit must be <= 0xFF. */
  internals.toByteString = function toByteString(value) {
    const s = internals.toDOMString(value);
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) > 0xff) throw new TypeError(`Cannot convert argument to a ByteString because the character at index ${i} has a value of ${s.charCodeAt(i)} which is greater than 255.`);
    }
    return s;
  };

  // Brand checks that cannot be fooled by Symbol.toStringTag or prototypes.
  const abByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
  const sabByteLength = typeof SharedArrayBuffer === 'function'
    ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get : null;
  const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;
  const dataViewByteLength = Object.getOwnPropertyDescriptor(DataView.prototype, 'byteLength').get;

  internals.isArrayBuffer = function isArrayBuffer(v) {
    try { abByteLength.call(v); return true; } catch { return false; }
  };
  internals.isSharedArrayBuffer = function isSharedArrayBuffer(v) {
    if (!sabByteLength) return false;
    try { sabByteLength.call(v); return true; } catch { return false; }
  };
  /** Name of the typed array constructor ('Uint8Array'…) or undefined. */
  internals.typedArrayName = function typedArrayName(v) { return typedArrayTag.call(v); };
  internals.isDataView = function isDataView(v) {
    try { dataViewByteLength.call(v); return true; } catch { return false; }
  };

  /** A Uint8Array viewing (not copying) the bytes of a BufferSource, or null if v is not one. */
  internals.viewBufferSource = function viewBufferSource(v) {
    if (v === null || typeof v !== 'object') return null;
    if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    if (internals.isArrayBuffer(v) || internals.isSharedArrayBuffer(v)) return new Uint8Array(v);
    return null;
  };

  internals.IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

  /**
   * Gives an interface WebIDL pair-iterator members (entries/keys/values/forEach/@@iterator).
   * getPairs(instance) is called on every step so iteration sees live changes, as WebIDL specifies.
   */
  internals.definePairIterable = function definePairIterable(Class, tag, getPairs) {
    const state = new WeakMap();
    const iteratorPrototype = Object.create(internals.IteratorPrototype);
    Object.defineProperty(iteratorPrototype, 'next', {
      value: function next() {
        const s = state.get(this);
        if (!s) throw new TypeError(`next method called on incompatible ${tag} receiver`);
        if (s.done) return { value: undefined, done: true };
        const pairs = getPairs(s.target);
        if (s.index >= pairs.length) { s.done = true; return { value: undefined, done: true }; }
        const [k, v] = pairs[s.index++];
        const value = s.kind === 'key' ? k : s.kind === 'value' ? v : [k, v];
        return { value, done: false };
      },
      writable: true, enumerable: true, configurable: true,
    });
    Object.defineProperty(iteratorPrototype, Symbol.toStringTag, { value: `${tag} Iterator`, configurable: true });
    const make = (kind) => function () {
      getPairs(this); // brand check
      const it = Object.create(iteratorPrototype);
      state.set(it, { target: this, kind, index: 0, done: false });
      return it;
    };
    const methods = {
      entries: make('key+value'),
      keys: make('key'),
      values: make('value'),
      forEach(callback, thisArg = undefined) {
        getPairs(this);
        if (typeof callback !== 'function') throw new TypeError(`${tag}.forEach: callback is not a function`);
        for (let i = 0; ; i++) {
          const pairs = getPairs(this);
          if (i >= pairs.length) break;
          callback.call(thisArg, pairs[i][1], pairs[i][0], this);
        }
      },
    };
    for (const name of ['entries', 'keys', 'values', 'forEach']) {
      Object.defineProperty(methods[name], 'name', { value: name });
      Object.defineProperty(Class.prototype, name, { value: methods[name], writable: true, enumerable: true, configurable: true });
    }
    Object.defineProperty(Class.prototype, Symbol.iterator, { value: methods.entries, writable: true, enumerable: false, configurable: true });
  };

  /**
   * Reports an exception thrown by a callback that must not propagate (event listeners,
   * queueMicrotask). Uses a host-provided globalThis.reportError when present at call
   * time, else rethrows from a rejected promise so it surfaces as an unhandled rejection.
   */
  internals.reportError = function reportError(error) {
    const host = globalThis.reportError;
    if (typeof host === 'function') {
      try { host(error); return; } catch { /* fall through */ }
    }
    Promise.reject(error);
  };

  /** Brand checks of objects structuredClone must refuse (platform objects); filled by later files. */
  internals.platformObjectChecks = [];

  Object.defineProperty(globalThis, '__isolaWebInternals', { value: internals, writable: false, enumerable: false, configurable: true });
})();
