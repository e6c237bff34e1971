// WebSocket, WebSocketPair, MessageEvent, CloseEvent and ErrorEvent: the
// server side of the Cloudflare Workers WebSocket API, so a module that
// accepts WebSockets on Workers runs here unchanged:
//
//   const [client, server] = Object.values(new WebSocketPair());
//   server.accept();
//   server.addEventListener('message', (e) => server.send(e.data));
//   return new Response(null, { status: 101, webSocket: client });
//
// The two ends of a pair are a pipe: what one end sends arrives at the other.
// When the host takes the end given as a Response's `webSocket` (the *client*
// end) through hostBridge.openWebSocket(), that end is "released" and stands
// for the remote peer: what the tenant's kept end sends goes to the host's
// `io` functions, and the host feeds frames back through the returned handle.
// Outbound WebSockets (`new WebSocket(url)`) are not supported.
//
// State lives on plain null-prototype *records* (one per end, held in the
// WebSocket's #private field); the host bridge works on records only, so
// tenant code patching WebSocket.prototype or EventTarget.prototype after
// load cannot change what the host sees.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  // Captured so tenant reassignment or prototype patching cannot break us.
  const { Event, EventTarget, DOMException, Uint8Array, ArrayBuffer, DataView, TypeError, Error, Promise, Reflect, Object: ObjectCtor } = globalThis;
  const apply = Reflect.apply;
  const freeze = ObjectCtor.freeze;
  const defineProperty = ObjectCtor.defineProperty;
  const isView = ArrayBuffer.isView;
  const TypedArrayPrototype = ObjectCtor.getPrototypeOf(Uint8Array.prototype);
  const u8Set = TypedArrayPrototype.set;
  const getters = (proto) => {
    const get = (name) => ObjectCtor.getOwnPropertyDescriptor(proto, name).get;
    return { __proto__: null, buffer: get('buffer'), byteOffset: get('byteOffset'), byteLength: get('byteLength') };
  };
  const typedArrayGet = getters(TypedArrayPrototype);
  const dataViewGet = getters(DataView.prototype);
  const then = Promise.prototype.then;
  const resolved = Promise.resolve();
  const dispatch = EventTarget.prototype.dispatchEvent;
  const utf8Encode = internals.utf8Encode;
  const kCreate = Symbol('create');

  const CONNECTING = 0;
  const OPEN = 1;
  const CLOSING = 2;
  const CLOSED = 3;
  const MUST_ACCEPT = 'You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.';

  function checkInit(init, iface, dict) {
    if (init !== undefined && init !== null && typeof init !== 'object' && typeof init !== 'function') {
      throw new TypeError(`Failed to construct '${iface}': The provided value is not of type '${dict}'.`);
    }
    return init ?? {};
  }
  // WebIDL unsigned short / unsigned long conversions (modulo), for the event init dictionaries.
  const toUint = (value, mod) => {
    const n = Number(value);
    if (!Number.isFinite(n)) return 0;
    const t = Math.trunc(n) % mod;
    return t < 0 ? t + mod : t;
  };

  class MessageEvent extends Event {
    #data;
    #origin;
    #lastEventId;
    #source;
    #ports = freeze([]);

    constructor(type, eventInitDict = {}) {
      internals.requireArgs(arguments.length, 1, "Failed to construct 'MessageEvent'");
      const init = checkInit(eventInitDict, 'MessageEvent', 'MessageEventInit');
      super(type, init);
      this.#data = init.data === undefined ? null : init.data;
      this.#origin = init.origin === undefined ? '' : internals.toUSVString(init.origin);
      this.#lastEventId = init.lastEventId === undefined ? '' : internals.toDOMString(init.lastEventId);
      this.#source = init.source ?? null;
    }

    get data() { return this.#data; }
    get origin() { return this.#origin; }
    get lastEventId() { return this.#lastEventId; }
    get source() { return this.#source; }
    get ports() { return this.#ports; }
  }

  class CloseEvent extends Event {
    #wasClean;
    #code;
    #reason;

    constructor(type, eventInitDict = {}) {
      internals.requireArgs(arguments.length, 1, "Failed to construct 'CloseEvent'");
      const init = checkInit(eventInitDict, 'CloseEvent', 'CloseEventInit');
      super(type, init);
      this.#wasClean = Boolean(init.wasClean);
      this.#code = init.code === undefined ? 0 : toUint(init.code, 65536);
      this.#reason = init.reason === undefined ? '' : internals.toUSVString(init.reason);
    }

    get wasClean() { return this.#wasClean; }
    get code() { return this.#code; }
    get reason() { return this.#reason; }
  }

  class ErrorEvent extends Event {
    #message;
    #filename;
    #lineno;
    #colno;
    #error;

    constructor(type, eventInitDict = {}) {
      internals.requireArgs(arguments.length, 1, "Failed to construct 'ErrorEvent'");
      const init = checkInit(eventInitDict, 'ErrorEvent', 'ErrorEventInit');
      super(type, init);
      this.#message = init.message === undefined ? '' : internals.toDOMString(init.message);
      this.#filename = init.filename === undefined ? '' : internals.toUSVString(init.filename);
      this.#lineno = init.lineno === undefined ? 0 : toUint(init.lineno, 2 ** 32);
      this.#colno = init.colno === undefined ? 0 : toUint(init.colno, 2 ** 32);
      this.#error = init.error;
    }

    get message() { return this.#message; }
    get filename() { return this.#filename; }
    get lineno() { return this.#lineno; }
    get colno() { return this.#colno; }
    get error() { return this.#error; }
  }

  // ---- pipe records -------------------------------------------------------
  // An end: { obj, pair, peer, accepted, released, closeCalled, closedOutgoing,
  // closedIncoming, remoteClosed, inbox, head, flushing, scheduled }.
  // `inbox` holds what arrived for this end (messages, a close, errors) until
  // it is accepted; entries are { type: 'message', data: string | Uint8Array,
  // buffer: ArrayBuffer | null } | { type: 'close', code, reason, wasClean,
  // final } | { type: 'error', message }. A pair: { opened, io, send, close }.
  const newEnd = (pair) => ({
    __proto__: null, obj: null, pair, peer: null, accepted: false, released: false, closeCalled: false,
    closedOutgoing: false, closedIncoming: false, remoteClosed: false, inbox: [], head: 0, flushing: false, scheduled: false,
  });

  /**
   * A Uint8Array viewing a BufferSource, or null. Unlike internals.viewBufferSource it uses only
   * built-ins captured here, so tenant code that patches ArrayBuffer.isView or the typed array
   * getters cannot change what reaches the host.
   */
  function viewOf(v) {
    if (v === null || typeof v !== 'object') return null;
    if (isView(v)) {
      const get = internals.typedArrayName(v) === undefined ? dataViewGet : typedArrayGet;
      return new Uint8Array(apply(get.buffer, v, []), apply(get.byteOffset, v, []), apply(get.byteLength, v, []));
    }
    if (internals.isArrayBuffer(v) || internals.isSharedArrayBuffer(v)) return new Uint8Array(v);
    return null;
  }

  /** A send() argument as a message entry; binary data is copied into a Uint8Array owning its whole buffer. */
  function toMessage(message) {
    const view = typeof message === 'string' ? null : viewOf(message);
    if (view === null) return { __proto__: null, type: 'message', data: internals.toUSVString(message), buffer: null };
    const buffer = new ArrayBuffer(apply(typedArrayGet.byteLength, view, []));
    const copy = new Uint8Array(buffer);
    apply(u8Set, copy, [view]);
    return { __proto__: null, type: 'message', data: copy, buffer };
  }

  /** Sends an entry from end `from` to its peer: the host's io once the peer is released, else the peer's inbox. */
  function route(from, entry) {
    const to = from.peer;
    const pair = from.pair;
    if (to.released) {
      if (entry.type === 'message') apply(pair.send, pair.io, [entry.data]);
      else apply(pair.close, pair.io, [entry.code, entry.reason]);
      return;
    }
    enqueue(to, entry, false);
  }

  /**
   * Queues an entry for `end`. Host frames are dispatched at once when the end
   * is accepted and nothing is queued before them; everything else (frames
   * queued before accept(), messages between two local ends) is dispatched
   * from a microtask, so listeners added right after accept() still see them,
   * and never re-entrantly inside the sender's call.
   */
  function enqueue(end, entry, fromHost) {
    end.inbox[end.inbox.length] = entry;
    if (!end.accepted || end.flushing || end.scheduled) return;
    if (fromHost) flush(end);
    else schedule(end);
  }

  function schedule(end) {
    end.scheduled = true;
    apply(then, resolved, [() => flush(end)]);
  }

  function flush(end) {
    end.scheduled = false;
    if (end.flushing) return;
    end.flushing = true;
    try {
      while (end.head < end.inbox.length) {
        const entry = end.inbox[end.head];
        end.inbox[end.head++] = undefined;
        // Listener exceptions are already reported by dispatchEvent; this also covers anything else.
        try { deliver(end, entry); } catch (error) { internals.reportError(error); }
      }
      end.inbox = [];
      end.head = 0;
    } finally {
      end.flushing = false;
    }
  }

  function fire(end, event) { apply(dispatch, end.obj, [event]); }

  function deliver(end, entry) {
    if (end.closedIncoming) return; // nothing is delivered after the close
    if (entry.type === 'message') {
      const data = typeof entry.data === 'string' ? entry.data : entry.buffer;
      fire(end, new MessageEvent('message', { __proto__: null, data }));
    } else if (entry.type === 'close') {
      end.closedIncoming = true;
      if (entry.final) {
        end.closedOutgoing = true; // the connection is gone: later send()s are dropped
      } else if (!end.closedOutgoing) {
        // A local peer closed: reply with the same close, as Workers does automatically.
        end.closedOutgoing = true;
        route(end, { __proto__: null, type: 'close', code: entry.code, reason: entry.reason });
      }
      const code = entry.code === undefined ? 1005 : entry.code;
      fire(end, new CloseEvent('close', { __proto__: null, code, reason: entry.reason, wasClean: entry.final ? entry.wasClean : true }));
    } else {
      fire(end, new ErrorEvent('error', { __proto__: null, message: entry.message, error: new Error(entry.message) }));
    }
  }

  // WebIDL [Clamp] unsigned short (round half to even).
  function clampUint16(value) {
    const n = Number(value);
    if (Number.isNaN(n)) return 0;
    const x = Math.min(Math.max(n, 0), 65535);
    let i = Math.floor(x);
    const f = x - i;
    if (f > 0.5 || (f === 0.5 && i % 2 !== 0)) i++;
    return i;
  }
  // Codes an endpoint may send (RFC 6455 §7.4): not 1004-1006 (reserved / never on the wire), 1015, 1016-2999.
  const validCloseCode = (c) => c === 1000 || (c >= 1001 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);

  let recordOf;
  let createWebSocket;

  class WebSocket extends EventTarget {
    #r;

    constructor(url = undefined, end = undefined) {
      if (url !== kCreate) {
        throw new TypeError("Failed to construct 'WebSocket': outbound WebSockets (new WebSocket(url)) are not supported on this platform; accept incoming ones with new WebSocketPair() and new Response(null, { status: 101, webSocket: client }).");
      }
      super();
      this.#r = end;
      end.obj = this;
    }

    accept() {
      const end = this.#r;
      if (end.released) throw new TypeError("Can't accept() WebSocket that was already used in a response.");
      if (end.accepted) return; // as on Workers, a second accept() does nothing
      end.accepted = true;
      if (end.head < end.inbox.length) schedule(end);
    }

    send(message) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'send' on 'WebSocket'");
      const end = this.#r;
      const entry = toMessage(message); // copied now: later changes to the caller's buffer change nothing
      if (end.closeCalled) throw new TypeError("Can't call WebSocket send() after close().");
      // Released (the end given to a Response) or the connection is gone: dropped silently, as on Workers.
      if (end.released || end.closedOutgoing) return;
      if (!end.accepted) throw new TypeError(MUST_ACCEPT);
      route(end, entry);
    }

    close(code = undefined, reason = undefined) {
      const end = this.#r;
      const c = code === undefined ? undefined : clampUint16(code);
      const r = reason === undefined ? undefined : internals.toUSVString(reason);
      if (end.released || end.closedOutgoing) return; // a second close() is ignored
      if (!end.accepted) throw new TypeError(MUST_ACCEPT);
      if (c !== undefined && !validCloseCode(c)) {
        throw new DOMException(`Failed to execute 'close' on 'WebSocket': The close code must be either 1000, 1001-1003, 1007-1014, or in the range 3000-4999. ${c} is neither.`, 'InvalidAccessError');
      }
      if (r !== undefined) {
        // A close frame without a status code cannot carry a reason (Workers throws the same TypeError).
        if (c === undefined) throw new TypeError('If you specify a WebSocket close reason, you must also specify a code.');
        if (apply(typedArrayGet.byteLength, utf8Encode(r), []) > 123) {
          throw new DOMException("Failed to execute 'close' on 'WebSocket': The close reason must not be greater than 123 UTF-8 bytes.", 'SyntaxError');
        }
      }
      end.closeCalled = true;
      end.closedOutgoing = true;
      route(end, { __proto__: null, type: 'close', code: c, reason: r === undefined ? '' : r });
    }

    get readyState() {
      const end = this.#r;
      if (end.closedIncoming && end.closedOutgoing) return CLOSED;
      return end.closedIncoming || end.closedOutgoing ? CLOSING : OPEN;
    }
    // A pair's ends have no URL and negotiated nothing (Workers returns null too).
    get url() { void this.#r; return null; }
    get protocol() { void this.#r; return null; }
    get extensions() { void this.#r; return null; }

    static {
      internals.isWebSocket = (v) => v !== null && typeof v === 'object' && #r in v;
      recordOf = (ws) => ws.#r;
      createWebSocket = (end) => new WebSocket(kCreate, end);
    }
  }

  class WebSocketPair {
    constructor() {
      const pair = { __proto__: null, opened: false, io: null, send: null, close: null };
      const client = newEnd(pair);
      const server = newEnd(pair);
      client.peer = server;
      server.peer = client;
      // Own enumerable properties, as on Workers, so Object.values(new WebSocketPair()) gives [client, server].
      defineProperty(this, 0, { value: createWebSocket(client), writable: false, enumerable: true, configurable: false });
      defineProperty(this, 1, { value: createWebSocket(server), writable: false, enumerable: true, configurable: false });
    }
  }

  for (const type of ['open', 'message', 'close', 'error']) internals.defineEventHandler(WebSocket.prototype, type);
  internals.webidlClass(MessageEvent, 'MessageEvent');
  internals.webidlClass(CloseEvent, 'CloseEvent');
  internals.webidlClass(ErrorEvent, 'ErrorEvent');
  internals.webidlClass(WebSocket, 'WebSocket');
  internals.webidlClass(WebSocketPair, 'WebSocketPair');
  const states = { CONNECTING, OPEN, CLOSING, CLOSED };
  for (const [name, value] of Object.entries(states)) {
    const desc = { value, writable: false, enumerable: true, configurable: false };
    defineProperty(WebSocket, name, desc);
    defineProperty(WebSocket.prototype, name, desc);
    defineProperty(WebSocket, `READY_STATE_${name}`, desc); // the Workers names
  }

  /**
   * hostBridge.openWebSocket(ws, io): connects the pair of `ws` (the WebSocket
   * given as a Response's webSocket) to the outside. See README "Host bridge".
   */
  function open(ws, io) {
    if (!internals.isWebSocket(ws)) throw new TypeError('openWebSocket() needs the WebSocket given as a Response\'s webSocket');
    const end = recordOf(ws);
    const pair = end.pair;
    if (pair.opened) throw new TypeError('This WebSocketPair is already connected');
    if (end.accepted) throw new TypeError("Can't return WebSocket in a Response after calling accept().");
    if (io === null || typeof io !== 'object') throw new TypeError('openWebSocket() needs io = { send(data), close(code, reason) }');
    const { send, close } = io;
    if (typeof send !== 'function' || typeof close !== 'function') throw new TypeError('io.send and io.close must be functions');
    pair.opened = true;
    pair.io = io;
    pair.send = send;
    pair.close = close;
    end.released = true;
    // What the kept end sent (or its close) before the Response was returned goes out first, in order.
    const queued = end.inbox;
    const from = end.head;
    end.inbox = [];
    end.head = 0;
    for (let i = from; i < queued.length; i++) {
      const entry = queued[i];
      if (entry.type === 'message') apply(send, io, [entry.data]);
      else if (entry.type === 'close') apply(close, io, [entry.code, entry.reason]);
    }
    const kept = end.peer;
    return freeze({
      /** A frame from the peer: a string (text) or an ArrayBuffer / view (binary; views are copied). */
      message(data) {
        if (kept.remoteClosed) return;
        let entry;
        if (typeof data === 'string') entry = { __proto__: null, type: 'message', data, buffer: null };
        else if (internals.isArrayBuffer(data)) entry = { __proto__: null, type: 'message', data: new Uint8Array(data), buffer: data };
        else if (viewOf(data) !== null) entry = toMessage(data);
        else throw new TypeError('message() needs a string or an ArrayBuffer');
        enqueue(kept, entry, true);
      },
      /** The connection is closed (either side, or the platform): CLOSED, then a close event. */
      closed(code = undefined, reason = undefined, wasClean = false) {
        if (kept.remoteClosed) return;
        kept.remoteClosed = true;
        const entry = {
          __proto__: null, type: 'close', code: code === undefined ? 1005 : Number(code),
          reason: reason === undefined || reason === null ? '' : `${reason}`, wasClean: Boolean(wasClean), final: true,
        };
        enqueue(kept, entry, true);
      },
      /** An error on the connection: an `error` event (follow it with closed()). */
      error(message = undefined) {
        if (kept.remoteClosed) return;
        enqueue(kept, { __proto__: null, type: 'error', message: message === undefined ? '' : `${message}` }, true);
      },
      accepted() { return kept.accepted; },
    });
  }

  internals.webSocketBridge = { __proto__: null, open };
  internals.platformObjectChecks.push(internals.isWebSocket);
  internals.define('MessageEvent', MessageEvent);
  internals.define('CloseEvent', CloseEvent);
  internals.define('ErrorEvent', ErrorEvent);
  internals.define('WebSocket', WebSocket);
  internals.define('WebSocketPair', WebSocketPair);
})();
