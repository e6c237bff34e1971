// fetch (part of the bootstrap): the request is built with the web files' Request
// (its body read here, capped at limits.maxFetchBodyBytes) and handed to the `fetch`
// capability as strings; the host runs it under the fetch policy and enters with
// fetchDone, the body a copied ArrayBuffer, wrapped in the sandbox Response (a minimal
// fallback object when the web files are absent).
// Uses: config, define, hostFetch, runningRid, setCurrent (10).
let fetchDone;
{
  const g = globalThis;
  const JSONparse = JSON.parse;
  const JSONstringify = JSON.stringify;
  const StringFn = String;
  const MapCtor = Map;
  const PromiseCtor = Promise;
  const TypeErrorCtor = TypeError;
  const fromCharCode = String.fromCharCode;
  const MAX_FETCH_BODY = config.limits.maxFetchBodyBytes;

  let nextFetchId = 1;
  const fetches = new MapCtor();    // id -> { resolve, reject, rid, url }
  const Req = g.Request, Res = g.Response, Hdrs = g.Headers;
  function bytesToLatin1(u8) {
    let s = '';
    for (let i = 0; i < u8.length; i += 8192) s += fromCharCode.apply(null, u8.subarray(i, i + 8192));
    return s;
  }
  function fallbackResponse(status, statusText, headerPairs, body, url) {
    const map = new MapCtor();
    for (const [key, v] of headerPairs) map.set(key.toLowerCase(), v);
    const text = () => PromiseCtor.resolve(new TextDecoderLike().decode(body));
    return {
      status, statusText, ok: status >= 200 && status < 300, url,
      headers: { get: (key) => (map.has(StringFn(key).toLowerCase()) ? map.get(StringFn(key).toLowerCase()) : null), has: (key) => map.has(StringFn(key).toLowerCase()) },
      text, json: () => text().then(JSONparse), arrayBuffer: () => PromiseCtor.resolve(body.buffer),
    };
  }
  function TextDecoderLike() { return typeof g.TextDecoder === 'function' ? new g.TextDecoder() : { decode: (u8) => bytesToLatin1(u8) }; }
  async function fetch(input, init) {
    const rid = runningRid();
    let url, method, headers = [], body = null;
    if (typeof Req === 'function') {
      const req = new Req(input, init);
      url = req.url; method = req.method;
      for (const pair of req.headers) headers.push([pair[0], pair[1]]);
      if (method !== 'GET' && method !== 'HEAD') {
        const ab = await req.arrayBuffer();
        if (ab.byteLength) body = new Uint8Array(ab);
      }
    } else {
      url = StringFn(typeof input === 'object' && input !== null && input.url ? input.url : input);
      method = StringFn((init && init.method) || 'GET').toUpperCase();
      if (init && init.headers) for (const key of Object.keys(init.headers)) headers.push([key, StringFn(init.headers[key])]);
      if (init && init.body != null) {
        const b = init.body;
        body = typeof b === 'string' ? (typeof g.TextEncoder === 'function' ? new g.TextEncoder().encode(b) : new Uint8Array([...b].map((c) => c.charCodeAt(0) & 255)))
          : b instanceof ArrayBuffer ? new Uint8Array(b) : ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : null;
      }
    }
    if (body !== null && body.byteLength > MAX_FETCH_BODY) throw new TypeErrorCtor('fetch failed: request body exceeds ' + MAX_FETCH_BODY + ' bytes');
    const id = nextFetchId++;
    return new PromiseCtor((resolve, reject) => {
      fetches.set(id, { resolve, reject, rid, url });
      hostFetch(id, rid, StringFn(url), StringFn(method), JSONstringify(headers), body === null ? null : bytesToLatin1(body));
    });
  }
  define(g, 'fetch', fetch);

  // Host entry: a fetch finished. `body` arrives as an ArrayBuffer copy.
  fetchDone = function fetchDone(id, ok, status, statusText, headersJson, body, errMessage) {
    const f = fetches.get(id);
    if (f === undefined) return;
    fetches.delete(id);
    setCurrent(f.rid);
    if (!ok) { f.reject(new TypeErrorCtor('fetch failed: ' + errMessage)); return; }
    const pairs = JSONparse(headersJson);
    const bytes = new Uint8Array(body);
    try {
      if (typeof Res === 'function') {
        const nullBody = status === 101 || status === 103 || status === 204 || status === 205 || status === 304;
        const h = new Hdrs();
        for (const [key, v] of pairs) { try { h.append(key, v); } catch { /* drop header invalid in the sandbox */ } }
        const res = new Res(nullBody ? null : bytes, { status: status < 200 ? 200 : status, statusText, headers: h });
        try { Object.defineProperty(res, 'url', { value: f.url, enumerable: true, configurable: true }); } catch { /* ignore */ }
        f.resolve(res);
      } else {
        f.resolve(fallbackResponse(status, statusText, pairs, bytes, f.url));
      }
    } catch (e) {
      f.reject(e);
    }
  };
}
