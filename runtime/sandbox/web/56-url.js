// URL (URL Standard §6.1).
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { states: S, basicParse, serialize, serializePath, origin, hasOpaquePath } = internals.url;
  const sets = internals.percentEncodeSets;
  const usv = internals.toUSVString;

  function parseWithBase(url, base) {
    let baseRecord = null;
    if (base !== undefined) {
      baseRecord = basicParse(usv(base));
      if (baseRecord === null) return null;
    }
    return basicParse(usv(url), baseRecord);
  }

  class URL {
    #url;
    #searchParams = null; // created on first access; invisible to callers

    constructor(url, base = undefined) {
      internals.requireArgs(arguments.length, 1, "Failed to construct 'URL'");
      const record = parseWithBase(url, base);
      if (record === null) {
        const error = new TypeError('Invalid URL');
        error.code = 'ERR_INVALID_URL';
        error.input = usv(url);
        if (base !== undefined) error.base = usv(base);
        throw error;
      }
      this.#url = record;
    }

    static canParse(url, base = undefined) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'canParse' on 'URL'");
      return parseWithBase(url, base) !== null;
    }

    static parse(url, base = undefined) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'parse' on 'URL'");
      const record = parseWithBase(url, base);
      if (record === null) return null;
      return new URL(serialize(record));
    }

    get href() { return serialize(this.#url); }
    set href(value) {
      const record = basicParse(usv(value));
      if (record === null) {
        const error = new TypeError('Invalid URL');
        error.code = 'ERR_INVALID_URL';
        throw error;
      }
      this.#url = record;
      this.#syncSearchParams();
    }

    get origin() { return origin(this.#url); }

    get protocol() { return `${this.#url.scheme}:`; }
    set protocol(value) {
      this.#apply(`${usv(value)}:`, S.SCHEME_START);
    }

    get username() { return this.#url.username; }
    set username(value) {
      if (internals.url.cannotHaveCredentialsOrPort(this.#url)) return;
      this.#url.username = internals.percentEncode(usv(value), sets.userinfo);
    }

    get password() { return this.#url.password; }
    set password(value) {
      if (internals.url.cannotHaveCredentialsOrPort(this.#url)) return;
      this.#url.password = internals.percentEncode(usv(value), sets.userinfo);
    }

    get host() {
      const { host, port } = this.#url;
      if (host === null) return '';
      return port === null ? host : `${host}:${port}`;
    }
    set host(value) {
      if (hasOpaquePath(this.#url)) return;
      this.#apply(usv(value), S.HOST);
    }

    get hostname() { return this.#url.host ?? ''; }
    set hostname(value) {
      if (hasOpaquePath(this.#url)) return;
      this.#apply(usv(value), S.HOSTNAME);
    }

    get port() { return this.#url.port === null ? '' : String(this.#url.port); }
    set port(value) {
      if (internals.url.cannotHaveCredentialsOrPort(this.#url)) return;
      value = usv(value);
      if (value === '') this.#url.port = null;
      else this.#apply(value, S.PORT);
    }

    get pathname() { return serializePath(this.#url); }
    set pathname(value) {
      if (hasOpaquePath(this.#url)) return;
      this.#url.path = [];
      basicParse(usv(value), null, this.#url, S.PATH_START);
    }

    get search() {
      const { query } = this.#url;
      return query === null || query === '' ? '' : `?${query}`;
    }
    set search(value) {
      value = usv(value);
      if (value === '') {
        this.#url.query = null;
        this.#syncSearchParams();
        internals.url.stripTrailingSpacesFromOpaquePath(this.#url);
        return;
      }
      const input = value.startsWith('?') ? value.slice(1) : value;
      this.#url.query = '';
      basicParse(input, null, this.#url, S.QUERY);
      this.#syncSearchParams();
    }

    get searchParams() {
      if (this.#searchParams === null) this.#searchParams = internals.searchParams.createForURL(this, this.#url.query);
      return this.#searchParams;
    }

    #syncSearchParams() {
      if (this.#searchParams !== null) internals.searchParams.setFromQuery(this.#searchParams, this.#url.query);
    }

    get hash() {
      const { fragment } = this.#url;
      return fragment === null || fragment === '' ? '' : `#${fragment}`;
    }
    set hash(value) {
      value = usv(value);
      if (value === '') {
        this.#url.fragment = null;
        internals.url.stripTrailingSpacesFromOpaquePath(this.#url);
        return;
      }
      const input = value.startsWith('#') ? value.slice(1) : value;
      this.#url.fragment = '';
      basicParse(input, null, this.#url, S.FRAGMENT);
    }

    toString() { return serialize(this.#url); }
    toJSON() { return serialize(this.#url); }

    /** Runs the basic URL parser over this URL with a state override; a failure leaves what was already set, as the spec does. */
    #apply(input, stateOverride) {
      basicParse(input, null, this.#url, stateOverride);
    }

    static {
      internals.isURL = (v) => v !== null && typeof v === 'object' && #url in v;
      internals.setURLQueryFromParams = (url, query) => {
        url.#url.query = query;
        if (query === null) internals.url.stripTrailingSpacesFromOpaquePath(url.#url);
      };
      /** The URL record behind a URL object (read-only use). */
      internals.urlRecord = (url) => url.#url;
    }
  }

  internals.webidlClass(URL, 'URL');
  internals.platformObjectChecks.push(internals.isURL);
  internals.define('URL', URL);
})();
