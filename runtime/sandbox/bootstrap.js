// Runs inside every isolate, after the web/*.js files. Evaluates to a function
// the host calls once with its capabilities (ivm.Callback functions) and a JSON
// config; it installs the host-backed globals and returns the entry points the
// host calls afterwards (dispatch, fireTimer, fetchDone, ...).
//
// Contract with the host (runtime/host/instance.ts):
// * everything that crosses to the host is a primitive (string/number/boolean);
//   tenant objects are formatted or JSON-encoded here first, with size caps,
//   so the host never copies a tenant object and never receives more than the
//   caps allow;
// * every entry into the isolate sets `current` (the request being served);
//   timers and fetches capture the request current when they were created.
// The capabilities are held in this closure only; nothing is left on globalThis.
(function (hostLog, hostTimer, hostFetch, hostDone, hostResolve, hostSource, hostRandom, configJson, hostHttp) {
  'use strict';
  const g = globalThis;
  // The web files' host bridge, parked by the prelude host/sandbox.ts puts before them (see web/README.md).
  const hostBridge = g.__isolaHostBridge === undefined ? null : g.__isolaHostBridge;
  delete g.__isolaHostBridge;
  delete g.__isolaCaptureHostBridge;   // left over only when 99-seal.js did not load
  const config = JSON.parse(configJson);
  const JSONparse = JSON.parse;
  const JSONstringify = JSON.stringify;
  const indirectEval = eval;
  const StringFn = String;
  const MapCtor = Map;
  const PromiseCtor = Promise;
  const PromiseThen = Promise.prototype.then;
  const ReflectApply = Reflect.apply;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const RangeErrorCtor = RangeError;
  const DateNow = Date.now;
  const fromCharCode = String.fromCharCode;
  const define = (obj, name, value) => Object.defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });

  const MAX_LINE = config.limits.maxLogLineBytes;
  const MAX_RESULT = config.limits.maxResultBytes;
  const MAX_TIMERS = config.limits.maxTimers;
  const MAX_FETCH_BODY = config.limits.maxFetchBodyBytes;

  let current = '';                 // request id of the code running now
  const active = new MapCtor();     // request id -> { done, logLines, logBytes }

  // ------------------------------------------------------ request attribution
  // Which request is running? (1) `current`, set by every entry from the host (dispatch,
  // timer, fetch completion, body chunk, credit) and by `then` callbacks, which restore the
  // request that scheduled them (Promise.prototype.then is wrapped below);
  // (2) for `await` continuations, which V8 resumes without any hook, the async stack: each
  // request's handler promise is awaited by an async function named RID_PREFIX + rid
  // (track()), and V8's async stack traces list that awaiter for code resumed anywhere
  // in the handler's await chain. The stack is only walked for a console call made while
  // more than one request is active.
  const RID_PREFIX = '__isola_rid_';
  const captureStackTrace = ErrorCtor.captureStackTrace;
  function findRid(_e, sites) {
    for (let i = 0; i < sites.length; i++) {
      const n = sites[i].getFunctionName();
      if (typeof n === 'string' && n.length > RID_PREFIX.length && n.startsWith(RID_PREFIX)) return n.slice(RID_PREFIX.length);
    }
    return null;
  }
  function ridFromStack() {
    let r = null, saveP, saveL, saved = false;
    try {
      saveP = ErrorCtor.prepareStackTrace; saveL = ErrorCtor.stackTraceLimit; saved = true;
      ErrorCtor.prepareStackTrace = findRid;
      ErrorCtor.stackTraceLimit = 200;
      const o = {};
      captureStackTrace(o);
      r = o.stack;
    } catch { r = null; } finally {
      if (saved) { try { ErrorCtor.prepareStackTrace = saveP; ErrorCtor.stackTraceLimit = saveL; } catch { /* tenant froze them */ } }
    }
    return typeof r === 'string' ? r : null;
  }
  function runningRid() {
    if (active.size <= 1) return current;
    const r = ridFromStack();
    return r !== null && active.has(r) ? r : current;
  }
  /** A promise that settles like `p`, awaited by an async function whose name carries the request id. */
  function track(rid, p) {
    const name = RID_PREFIX + rid;
    const holder = { [name]: async function () { return await p; } };
    return holder[name]();
  }
  // `then` callbacks restore the request that scheduled them (catch/finally go through then).
  const wrapThen = function (cb) {
    if (typeof cb !== 'function') return cb;
    const rid = runningRid();
    return function (v) { current = rid; return cb(v); };
  };
  define(PromiseCtor.prototype, 'then', { then(onFulfilled, onRejected) {
    return ReflectApply(PromiseThen, this, [wrapThen(onFulfilled), wrapThen(onRejected)]);
  } }.then);

  // ---------------------------------------------------------------- console
  function fmtValue(v, depth, seen) {
    switch (typeof v) {
      case 'string': return depth === 0 ? v : JSONstringify(v);
      case 'number': case 'boolean': case 'undefined': return StringFn(v);
      case 'bigint': return StringFn(v) + 'n';
      case 'symbol': return v.toString();
      case 'function': return '[Function: ' + (v.name || '(anonymous)') + ']';
    }
    if (v === null) return 'null';
    if (v instanceof ErrorCtor) { try { return StringFn(v.stack || v); } catch { return '[Error]'; } }
    if (seen.indexOf(v) !== -1) return '[Circular]';
    if (depth > 2) return Array.isArray(v) ? '[Array]' : '[Object]';
    seen.push(v);
    let out;
    try {
      if (Array.isArray(v)) {
        const parts = [];
        const n = v.length < 100 ? v.length : 100;
        for (let i = 0; i < n; i++) parts.push(fmtValue(v[i], depth + 1, seen));
        if (v.length > 100) parts.push('... ' + (v.length - 100) + ' more items');
        out = '[ ' + parts.join(', ') + ' ]';
      } else {
        const parts = [];
        const keys = Object.keys(v);
        const n = keys.length < 100 ? keys.length : 100;
        for (let i = 0; i < n; i++) parts.push(keys[i] + ': ' + fmtValue(v[keys[i]], depth + 1, seen));
        out = parts.length ? '{ ' + parts.join(', ') + ' }' : '{}';
      }
    } catch (e) {
      out = '[Uninspectable]';
    }
    seen.pop();
    return out;
  }
  function format(args) {
    let s = '';
    for (let i = 0; i < args.length; i++) {
      if (i) s += ' ';
      let part;
      try { part = fmtValue(args[i], 0, []); } catch { part = '[Uninspectable]'; }
      s += typeof part === 'string' ? part : '';
      if (s.length > MAX_LINE) break;
    }
    return s.length > MAX_LINE ? s.slice(0, MAX_LINE) : s;
  }
  function emit(level, rid, args) {
    const st = active.get(rid);
    if (st === undefined) return;            // late output of a finished request: dropped
    if (st.logLines >= config.limits.maxLogLines || st.logBytes >= config.limits.maxLogBytes) {
      if (!st.logCut) { st.logCut = true; hostLog('warn', '[isola] log limit reached: further lines of this request are dropped', rid); }
      return;
    }
    const line = format(args);
    st.logLines++;
    st.logBytes += line.length;
    hostLog(level, line, rid);
  }
  function makeConsole(fixedRid) {
    const c = {};
    const rid = () => (fixedRid === undefined ? runningRid() : fixedRid);
    for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
      c[level] = function (...args) { emit(level, rid(), args); };
    }
    c.trace = function (...args) { emit('error', rid(), ['Trace: ' + format(args) + '\n' + (new ErrorCtor().stack || '').split('\n').slice(2).join('\n')]); };
    c.dir = function (v) { emit('log', rid(), [v]); };
    c.table = function (v) { emit('log', rid(), [v]); };
    c.assert = function (cond, ...args) { if (!cond) emit('error', rid(), ['Assertion failed' + (args.length ? ': ' + format(args) : '')]); };
    const counts = new MapCtor();
    c.count = function (label = 'default') { const n = (counts.get(label) || 0) + 1; counts.set(label, n); emit('log', rid(), [label + ': ' + n]); };
    const times = new MapCtor();
    c.time = function (label = 'default') { times.set(label, DateNow()); };
    c.timeEnd = function (label = 'default') { const t = times.get(label); if (t !== undefined) { times.delete(label); emit('log', rid(), [label + ': ' + (DateNow() - t) + 'ms']); } };
    c.timeLog = function (label = 'default', ...args) { const t = times.get(label); if (t !== undefined) emit('log', rid(), [label + ': ' + (DateNow() - t) + 'ms', ...args]); };
    c.group = c.groupCollapsed = function (...args) { if (args.length) emit('log', rid(), args); };
    c.groupEnd = function () {};
    return c;
  }
  define(g, 'console', makeConsole(undefined));

  // ----------------------------------------------------------------- timers
  let nextTimerId = 1;
  const timers = new MapCtor();     // id -> { cb, args, rid, repeat }
  function addTimer(cb, ms, args, repeat) {
    if (typeof cb !== 'function') throw new TypeErrorCtor('The "callback" argument must be of type function');
    if (timers.size >= MAX_TIMERS) throw new RangeErrorCtor('Too many pending timers (limit ' + MAX_TIMERS + ')');
    let delay = +ms;
    if (!(delay >= 1 && delay <= 2147483647)) delay = 1;
    const id = nextTimerId++;
    const rid = runningRid();
    timers.set(id, { cb, args, rid, repeat });
    hostTimer(id, delay, repeat, rid);
    return id;
  }
  function clearTimer(id) {
    if (typeof id !== 'number') return;
    if (timers.delete(id)) hostTimer(id, -1, false, '');
  }
  define(g, 'setTimeout', function setTimeout(cb, ms, ...args) { return addTimer(cb, ms, args, false); });
  define(g, 'setInterval', function setInterval(cb, ms, ...args) { return addTimer(cb, ms, args, true); });
  define(g, 'clearTimeout', function clearTimeout(id) { clearTimer(id); });
  define(g, 'clearInterval', function clearInterval(id) { clearTimer(id); });
  {
    // The callback runs as the request that queued it.
    const webQueueMicrotask = typeof g.queueMicrotask === 'function' ? g.queueMicrotask : null;
    define(g, 'queueMicrotask', function queueMicrotask(fn) {
      if (typeof fn !== 'function') throw new TypeErrorCtor('The "callback" argument must be of type function');
      const rid = runningRid();
      const run = () => { current = rid; fn(); };
      if (webQueueMicrotask !== null) webQueueMicrotask(run);
      else ReflectApply(PromiseThen, PromiseCtor.resolve(), [run]);
    });
  }

  // ----------------------------------------------------------------- crypto
  let pool = '';
  let poolPos = 0;
  function randomBytes(n) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (poolPos >= pool.length) { pool = hostRandom(4096); poolPos = 0; }
      out[i] = pool.charCodeAt(poolPos++);
    }
    return out;
  }
  const cryptoObj = {};
  define(cryptoObj, 'getRandomValues', function getRandomValues(array) {
    if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array || array instanceof DataView) {
      throw new TypeErrorCtor("Failed to execute 'getRandomValues' on 'Crypto': parameter 1 is not of an integer type");
    }
    if (array.byteLength > 65536) throw new RangeErrorCtor("Failed to execute 'getRandomValues' on 'Crypto': The ArrayBufferView's byte length (" + array.byteLength + ') exceeds the number of bytes of entropy available via this API (65536).');
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(randomBytes(array.byteLength));
    return array;
  });
  define(cryptoObj, 'randomUUID', function randomUUID() {
    const b = randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = '';
    for (let i = 0; i < 16; i++) {
      h += (b[i] + 0x100).toString(16).slice(1);
      if (i === 3 || i === 5 || i === 7 || i === 9) h += '-';
    }
    return h;
  });
  define(g, 'crypto', cryptoObj);

  // ------------------------------------------------------ performance, process
  const timeOrigin = DateNow();
  define(g, 'performance', { now() { return DateNow() - timeOrigin; }, timeOrigin });
  const env = {};
  for (const k of Object.keys(config.env)) env[k] = StringFn(config.env[k]);
  define(g, 'process', {
    env,
    nextTick(fn, ...args) {
      if (typeof fn !== 'function') throw new TypeErrorCtor('The "callback" argument must be of type function');
      PromiseCtor.resolve().then(() => fn(...args));
    },
  });

  // ------------------------------------------------------------------ fetch
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
    for (const [k, v] of headerPairs) map.set(k.toLowerCase(), v);
    const text = () => PromiseCtor.resolve(new TextDecoderLike().decode(body));
    return {
      status, statusText, ok: status >= 200 && status < 300, url,
      headers: { get: (k) => (map.has(StringFn(k).toLowerCase()) ? map.get(StringFn(k).toLowerCase()) : null), has: (k) => map.has(StringFn(k).toLowerCase()) },
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
      if (init && init.headers) for (const k of Object.keys(init.headers)) headers.push([k, StringFn(init.headers[k])]);
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

  // ---------------------------------------------------------------- modules
  const moduleCache = new MapCtor();     // path -> module record
  const resolveCache = new MapCtor();    // from + NUL + specifier -> resolution (hits never reach the host)
  function loadError(message, code) {
    const e = new ErrorCtor(message);
    e.code = code;
    return e;
  }
  function resolve(from, specifier) {
    if (typeof specifier !== 'string') throw new TypeErrorCtor('The "id" argument must be of type string');
    const key = from + '\0' + specifier;
    let r = resolveCache.get(key);
    if (r === undefined) {
      r = JSONparse(hostResolve(from, specifier, 'require'));
      if (!r.error && resolveCache.size < 10000) resolveCache.set(key, r);
    }
    if (r.error) throw loadError(r.error, r.code);
    return r;
  }
  function makeRequire(from) {
    const require = function require(specifier) { return loadModule(resolve(from, specifier)).exports; };
    require.resolve = function (specifier) { return resolve(from, specifier).path; };
    require.cache = Object.create(null);
    return require;
  }
  function loadModule(r) {
    const cached = moduleCache.get(r.path);
    if (cached !== undefined) return cached;
    if (r.format === 'esm') throw loadError('require() of ES Module ' + r.path + ' is not supported: use import, or make it CommonJS', 'ERR_REQUIRE_ESM');
    const source = hostSource(r.path);
    if (typeof source !== 'string') throw loadError("Cannot find module '" + r.path + "'", 'MODULE_NOT_FOUND');
    const dir = r.path.slice(0, r.path.lastIndexOf('/')) || '/';
    const module = { id: r.path, filename: r.path, path: dir, exports: {}, loaded: false, children: [] };
    moduleCache.set(r.path, module);
    try {
      if (r.format === 'json') {
        module.exports = JSONparse(source);
      } else {
        const src = source.charCodeAt(0) === 0x23 && source.charCodeAt(1) === 0x21 ? '//' + source : source;   // shebang
        const fn = indirectEval('(function (exports, require, module, __filename, __dirname) {' + src + '\n})\n//# sourceURL=' + r.path);
        fn.call(module.exports, module.exports, makeRequire(r.path), module, r.path, dir);
      }
    } catch (e) {
      moduleCache.delete(r.path);
      throw e;
    }
    module.loaded = true;
    return module;
  }
  // ESM importing CommonJS: the host compiles `export default <this>(path)` for such imports.
  function cjsForEsm(path, format) {
    return loadModule({ path, format }).exports;
  }

  // -------------------------------------------------------------- handlers
  let handlerFn = null;
  let handlerThis;                  // the object the handler was found on (web handlers are called as methods)
  let handlerError = null;
  // `exports[name]`, else `exports.default[name]` (Workers modules: `export default { fetch }`,
  // `module.exports = { fetch }`, `module.exports.default = { fetch }`).
  function pickHandler(exportsObj, name, label) {
    let fn, self = exportsObj;
    try {
      fn = exportsObj == null ? undefined : exportsObj[name];
      if (typeof fn !== 'function' && exportsObj != null) {
        const def = exportsObj.default;
        if (def != null && (typeof def === 'object' || typeof def === 'function')) { self = def; fn = def[name]; }
      }
    } catch (e) { fn = undefined; }
    if (typeof fn !== 'function') { handlerError = 'handler missing: ' + label; return; }
    handlerFn = fn;
    handlerThis = self;
  }
  // Called once per instance: load the CommonJS entry file and pick the handler.
  // Init logs carry request id '' and are attached by the host to the first invocation.
  function beginInit() {
    current = '';
    active.set('', { done: false, logLines: 0, logBytes: 0, logCut: false });
  }
  function endInit(exportsObj, exportName, label) {
    pickHandler(exportsObj, exportName, label);
    active.delete('');
    return handlerFn !== null ? '' : JSONstringify({ missing: handlerError });
  }
  function initCjs(path, format, exportName, label) {
    beginInit();
    let exp;
    try {
      exp = loadModule({ path, format }).exports;
    } catch (e) {
      active.delete('');
      return JSONstringify({ thrown: JSONparse(errorInfo(e)) });
    }
    return endInit(exp, exportName, label);
  }
  let esmNamespace = null;
  // Called by the host's wrapper module once the ESM graph (top-level await included) has evaluated.
  function esmReady(ns) {
    esmNamespace = ns;
    hostDone('', 'init', '');
  }
  function initEsm(exportName, label) {
    const ns = esmNamespace;
    esmNamespace = null;
    return endInit(ns, exportName, label);
  }

  function errorInfo(e) {
    let name = 'Error', message = '', stack = '';
    try {
      if (typeof e === 'object' && e !== null) {
        const n = e.name; name = typeof n === 'string' ? n : (n === undefined ? 'Error' : StringFn(n));
        const m = e.message; message = typeof m === 'string' ? m : (m === undefined ? '' : StringFn(m));
        const s = e.stack; stack = typeof s === 'string' ? s : '';
        if (m === undefined && n === undefined) { name = ''; message = StringFn(e); }
      } else {
        name = ''; message = StringFn(e);
      }
    } catch (err) {
      name = 'Error'; message = 'thrown value could not be converted to a string';
    }
    if (name.length > 256) name = name.slice(0, 256);
    if (message.length > 4096) message = message.slice(0, 4096);
    if (stack.length > 16384) stack = stack.slice(0, 16384);
    return JSONstringify({ name: '' + name, message: '' + message, stack: '' + stack });
  }
  function finish(rid, err, value) {
    const st = active.get(rid);
    if (st === undefined || st.done) return;
    st.done = true;
    current = rid;
    if (err !== undefined && err !== null) {
      active.delete(rid);
      hostDone(rid, 'error', errorInfo(err));
      return;
    }
    let json;
    try {
      json = value === undefined ? 'null' : JSONstringify(value);
      if (json === undefined) json = 'null';
    } catch (e) {
      active.delete(rid);
      hostDone(rid, 'error', errorInfo(e));
      return;
    }
    active.delete(rid);
    if (json.length > MAX_RESULT) {
      hostDone(rid, 'error', JSONstringify({ name: 'Error', message: 'response size exceeds ' + MAX_RESULT + ' bytes', stack: '' }));
      return;
    }
    hostDone(rid, 'ok', json);
  }
  function isThenable(v) {
    return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function';
  }
  // Host entry: one invocation. `info` is JSON {deadline, functionName, ...}.
  function dispatch(rid, eventJson, infoJson) {
    current = rid;
    active.set(rid, { done: false, logLines: 0, logBytes: 0, logCut: false });
    if (handlerFn === null) {
      const st = active.get(rid); st.done = true; active.delete(rid);
      hostDone(rid, 'setup', handlerError || 'handler missing');
      return;
    }
    const info = JSONparse(infoJson);
    let event;
    try { event = JSONparse(eventJson); } catch (e) { finish(rid, e); return; }
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      request_id: rid,
      requestId: rid,
      function_name: config.functionName,
      function_version: config.version,
      namespace: config.namespace,
      memory_limit_in_mb: config.memoryMb,
      time_limit_in_ms: config.timeoutMs,
      environment: JSONstringify(config.env),
      getRemainingTimeInMillis() { const r = info.deadline - DateNow(); return r > 0 ? r : 0; },
      console: makeConsole(rid),
    };
    const callback = (err, result) => finish(rid, err, result);
    let ret;
    try {
      ret = handlerFn.length >= 3 ? handlerFn(event, context, callback) : handlerFn(event, context);
    } catch (e) {
      finish(rid, e === undefined ? new ErrorCtor('undefined thrown') : e);
      return;
    }
    try {
      if (isThenable(ret)) {
        // The captured `then`: tenant code may have replaced Promise.prototype.then.
        ReflectApply(PromiseThen, track(rid, ret), [(v) => { current = rid; finish(rid, null, v); },
          (e) => { current = rid; finish(rid, e === undefined || e === null ? new ErrorCtor('Promise rejected with ' + e) : e); }]);
      } else if (handlerFn.length < 3) {
        finish(rid, null, ret);
      }
    } catch (e) {
      finish(rid, e);
    }
  }
  // Host entry: a timer came due (only while some invocation is active).
  function fireTimer(id) {
    const t = timers.get(id);
    if (t === undefined) return;
    if (!t.repeat) timers.delete(id);
    current = t.rid;
    try {
      t.cb(...t.args);
    } catch (e) {
      finish(t.rid, e === undefined ? new ErrorCtor('undefined thrown') : e);
    }
  }
  // Host entry: a fetch finished. `body` arrives as an ArrayBuffer copy.
  function fetchDone(id, ok, status, statusText, headersJson, body, errMessage) {
    const f = fetches.get(id);
    if (f === undefined) return;
    fetches.delete(id);
    current = f.rid;
    if (!ok) { f.reject(new TypeErrorCtor('fetch failed: ' + errMessage)); return; }
    const pairs = JSONparse(headersJson);
    const bytes = new Uint8Array(body);
    try {
      if (typeof Res === 'function') {
        const nullBody = status === 101 || status === 103 || status === 204 || status === 205 || status === 304;
        const h = new Hdrs();
        for (const [k, v] of pairs) { try { h.append(k, v); } catch { /* drop header invalid in the sandbox */ } }
        const res = new Res(nullBody ? null : bytes, { status: status < 200 ? 200 : status, statusText, headers: h });
        try { Object.defineProperty(res, 'url', { value: f.url, enumerable: true, configurable: true }); } catch { /* ignore */ }
        f.resolve(res);
      } else {
        f.resolve(fallbackResponse(status, statusText, pairs, bytes, f.url));
      }
    } catch (e) {
      f.reject(e);
    }
  }
  // Host entry: an invocation was ended by the host (timeout/cancel/fault): forget it; an HTTP
  // request's body stream errors and its response stream is cancelled.
  function forget(rid) {
    const st = active.get(rid);
    active.delete(rid);
    if (st !== undefined && st.http !== undefined) httpAbort(st.http);
  }

  // ------------------------------------------------------- HTTP (fetch handler)
  // In sandbox/http.js; host/sandbox.ts passes its factory in as `makeHttp`.
  // eslint-disable-next-line no-undef
  const http = makeHttp({
    config, hostBridge, hostHttp, hostDone, active, env,
    setCurrent(rid) { current = rid; },
    handler() { return { fn: handlerFn, self: handlerThis, error: handlerError }; },
    errorInfo, makeConsole, emit, track, isThenable, PromiseThen, makeWs, // makeWs: see host/sandbox.ts
  });
  const { dispatchHttp, dispatchHttpBatch, httpCredit, httpBody, httpAbort, wsEvents } = http;

  return { dispatch, fireTimer, fetchDone, initCjs, beginInit, initEsm, esmReady, cjsForEsm, forget, dispatchHttp, dispatchHttpBatch, httpCredit, httpBody, wsEvents };
})
