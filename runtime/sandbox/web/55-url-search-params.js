// URLSearchParams (URL Standard §6.2), live-linked to its URL's query.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const usv = internals.toUSVString;

  class URLSearchParams {
    #list = [];
    #url = null; // the URL this object belongs to, if any

    constructor(init = '') {
      // WebIDL: null converts to the record member of the union, i.e. an empty list.
      if (init === null) return;
      if (typeof init === 'object' || typeof init === 'function') {
        const iteratorMethod = init[Symbol.iterator];
        if (iteratorMethod !== undefined && iteratorMethod !== null) {
          if (typeof iteratorMethod !== 'function') throw new TypeError("Failed to construct 'URLSearchParams': The object's @@iterator is not callable.");
          for (const pair of init) {
            if (pair === null || (typeof pair !== 'object' && typeof pair !== 'function') || typeof pair[Symbol.iterator] !== 'function') {
              throw new TypeError("Failed to construct 'URLSearchParams': The provided value cannot be converted to a sequence.");
            }
            const items = [...pair];
            if (items.length !== 2) throw new TypeError("Failed to construct 'URLSearchParams': Sequence initializer must only contain pair elements");
            this.#list.push([usv(items[0]), usv(items[1])]);
          }
        } else {
          for (const key of Reflect.ownKeys(init)) {
            const desc = Reflect.getOwnPropertyDescriptor(init, key);
            if (desc === undefined || !desc.enumerable) continue;
            if (typeof key === 'symbol') throw new TypeError('Cannot convert a Symbol value to a string');
            const name = usv(key);
            const value = usv(init[key]);
            const existing = this.#list.find((entry) => entry[0] === name);
            if (existing) existing[1] = value; else this.#list.push([name, value]);
          }
        }
      } else {
        let s = usv(init);
        if (s.startsWith('?')) s = s.slice(1);
        this.#list = internals.parseFormUrlencoded(s);
      }
    }

    #update() {
      if (this.#url === null) return;
      const serialized = internals.serializeFormUrlencoded(this.#list);
      internals.setURLQueryFromParams(this.#url, serialized === '' ? null : serialized);
    }

    get size() { return this.#list.length; }

    append(name, value) {
      internals.requireArgs(arguments.length, 2, "Failed to execute 'append' on 'URLSearchParams'");
      this.#list.push([usv(name), usv(value)]);
      this.#update();
    }

    delete(name, value = undefined) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'delete' on 'URLSearchParams'");
      name = usv(name);
      if (value !== undefined) {
        value = usv(value);
        this.#list = this.#list.filter((e) => !(e[0] === name && e[1] === value));
      } else {
        this.#list = this.#list.filter((e) => e[0] !== name);
      }
      this.#update();
    }

    get(name) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'get' on 'URLSearchParams'");
      name = usv(name);
      const entry = this.#list.find((e) => e[0] === name);
      return entry ? entry[1] : null;
    }

    getAll(name) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'getAll' on 'URLSearchParams'");
      name = usv(name);
      return this.#list.filter((e) => e[0] === name).map((e) => e[1]);
    }

    has(name, value = undefined) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'has' on 'URLSearchParams'");
      name = usv(name);
      if (value !== undefined) {
        value = usv(value);
        return this.#list.some((e) => e[0] === name && e[1] === value);
      }
      return this.#list.some((e) => e[0] === name);
    }

    set(name, value) {
      internals.requireArgs(arguments.length, 2, "Failed to execute 'set' on 'URLSearchParams'");
      name = usv(name);
      value = usv(value);
      const index = this.#list.findIndex((e) => e[0] === name);
      if (index === -1) {
        this.#list.push([name, value]);
      } else {
        this.#list[index][1] = value;
        this.#list = this.#list.filter((e, i) => i <= index || e[0] !== name);
      }
      this.#update();
    }

    sort() {
      // Stable sort by code units of the name (Array.prototype.sort is stable).
      this.#list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.#update();
    }

    toString() {
      return internals.serializeFormUrlencoded(this.#list);
    }

    static {
      internals.searchParams = {
        isSearchParams: (v) => v !== null && typeof v === 'object' && #list in v,
        getList: (params) => params.#list,
        /** Creates the searchParams object of a URL, with its list parsed from `query`. */
        createForURL(url, query) {
          const params = new URLSearchParams();
          params.#url = url;
          params.#list = query === null ? [] : internals.parseFormUrlencoded(query);
          return params;
        },
        setFromQuery(params, query) {
          params.#list = query === null ? [] : internals.parseFormUrlencoded(query);
        },
      };
    }
  }

  internals.definePairIterable(URLSearchParams, 'URLSearchParams', (params) => {
    if (!internals.searchParams.isSearchParams(params)) throw new TypeError("Value of 'this' must be of type URLSearchParams");
    return internals.searchParams.getList(params);
  });
  internals.webidlClass(URLSearchParams, 'URLSearchParams');
  internals.platformObjectChecks.push(internals.searchParams.isSearchParams);
  internals.define('URLSearchParams', URLSearchParams);
})();
