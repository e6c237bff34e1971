// Request (Fetch §5.4). No network semantics here: fetch() is the host's.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { Headers, AbortSignal } = globalThis; // captured so tenant reassignment cannot break us
  const H = internals.headers;
  // Captured at load: the lazy header parse runs after tenant code could have replaced these.
  const JSONparse = JSON.parse;
  const isArray = Array.isArray;
  const ReflectApply = Reflect.apply;
  const HeadersAppend = Headers.prototype.append;
  const B = internals.body;

  const tokenRe = /^[!#$%&'*+\-.^_\x60|~0-9A-Za-z]+$/;
  const normalizedMethods = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
  const forbiddenMethods = new Set(['CONNECT', 'TRACE', 'TRACK']);
  const enums = {
    referrerPolicy: ['', 'no-referrer', 'no-referrer-when-downgrade', 'same-origin', 'origin', 'strict-origin', 'origin-when-cross-origin', 'strict-origin-when-cross-origin', 'unsafe-url'],
    mode: ['navigate', 'same-origin', 'no-cors', 'cors'],
    credentials: ['omit', 'same-origin', 'include'],
    cache: ['default', 'no-store', 'reload', 'no-cache', 'force-cache', 'only-if-cached'],
    redirect: ['follow', 'error', 'manual'],
    duplex: ['half'],
    priority: ['high', 'low', 'auto'],
  };

  const fail = (message) => new TypeError(`Failed to construct 'Request': ${message}`);

  function enumMember(init, key) {
    const value = init[key];
    if (value === undefined) return undefined;
    const s = internals.toDOMString(value);
    if (!enums[key].includes(s)) throw fail(`The provided value '${s}' is not a valid enum value of type Request${key[0].toUpperCase()}${key.slice(1)}.`);
    return s;
  }

  function parseURL(input) {
    const record = internals.url.basicParse(internals.toUSVString(input));
    if (record === null) throw fail(`Invalid URL: ${input}`);
    return record;
  }

  /** Returns a signal that aborts when `parent` does (the spec's "follow"). */
  const followSignal = (parent) => (parent ? AbortSignal.any([parent]) : internals.createAbortSignal());

  /**
   * The host's incoming requests (internals.requestFromHost): the URL's parse is cached by its
   * text (the same few URLs repeat), the header list is parsed into a Headers object on first
   * use only (most handlers never read it).
   */
  let fromHost = null;
  const hostUrls = new Map();
  const HOST_URL_CACHE = 256;
  function hostUrl(input) {
    let url = hostUrls.get(input);
    if (url !== undefined) return url;
    const record = parseURL(input);
    if (internals.url.includesCredentials(record)) throw fail(`Request cannot be constructed from a URL that includes credentials: ${input}`);
    url = internals.url.serialize(record);
    if (hostUrls.size >= HOST_URL_CACHE) hostUrls.clear();
    hostUrls.set(input, url);
    return url;
  }
  function hostMethod(method) {
    // GET, POST…: already what the checks below would return.
    if (normalizedMethods.has(method)) return method;
    if (typeof method !== 'string' || !tokenRe.test(method)) throw fail(`'${method}' is not a valid HTTP method.`);
    const upper = method.toUpperCase();
    if (forbiddenMethods.has(upper)) throw fail(`'${method}' HTTP method is unsupported.`);
    return normalizedMethods.has(upper) ? upper : method;
  }

  class Request {
    #state; // { method, url, referrer, referrerPolicy, mode, credentials, cache, redirect, integrity, keepalive, duplex }
    #headers;
    /** Header pairs (or their JSON) not parsed into #headers yet (host requests only). */
    #rawHeaders = null;
    #body = null;
    /** null until first read for a host request (a signal nobody can abort, made lazily). */
    #signal;

    constructor(input, init = {}) {
      if (fromHost !== null) {
        const f = fromHost;
        fromHost = null;
        this.#state = f.state;
        this.#headers = null;
        this.#rawHeaders = f.headers;
        this.#body = f.body;
        // Made on first use (a host request's signal is never aborted by the platform).
        this.#signal = null;
        return;
      }
      internals.requireArgs(arguments.length, 1, "Failed to construct 'Request'");
      if (init !== undefined && init !== null && typeof init !== 'object' && typeof init !== 'function') {
        throw fail("The provided value is not of type 'RequestInit'.");
      }
      init = init ?? {};
      let state;
      let parentSignal = null;
      let inputRequest = null;

      if (internals.isRequest(input)) {
        inputRequest = input;
        state = { ...input.#state };
        parentSignal = input.#signal;
      } else {
        const record = parseURL(input);
        if (internals.url.includesCredentials(record)) throw fail(`Request cannot be constructed from a URL that includes credentials: ${input}`);
        state = {
          method: 'GET', url: internals.url.serialize(record), referrer: 'about:client', referrerPolicy: '', mode: 'cors',
          credentials: 'same-origin', cache: 'default', redirect: 'follow', integrity: '', keepalive: false, duplex: 'half',
        };
      }

      const initKeys = ['body', 'cache', 'credentials', 'headers', 'integrity', 'keepalive', 'method', 'mode', 'priority',
        'redirect', 'referrer', 'referrerPolicy', 'signal', 'window', 'duplex'];
      const initNotEmpty = initKeys.some((key) => init[key] !== undefined);
      if (initNotEmpty) {
        if (state.mode === 'navigate') state.mode = 'same-origin';
        state.referrer = 'about:client';
        state.referrerPolicy = '';
      }
      if (init.window !== undefined && init.window !== null) throw fail("'window' option must be null");

      if (init.referrer !== undefined) {
        const referrer = internals.toUSVString(init.referrer);
        if (referrer === '') {
          state.referrer = '';
        } else {
          const parsed = internals.url.basicParse(referrer);
          if (parsed === null) throw fail(`Referrer "${referrer}" is not a valid URL.`);
          state.referrer = internals.url.serialize(parsed);
        }
      }
      state.referrerPolicy = enumMember(init, 'referrerPolicy') ?? state.referrerPolicy;
      const mode = enumMember(init, 'mode');
      if (mode === 'navigate') throw fail("Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'.");
      if (mode !== undefined) state.mode = mode;
      state.credentials = enumMember(init, 'credentials') ?? state.credentials;
      state.cache = enumMember(init, 'cache') ?? state.cache;
      if (state.cache === 'only-if-cached' && state.mode !== 'same-origin') throw fail("'only-if-cached' can be set only with 'same-origin' mode");
      state.redirect = enumMember(init, 'redirect') ?? state.redirect;
      if (init.integrity !== undefined) state.integrity = internals.toDOMString(init.integrity);
      if (init.keepalive !== undefined) state.keepalive = Boolean(init.keepalive);
      enumMember(init, 'priority');
      state.duplex = enumMember(init, 'duplex') ?? state.duplex;

      if (init.method !== undefined) {
        const method = internals.toByteString(init.method);
        if (!tokenRe.test(method)) throw fail(`'${method}' is not a valid HTTP method.`);
        const upper = method.toUpperCase();
        if (forbiddenMethods.has(upper)) throw fail(`'${method}' HTTP method is unsupported.`);
        state.method = normalizedMethods.has(upper) ? upper : method;
      }

      if (init.signal !== undefined) {
        if (init.signal !== null && !internals.isAbortSignal(init.signal)) {
          throw fail("member signal is not of type AbortSignal.");
        }
        parentSignal = init.signal;
      }

      this.#state = state;
      this.#signal = followSignal(parentSignal);

      if (init.headers !== undefined) {
        this.#headers = new Headers();
        H.fill(this.#headers, init.headers);
      } else {
        this.#headers = inputRequest ? H.copy(inputRequest.#ownHeaders(), 'none') : new Headers();
      }
      if (state.mode === 'no-cors' && !['GET', 'HEAD', 'POST'].includes(state.method)) {
        throw fail(`'${state.method}' is unsupported in no-cors mode.`);
      }

      const inputBody = inputRequest ? inputRequest.#body : null;
      const hasInitBody = init.body !== undefined && init.body !== null;
      if ((hasInitBody || inputBody !== null) && (state.method === 'GET' || state.method === 'HEAD')) {
        throw fail('Request with GET/HEAD method cannot have body.');
      }
      const streamModeCheck = () => {
        if (state.mode !== 'same-origin' && state.mode !== 'cors') throw fail("Request with a ReadableStream body must have mode 'same-origin' or 'cors'.");
      };
      if (hasInitBody) {
        const { body, type } = B.extract(init.body, state.keepalive);
        if (body.source === 'stream') {
          if (init.duplex === undefined) throw fail('RequestInit: duplex option is required when sending a body.');
          streamModeCheck();
        }
        this.#body = body;
        if (type !== null && !this.#headers.has('content-type')) this.#headers.append('content-type', type);
      } else if (inputBody !== null) {
        if (inputBody.source === 'stream') streamModeCheck();
        if (B.isUnusable(inputBody)) throw fail('Cannot construct a Request with a Request object that has already been used.');
        // The new request takes the body over; the input becomes disturbed.
        this.#body = B.takeOver(inputBody);
      }
    }

    get method() { return this.#state.method; }
    get url() { return this.#state.url; }
    get headers() { return this.#headers === null ? this.#ownHeaders() : this.#headers; }

    /** #headers, parsed from the host's header list on first use. */
    #ownHeaders() {
      if (this.#headers !== null) return this.#headers;
      const raw = this.#rawHeaders;
      this.#rawHeaders = null;
      const h = new Headers();
      let pairs = raw;
      try { if (typeof raw === 'string') pairs = JSONparse(raw); } catch { pairs = null; }
      if (isArray(pairs)) {
        try {
          H.fill(h, pairs);
        } catch {
          // A value the Headers class rejects (the gateway validated them): keep the valid pairs.
          for (let i = 0; i < pairs.length; i++) {
            const p = pairs[i];
            try { ReflectApply(HeadersAppend, h, [p[0], p[1]]); } catch { /* dropped */ }
          }
        }
      }
      this.#headers = h;
      return h;
    }
    get destination() { return ''; }
    get referrer() {
      const { referrer } = this.#state;
      return referrer === 'no-referrer' ? '' : referrer;
    }
    get referrerPolicy() { return this.#state.referrerPolicy; }
    get mode() { return this.#state.mode; }
    get credentials() { return this.#state.credentials; }
    get cache() { return this.#state.cache; }
    get redirect() { return this.#state.redirect; }
    get integrity() { return this.#state.integrity; }
    get keepalive() { return this.#state.keepalive; }
    get isReloadNavigation() { return false; }
    get isHistoryNavigation() { return false; }
    get signal() {
      if (this.#signal === null) this.#signal = internals.createAbortSignal();
      return this.#signal;
    }
    get duplex() { return this.#state.duplex; }

    clone() {
      if (this.#body !== null && B.isUnusable(this.#body)) throw new TypeError("Failed to execute 'clone' on 'Request': Request body is already used");
      const copy = new Request(this.#state.url);
      copy.#state = { ...this.#state };
      copy.#headers = H.copy(this.#ownHeaders());
      copy.#body = this.#body === null ? null : B.cloneBody(this.#body);
      copy.#signal = followSignal(this.#signal);
      return copy;
    }

    static {
      /**
       * A Request for an incoming call: `headers` = [name, value] pairs or their JSON (parsed on
       * first use), `body` = a Uint8Array, a ReadableStream or null.
       */
      internals.requestFromHost = (method, url, headers, body) => {
        const m = hostMethod(method);
        const state = {
          method: m, url: hostUrl(url), referrer: 'about:client', referrerPolicy: '', mode: 'cors',
          credentials: 'same-origin', cache: 'default', redirect: 'follow', integrity: '', keepalive: false, duplex: 'half',
        };
        let b = null;
        if (body !== null && body !== undefined) {
          if (m === 'GET' || m === 'HEAD') throw fail('Request with GET/HEAD method cannot have body.');
          b = B.extract(body, false).body;
        }
        fromHost = { state, headers, body: b };
        try {
          return new Request('');
        } finally {
          fromHost = null;
        }
      };
      internals.isRequest = (v) => v !== null && typeof v === 'object' && #state in v;
      internals.requestBody = (r) => {
        if (!internals.isRequest(r)) throw new TypeError("Value of 'this' must be of type Request");
        return r.#body;
      };
    }
  }

  B.mixin(Request, internals.requestBody);
  internals.webidlClass(Request, 'Request');
  internals.platformObjectChecks.push(internals.isRequest);
  internals.define('Request', Request);
})();
