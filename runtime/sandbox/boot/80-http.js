// The fetch-handler adapter, Workers module format (part of the bootstrap, see
// ../bootstrap.js).
//
// One request = dispatchHttp (head + whole body, or a push stream the host feeds through
// httpBody); the handler's Response crosses back through the `http` capability:
//   ('start', rid, status, headersJson, bodyBytes|null, end)  head (+ a whole body)
//   ('chunk', rid, bytes|null, end)                            streamed body; credit-limited
//   ('done', rid, status, bytes)                               response and waitUntil settled
//   ('final', rid, status, headersJson, bodyBytes|null)        'start' (whole body, end) + 'done' in one
//                                                              call: a complete response, no waitUntil
//   ('finals', '', meta, bodies|null)                          the 'final's of one entry, in one call: meta is
//                                                              rid NUL status NUL headersJson NUL length NUL per
//                                                              response (length -1: no body), bodies the bodies
//                                                              end to end in one Uint8Array (see flushFinals)
//   ('error', rid, errorInfoJson) | ('big', rid) | ('bad', rid, message)
//   ('pull', rid)                                              the request body stream wants more
//   ('stop', rid)                                              the tenant cancelled the request body
// A 101 Response with a webSocket hands the request to 85-ws.js (the `ws` capability).
// Everything crossing is a primitive or a Uint8Array that owns its whole buffer.
// Uses: config, hostBridge, hostHttp, hostDone, active, setCurrent, track, PromiseThen (10), errorInfo, isThenable (20),
// emit, makeConsole (30), env (55), handler (75), wsOpen (85).
let dispatchHttp, dispatchHttpBatch, httpCredit, httpBody, httpAbort, httpEnd, httpFail;
{
  // PromiseThen is the original: 10-attribution.js has wrapped Promise.prototype.then by now.
  const ReflectApply = Reflect.apply;
  const PromiseCtor = Promise;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const JSONparse = JSON.parse;
  const JSONstringify = JSON.stringify;
  const StringFn = String;
  const StringSplit = String.prototype.split;
  const HTTP_WINDOW = config.limits.httpWindowBytes;
  const MAX_RESPONSE = config.limits.maxResponseBytes;
  const REQ_HWM = config.limits.requestBodyHighWater;
  const noop = () => undefined;
  // Taken before any tenant code runs (the tenant may replace Promise.resolve).
  const settled = PromiseCtor.resolve(undefined);
  /** Swallows a platform promise's rejection (through the original then, not the tenant-visible one). */
  function ignore(p) { ReflectApply(PromiseThen, p, [undefined, noop]); }
  httpAbort = function httpAbort(h) {
    if (h.finished) return;
    h.finished = true;
    if (h.push !== null) { try { h.push.error(new TypeErrorCtor('The client disconnected')); } catch { /* already closed */ } }
    if (h.iter !== null) { try { ignore(h.iter.return(new TypeErrorCtor('The client disconnected'))); } catch { /* ignore */ } }
    if (h.wake !== null) { const w = h.wake; h.wake = null; w(); }
  };
  httpEnd = function httpEnd(rid, st) {
    const h = st.http;
    if (!h.responded || h.waits > 0 || st.done) return;
    st.done = true;
    active.delete(rid);
    hostHttp('done', rid, h.status, h.bytes);
  };
  // Complete responses of the current entry: they cross in one host call ('finals') when the entry's
  // microtasks have run. A call per response cost more than the response itself (each host call is a
  // task on the host's thread), and a batch of dispatches answers many requests in one entry. They
  // cross as one string and one byte array, not as a list: isolated-vm copies an array through V8's
  // structured serializer and each Uint8Array in it as an ArrayBuffer of its own (an allocation and a
  // backing-store registration on each side per response); a string and one Uint8Array are two flat
  // copies. A body larger than FINALS_BODY_MAX crosses in a 'final' call of its own (no second copy).
  const FINALS_BODY_MAX = 16 * 1024;
  const U8 = Uint8Array;
  const TypedArraySet = Uint8Array.prototype.set;
  let finals = null;          // the meta text, null when none is pending
  let finalBodies = null;     // their bodies, in order
  let finalBodyBytes = 0;
  function flushFinals() {
    const meta = finals;
    const parts = finalBodies;
    const n = finalBodyBytes;
    finals = null;
    finalBodies = null;
    finalBodyBytes = 0;
    let all = null;
    if (parts.length === 1) {
      all = ownBytes(parts[0]);
    } else if (parts.length > 1) {
      all = new U8(n);
      for (let i = 0, off = 0; i < parts.length; i++) { ReflectApply(TypedArraySet, all, [parts[i], off]); off += parts[i].byteLength; }
    }
    hostHttp('finals', '', meta, all);
  }
  // A complete response (head + whole body): with no waitUntil pending it also ends the request
  // ('final': 'start' then 'done' in one step on the host). `bytes` may be a view: only what crosses
  // on its own is made to own its buffer (reading a small Uint8Array's buffer makes V8 allocate it).
  function httpFinal(rid, st, h, status, hdrs, bytes) {
    if (h.waits === 0 && !st.done) {
      st.done = true;
      active.delete(rid);
      if (bytes !== null && bytes.byteLength > FINALS_BODY_MAX) {
        hostHttp('final', rid, status, hdrs, ownBytes(bytes));
        return;
      }
      if (finals === null) {
        finals = '';
        finalBodies = [];
        ReflectApply(PromiseThen, settled, [flushFinals]);
      }
      finals += rid + '\0' + status + '\0' + hdrs + '\0' + (bytes === null ? -1 : bytes.byteLength) + '\0';
      if (bytes !== null) {
        finalBodies[finalBodies.length] = bytes;
        finalBodyBytes += bytes.byteLength;
      }
      return;
    }
    hostHttp('start', rid, status, hdrs, bytes === null ? null : ownBytes(bytes), true);
    httpEnd(rid, st);
  }
  httpFail = function httpFail(rid, e) {
    const st = active.get(rid);
    if (st === undefined || st.done) return;
    st.done = true;
    active.delete(rid);
    httpAbort(st.http);
    hostHttp('error', rid, errorInfo(e === undefined || e === null ? new ErrorCtor('Promise rejected with ' + e) : e));
  };
  function ownBytes(c) {
    // A view of a larger buffer would cross with its whole buffer: copy the view out first.
    return c.byteOffset === 0 && c.byteLength === c.buffer.byteLength ? c : c.slice();
  }
  // What JSON escapes in a header value: a quote, a backslash, a control character (a name is a
  // lowercase token, never escaped). Matched with the original exec: test() would call the
  // tenant-replaceable RegExp.prototype.exec.
  const JSON_ESCAPED = /["\\\x00-\x1f]/;
  const RegExpExec = RegExp.prototype.exec;
  /**
   * JSON.stringify(pairs) for [name, value] pairs, written by hand: the same text, at a fraction of
   * the builtin's cost for a few short headers (it was the largest single cost of a hello response).
   */
  function headersJson(pairs) {
    let s = '[';
    for (let i = 0; i < pairs.length; i++) {
      const v = pairs[i][1];
      s += (i === 0 ? '["' : ',["') + pairs[i][0] + '",' + (ReflectApply(RegExpExec, JSON_ESCAPED, [v]) === null ? '"' + v + '"' : JSONstringify(v)) + ']';
    }
    return s + ']';
  }
  function describe(v) {
    if (v === null) return 'null';
    if (typeof v !== 'object') return typeof v;
    try { const n = v.constructor && v.constructor.name; return typeof n === 'string' && n ? 'a ' + n : 'an object'; } catch { return 'an object'; }
  }
  function respond(rid, res) {
    const st = active.get(rid);
    if (st === undefined || st.done) {
      // Late answer of a request the host already ended (client gone, timeout): release its body.
      if (hostBridge.isResponse(res)) { try { ignore(hostBridge.bodyChunks(res).return(undefined)); } catch { /* unusable */ } }
      return;
    }
    const h = st.http;
    if (!hostBridge.isResponse(res)) { httpFail(rid, new TypeErrorCtor('The fetch handler must return a Response or a Promise of one; it returned ' + describe(res))); return; }
    let head;
    try { head = hostBridge.responseForHost(res); } catch (e) { httpFail(rid, e); return; }
    if (head.type === 'error') { httpFail(rid, new TypeErrorCtor('The fetch handler returned Response.error()')); return; }
    h.status = head.status;
    const hdrs = headersJson(head.headers);
    if (head.status === 101) {
      const client = hostBridge.responseWebSocket(res);
      // The WebSocket adapter (85-ws.js) takes the request over.
      if (client !== null) { wsOpen(rid, st, h, client, hdrs); return; }
    }
    if (head.bodyKind === 'none') {
      h.responded = true;
      httpFinal(rid, st, h, head.status, hdrs, null);
      return;
    }
    if (head.bodyKind === 'bytes' && head.bodyLength !== null && head.bodyLength <= MAX_RESPONSE) {
      // Bytes body, not read yet: taken whole at once (no reader, no promise); head + body + end
      // cross in one call.
      const taken = hostBridge.takeBytes(res);
      const bytes = taken === null || taken.byteLength === 0 ? null : taken;
      h.bytes = bytes === null ? 0 : bytes.byteLength;
      h.responded = true;
      httpFinal(rid, st, h, head.status, hdrs, bytes);
      return;
    }
    let iter;
    try { iter = hostBridge.bodyChunks(res); } catch (e) { httpFail(rid, e); return; }
    if (head.bodyKind === 'bytes' && head.bodyLength !== null) { httpTooBig(rid, st, iter); return; }
    h.iter = iter;
    hostHttp('start', rid, head.status, hdrs, null, false);
    h.started = true;
    pumpBody(rid, st, h, iter);
  }
  function httpTooBig(rid, st, iter) {
    st.done = true;
    active.delete(rid);
    st.http.finished = true;
    try { ignore(iter.return(undefined)); } catch { /* ignore */ }
    hostHttp('big', rid);
  }
  // Streams the Response body to the host: reads the tenant's stream only while the
  // host has granted credit (bytes the sink has not yet taken stay under HTTP_WINDOW).
  async function pumpBody(rid, st, h, iter) {
    try {
      for (;;) {
        while (h.credit <= 0 && !h.finished) await new PromiseCtor((resolve) => { h.wake = resolve; });
        if (h.finished) return;
        setCurrent(rid);   // the tenant's pull() runs inside next()
        const r = await iter.next();
        if (h.finished) return;
        setCurrent(rid);
        if (r.done) break;
        const n = r.value.byteLength;
        if (n === 0) continue;
        if (h.bytes + n > MAX_RESPONSE) { httpTooBig(rid, st, iter); return; }
        h.bytes += n;
        h.credit -= n;
        hostHttp('chunk', rid, ownBytes(r.value), false);
      }
      h.responded = true;
      h.iter = null;
      hostHttp('chunk', rid, null, true);
      httpEnd(rid, st);
    } catch (e) {
      if (!h.finished) { setCurrent(rid); httpFail(rid, e); }
    }
  }
  // The fetch handler's `ctx`: waitUntil and passThroughOnException its own functions (they work
  // detached), `console` a getter of the class that makes the request's console on first use (most
  // handlers never touch it). An object literal with that getter cost a V8 runtime call per request.
  class HttpContext {
    #rid;
    #console = null;
    constructor(rid, waitUntil) {
      this.#rid = rid;
      this.waitUntil = waitUntil;
      this.passThroughOnException = passThroughOnException;
    }
    get console() {
      if (this.#console === null) this.#console = makeConsole(this.#rid);
      return this.#console;
    }
  }
  function passThroughOnException() {}
  // Host entry: one HTTP request. `body` is a Uint8Array copy (whole body) or null;
  // `streamed` means the body arrives through httpBody().
  dispatchHttp = function dispatchHttp(rid, method, url, headersJson, body, streamed) {
    setCurrent(rid);
    const h = { push: null, iter: null, credit: HTTP_WINDOW, wake: null, waits: 0, responded: false, started: false, finished: false, status: 0, bytes: 0, ws: null };
    const st = { done: false, logLines: 0, logBytes: 0, logCut: false, http: h };
    active.set(rid, st);
    const fetchHandler = handler();
    if (fetchHandler.fn === null || hostBridge === null) {
      st.done = true; active.delete(rid);
      hostDone(rid, 'setup', hostBridge === null ? 'web globals unavailable (Request/Response did not load)' : (fetchHandler.error || 'handler missing'));
      return;
    }
    let request;
    try {
      // Headers: a JSON string (one request) or the already parsed pairs (from a JSON batch); the
      // Request parses them on first use.
      let reqBody = null;
      if (streamed && method !== 'GET' && method !== 'HEAD') {
        h.push = hostBridge.createPushStream({
          highWaterMark: REQ_HWM,
          onPull: () => { if (!h.finished) hostHttp('pull', rid); },
          onCancel: () => { if (!h.finished) hostHttp('stop', rid); },
        });
        reqBody = h.push.stream;
      } else if (body !== null && body.byteLength > 0 && method !== 'GET' && method !== 'HEAD') {
        reqBody = body;
      }
      request = hostBridge.requestFromHost(method, url, headersJson, reqBody);
    } catch (e) {
      st.done = true; active.delete(rid);
      let m = 'unknown error';
      try { m = StringFn(e && e.message); } catch { /* keep */ }
      hostHttp('bad', rid, 'the request could not be built: ' + m);
      return;
    }
    const ctx = new HttpContext(rid, (p) => {
      if (st.done) return;
      h.waits++;
      ReflectApply(PromiseThen, track(rid, p), [() => { h.waits--; httpEnd(rid, st); }, (e) => {
        h.waits--;
        emit('error', rid, ['waitUntil() promise rejected:', e]);
        httpEnd(rid, st);
      }]);
    });
    let ret;
    try {
      ret = ReflectApply(fetchHandler.fn, fetchHandler.self, [request, env, ctx]);
    } catch (e) {
      httpFail(rid, e === undefined ? new ErrorCtor('undefined thrown') : e);
      return;
    }
    try {
      if (isThenable(ret)) {
        ReflectApply(PromiseThen, track(rid, ret), [(v) => { setCurrent(rid); respond(rid, v); },
          (e) => { setCurrent(rid); httpFail(rid, e === undefined || e === null ? new ErrorCtor('Promise rejected with ' + e) : e); }]);
      } else {
        respond(rid, ret);
      }
    } catch (e) {
      httpFail(rid, e);
    }
  };
  // Host entry: several HTTP requests in one call, [rid, method, url, headersJson, body, streamed] × n,
  // or, when none has a body, that list as one JSON string (headers null, body null) plus `heads`,
  // the requests' header JSON texts joined by NULs: strings cross without the structured-clone copy
  // an array needs, and each request's headers stay unparsed until the handler reads them.
  // Each dispatch sets `current`; continuations that run after the batch find their request
  // through `then` capture or the async stack (see "request attribution").
  dispatchHttpBatch = function dispatchHttpBatch(list, heads) {
    let headers = null;
    if (typeof list === 'string') {
      list = JSONparse(list);
      headers = ReflectApply(StringSplit, heads, ['\0']);
    }
    for (let i = 0, n = 0; i + 5 < list.length; i += 6, n++) {
      const h = headers === null ? list[i + 3] : headers[n];
      try { dispatchHttp(list[i], list[i + 1], list[i + 2], h, list[i + 4], list[i + 5]); } catch (e) { httpFail(list[i], e); }
    }
  };
  // Host entry: the sink took `n` more bytes of this request's response: read on.
  httpCredit = function httpCredit(rid, n) {
    const st = active.get(rid);
    if (st === undefined || st.http === undefined) return;
    setCurrent(rid);
    const h = st.http;
    h.credit += n;
    if (h.credit > 0 && h.wake !== null) { const w = h.wake; h.wake = null; w(); }
  };
  // Host entry: request body bytes (a Uint8Array copy or null) and/or its end.
  httpBody = function httpBody(rid, chunk, end) {
    const st = active.get(rid);
    if (st === undefined || st.http === undefined || st.http.push === null) return;
    setCurrent(rid);
    const push = st.http.push;
    if (chunk !== null && chunk.byteLength > 0) push.push(chunk);
    if (end) push.close();
  };
}
