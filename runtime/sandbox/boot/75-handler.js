// The function's handler (part of the bootstrap): loading it once per instance (the
// init entries: CommonJS here, an ES module graph through the host's wrapper module)
// and event invocations (dispatch: `main_handler(event, context[, callback])`).
// Web functions find their fetch handler through handler() (80-http.js).
// A graceful stop (TerminateAsyncEvent with GraceShutdown) reaches an event invocation as the
// `abort` event of `context.signal` (terminate(), the isolate's SIGTERM).
// Uses: config, hostDone, active, setCurrent, track, PromiseThen (10), errorInfo, finish, isThenable (20), makeConsole (30), loadModule (70).
let handler, beginInit, initCjs, esmReady, initEsm, dispatch, terminate;
{
  const AbortControllerCtor = globalThis.AbortController;   // captured before tenant code can replace them
  const DOMExceptionCtor = globalThis.DOMException;
  const JSONparse = JSON.parse;
  const JSONstringify = JSON.stringify;
  const ReflectApply = Reflect.apply;
  const ErrorCtor = Error;
  const DateNow = Date.now;

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
  /** The handler, the object it was found on, and why there is none. */
  handler = function handler() {
    return { fn: handlerFn, self: handlerThis, error: handlerError };
  };
  // Called once per instance: load the CommonJS entry file and pick the handler.
  // Init logs carry request id '' and are attached by the host to the first invocation.
  beginInit = function beginInit() {
    setCurrent('');
    active.set('', { done: false, logLines: 0, logBytes: 0, logCut: false });
  };
  function endInit(exportsObj, exportName, label) {
    pickHandler(exportsObj, exportName, label);
    active.delete('');
    return handlerFn !== null ? '' : JSONstringify({ missing: handlerError });
  }
  initCjs = function initCjs(path, format, exportName, label) {
    beginInit();
    let exp;
    try {
      exp = loadModule({ path, format }).exports;
    } catch (e) {
      active.delete('');
      return JSONstringify({ thrown: JSONparse(errorInfo(e)) });
    }
    return endInit(exp, exportName, label);
  };
  let esmNamespace = null;
  // Called by the host's wrapper module once the ESM graph (top-level await included) has evaluated.
  esmReady = function esmReady(ns) {
    esmNamespace = ns;
    hostDone('', 'init', '');
  };
  initEsm = function initEsm(exportName, label) {
    const ns = esmNamespace;
    esmNamespace = null;
    return endInit(ns, exportName, label);
  };

  // Host entry: one event invocation. `info` is JSON {deadline}.
  dispatch = function dispatch(rid, eventJson, infoJson) {
    setCurrent(rid);
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
      // Made on first use (most handlers never look), kept on the request's state for terminate().
      get signal() {
        const st = active.get(rid);
        if (st === undefined) return new AbortControllerCtor().signal;   // the request ended
        if (st.stop === undefined) {
          st.stop = new AbortControllerCtor();
          if (st.terminated) st.stop.abort(st.terminated);
        }
        return st.stop.signal;
      },
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
        ReflectApply(PromiseThen, track(rid, ret), [(v) => { setCurrent(rid); finish(rid, null, v); },
          (e) => { setCurrent(rid); finish(rid, e === undefined || e === null ? new ErrorCtor('Promise rejected with ' + e) : e); }]);
      } else if (handlerFn.length < 3) {
        finish(rid, null, ret);
      }
    } catch (e) {
      finish(rid, e);
    }
  };

  // Host entry: a graceful stop of the running event invocation `rid`: `context.signal`
  // fires `abort` (its listeners run now, attributed to the request). The platform line
  // goes to the request's log only when the request was still running here.
  terminate = function terminate(rid) {
    const st = active.get(rid);
    if (st === undefined || st.done || st.terminated) return;
    setCurrent(rid);
    makeConsole(rid).log('[PLATFORM] Signal received successfully');
    st.terminated = new DOMExceptionCtor('The invocation was terminated (TerminateAsyncEvent, GraceShutdown).', 'AbortError');
    if (st.stop !== undefined) st.stop.abort(st.terminated);
  };
}
