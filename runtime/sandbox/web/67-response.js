// Response (Fetch §5.5), plus the Cloudflare Workers `webSocket` extension:
// new Response(null, { status: 101, webSocket: client }) hands the client end
// of a WebSocketPair (80-websocket.js) to the platform.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { Headers } = globalThis; // captured so tenant reassignment cannot break us
  const H = internals.headers;
  const B = internals.body;

  const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);
  const redirectStatuses = new Set([301, 302, 303, 307, 308]);
  const reasonPhrase = /^[\t\x20-\x7e\x80-\xff]*$/;
  const kInternal = Symbol('internal');
  // The content types extract() and Response.json() make themselves: valid header values as they are.
  const platformTypes = new Set(['text/plain;charset=UTF-8', 'application/json', 'application/x-www-form-urlencoded;charset=UTF-8']);

  // WebIDL unsigned short conversion.
  function toUint16(value) {
    const n = Number(value);
    if (!Number.isFinite(n)) return 0;
    const t = Math.trunc(n) % 65536;
    return t < 0 ? t + 65536 : t;
  }

  class Response {
    #type = 'default';
    #status = 200;
    #statusText = '';
    #urlList = [];
    #headers;
    #body = null;
    #webSocket = null;

    constructor(body = null, init = {}) {
      this.#headers = new Headers();
      if (body === kInternal) return;
      if (init !== undefined && init !== null && typeof init !== 'object' && typeof init !== 'function') {
        throw new TypeError("Failed to construct 'Response': The provided value is not of type 'ResponseInit'.");
      }
      const extracted = body === null || body === undefined ? null : B.extract(body);
      this.#initialize(init ?? {}, extracted, "Failed to construct 'Response'");
    }

    /** Fetch's "initialize a response". */
    #initialize(init, extracted, where) {
      const status = init.status === undefined ? 200 : toUint16(init.status);
      // WebSocket is defined by a later file (80-websocket.js): its brand check is looked up on the
      // internals object when used (that object is unreachable from tenant code).
      const webSocket = init.webSocket === undefined || init.webSocket === null ? null : init.webSocket;
      if (webSocket !== null && !(typeof internals.isWebSocket === 'function' && internals.isWebSocket(webSocket))) {
        throw new TypeError(`${where}: Failed to read the 'webSocket' property from 'ResponseInit': The provided value is not of type 'WebSocket'.`);
      }
      if (webSocket !== null) {
        // As on Workers: a WebSocket handshake response is a 101, and only it may be one.
        if (status !== 101) throw new RangeError(`${where}: Responses with a WebSocket must have status code 101.`);
      } else if (status < 200 || status > 599) {
        throw new RangeError(`${where}: The status provided (${status}) is outside the range [200, 599].`);
      }
      const statusText = init.statusText === undefined ? '' : internals.toByteString(init.statusText);
      if (!reasonPhrase.test(statusText)) throw new TypeError(`${where}: Invalid statusText`);
      this.#status = status;
      this.#statusText = statusText;
      if (init.headers !== undefined) H.fill(this.#headers, init.headers);
      if (extracted !== null) {
        if (nullBodyStatuses.has(status)) throw new TypeError(`${where}: Response with null body status cannot have body`);
        this.#body = extracted.body;
        if (extracted.type !== null) {
          // With no init headers the list is empty, and a type of the platform's own needs no check
          // (the checks cost more than the rest of a hello Response).
          if (init.headers === undefined && platformTypes.has(extracted.type)) H.appendTrusted(this.#headers, 'content-type', extracted.type);
          else if (!this.#headers.has('content-type')) this.#headers.append('content-type', extracted.type);
        }
      }
      this.#webSocket = webSocket;
    }

    static error() {
      const response = new Response(kInternal);
      response.#type = 'error';
      response.#status = 0;
      H.setImmutable(response.#headers);
      return response;
    }

    static redirect(url, status = 302) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'redirect' on 'Response'");
      const record = internals.url.basicParse(internals.toUSVString(url));
      if (record === null) throw new TypeError(`Failed to execute 'redirect' on 'Response': Invalid URL: ${url}`);
      const code = toUint16(status);
      if (!redirectStatuses.has(code)) throw new RangeError(`Failed to execute 'redirect' on 'Response': Invalid status code ${code}`);
      const response = new Response(kInternal);
      response.#status = code;
      H.setInternal(response.#headers, 'location', internals.url.serialize(record));
      H.setImmutable(response.#headers);
      return response;
    }

    static json(data, init = {}) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'json' on 'Response'");
      const text = JSON.stringify(data);
      if (text === undefined) throw new TypeError("Failed to execute 'json' on 'Response': The data is not JSON serializable");
      if (init !== undefined && init !== null && typeof init !== 'object' && typeof init !== 'function') {
        throw new TypeError("Failed to execute 'json' on 'Response': The provided value is not of type 'ResponseInit'.");
      }
      const response = new Response(kInternal);
      response.#initialize(init ?? {}, { body: B.fromBytes(internals.utf8Encode(text)), type: 'application/json' }, "Failed to execute 'json' on 'Response'");
      return response;
    }

    get type() { return this.#type; }
    get url() {
      const last = this.#urlList[this.#urlList.length - 1];
      return last === undefined ? '' : internals.url.serialize({ ...last, fragment: null });
    }
    get redirected() { return this.#urlList.length > 1; }
    get status() { return this.#status; }
    get ok() { return this.#status >= 200 && this.#status <= 299; }
    get statusText() { return this.#statusText; }
    get headers() { return this.#headers; }
    /** Workers extension: the WebSocket given as init.webSocket, else null. */
    get webSocket() { return this.#webSocket; }

    clone() {
      // As on Workers: the WebSocket can only go to the platform once.
      if (this.#webSocket !== null) throw new TypeError("Failed to execute 'clone' on 'Response': Cannot clone a response to a WebSocket handshake.");
      if (this.#body !== null && B.isUnusable(this.#body)) throw new TypeError("Failed to execute 'clone' on 'Response': Response body is already used");
      const copy = new Response(kInternal);
      copy.#type = this.#type;
      copy.#status = this.#status;
      copy.#statusText = this.#statusText;
      copy.#urlList = this.#urlList.slice();
      copy.#headers = H.copy(this.#headers);
      copy.#body = this.#body === null ? null : B.cloneBody(this.#body);
      return copy;
    }

    static {
      internals.isResponse = (v) => v !== null && typeof v === 'object' && #status in v;
      internals.responseBody = (r) => {
        if (!internals.isResponse(r)) throw new TypeError("Value of 'this' must be of type Response");
        return r.#body;
      };
      /** For the host's fetch(): records the URLs a fetched response came from (last one is `url`). */
      internals.responseWebSocket = (r) => {
        if (!internals.isResponse(r)) throw new TypeError('Expected a Response');
        return r.#webSocket;
      };
      internals.setResponseURLList = (r, records) => { r.#urlList = records.slice(); };
    }
  }

  B.mixin(Response, internals.responseBody);
  internals.webidlClass(Response, 'Response');
  internals.platformObjectChecks.push(internals.isResponse);
  internals.define('Response', Response);
})();
