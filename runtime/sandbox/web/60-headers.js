// Headers (Fetch §5.2). Names are stored lowercased; iteration is the spec's
// "sort and combine", with set-cookie values kept separate.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;

  const tokenRe = /^[!#$%&'*+\-.^_\x60|~0-9A-Za-z]+$/;
  // eslint-disable-next-line no-control-regex
  const edgeWhitespace = /^[\t\n\r ]+|[\t\n\r ]+$/g;
  const invalidValue = /[\0\n\r]/;

  function normalizeName(name, where) {
    const s = internals.toByteString(name);
    if (!tokenRe.test(s)) throw new TypeError(`${where}: Invalid header name: "${s}"`);
    return s.toLowerCase();
  }

  function normalizeValue(name, value, where) {
    const s = internals.toByteString(value).replace(edgeWhitespace, '');
    if (invalidValue.test(s)) throw new TypeError(`${where}: Invalid header value for "${name}"`);
    return s;
  }

  class Headers {
    #map = new Map(); // lowercased name -> array of values, in insertion order
    #guard = 'none'; // 'none' | 'immutable'
    #sorted = null; // cached sort-and-combine result

    constructor(init = undefined) {
      if (init === undefined) return;
      if (init === null || (typeof init !== 'object' && typeof init !== 'function')) {
        throw new TypeError("Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
      }
      this.#fill(init);
    }

    #fill(init) {
      const iteratorMethod = init[Symbol.iterator];
      if (iteratorMethod !== undefined && iteratorMethod !== null) {
        if (typeof iteratorMethod !== 'function') throw new TypeError("Failed to construct 'Headers': The object's @@iterator is not callable.");
        for (const pair of init) {
          if (pair === null || (typeof pair !== 'object' && typeof pair !== 'function') || typeof pair[Symbol.iterator] !== 'function') {
            throw new TypeError("Failed to construct 'Headers': The provided value cannot be converted to a sequence.");
          }
          const items = [...pair];
          if (items.length !== 2) throw new TypeError("Failed to construct 'Headers': Invalid value: header pair must contain exactly two items");
          this.#append(items[0], items[1], "Failed to construct 'Headers'");
        }
        return;
      }
      for (const key of Reflect.ownKeys(init)) {
        const desc = Reflect.getOwnPropertyDescriptor(init, key);
        if (desc === undefined || !desc.enumerable) continue;
        if (typeof key === 'symbol') throw new TypeError('Cannot convert a Symbol value to a string');
        this.#append(key, init[key], "Failed to construct 'Headers'");
      }
    }

    #checkMutable(where) {
      if (this.#guard === 'immutable') throw new TypeError(`${where}: Headers are immutable`);
    }

    #append(name, value, where) {
      const lower = normalizeName(name, where);
      const v = normalizeValue(lower, value, where);
      this.#checkMutable(where);
      const values = this.#map.get(lower);
      if (values) values.push(v); else this.#map.set(lower, [v]);
      this.#sorted = null;
    }

    append(name, value) {
      internals.requireArgs(arguments.length, 2, "Failed to execute 'append' on 'Headers'");
      this.#append(name, value, "Failed to execute 'append' on 'Headers'");
    }

    delete(name) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'delete' on 'Headers'");
      const where = "Failed to execute 'delete' on 'Headers'";
      const lower = normalizeName(name, where);
      this.#checkMutable(where);
      if (this.#map.delete(lower)) this.#sorted = null;
    }

    get(name) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'get' on 'Headers'");
      const values = this.#map.get(normalizeName(name, "Failed to execute 'get' on 'Headers'"));
      return values ? values.join(', ') : null;
    }

    getSetCookie() {
      const values = this.#map.get('set-cookie');
      return values ? values.slice() : [];
    }

    has(name) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'has' on 'Headers'");
      return this.#map.has(normalizeName(name, "Failed to execute 'has' on 'Headers'"));
    }

    set(name, value) {
      internals.requireArgs(arguments.length, 2, "Failed to execute 'set' on 'Headers'");
      const where = "Failed to execute 'set' on 'Headers'";
      const lower = normalizeName(name, where);
      const v = normalizeValue(lower, value, where);
      this.#checkMutable(where);
      this.#map.set(lower, [v]);
      this.#sorted = null;
    }

    #sortAndCombine() {
      if (this.#sorted === null) {
        const names = [...this.#map.keys()].sort();
        const out = [];
        for (const name of names) {
          const values = this.#map.get(name);
          if (name === 'set-cookie') for (const v of values) out.push([name, v]);
          else out.push([name, values.join(', ')]);
        }
        this.#sorted = out;
      }
      return this.#sorted;
    }

    static {
      internals.headers = {
        isHeaders: (v) => v !== null && typeof v === 'object' && #map in v,
        sortAndCombine: (h) => h.#sortAndCombine(),
        /** Fills `h` from a HeadersInit, as the Request/Response constructors do. */
        fill: (h, init) => {
          if (init === null || (typeof init !== 'object' && typeof init !== 'function')) {
            throw new TypeError("The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
          }
          h.#fill(init);
        },
        setImmutable: (h) => { h.#guard = 'immutable'; },
        guard: (h) => h.#guard,
        /** Copies the header list of `from` into a new Headers with the given guard. */
        copy: (from, guard = from.#guard) => {
          const h = new Headers();
          for (const [name, values] of from.#map) h.#map.set(name, values.slice());
          h.#guard = guard;
          return h;
        },
        /**
         * Appends a header the platform made (a lowercase token name, a valid value) without the
         * checks append() makes: for a Response's own content-type (67-response.js).
         */
        appendTrusted: (h, name, value) => {
          const values = h.#map.get(name);
          if (values) values.push(value); else h.#map.set(name, [value]);
          h.#sorted = null;
        },
        /** Sets a header bypassing the guard (for the platform's own use). */
        setInternal: (h, name, value) => { h.#map.set(name.toLowerCase(), [value]); h.#sorted = null; },
        /** The header list as [lowercased name, value] pairs, set-cookie values kept separate. */
        list: (h) => {
          const out = [];
          for (const [name, values] of h.#map) for (const v of values) out.push([name, v]);
          return out;
        },
      };
    }
  }

  internals.definePairIterable(Headers, 'Headers', (h) => {
    if (!internals.headers.isHeaders(h)) throw new TypeError("Value of 'this' must be of type Headers");
    return internals.headers.sortAndCombine(h);
  });
  internals.webidlClass(Headers, 'Headers');
  internals.platformObjectChecks.push(internals.headers.isHeaders);
  internals.define('Headers', Headers);
})();
