// How a request ends (part of the bootstrap): reported by the isolate through the
// `done` capability (finish: the result as JSON, capped, or the error serialised
// here, under the watchdog, so the host never copies a tenant object), or ended by
// the host (forget: timeout, cancel, fault).
// Uses: config, hostDone, active, setCurrent (10), httpAbort (80).
let errorInfo, finish, isThenable, forget;
{
  const JSONstringify = JSON.stringify;
  const StringFn = String;
  const MAX_RESULT = config.limits.maxResultBytes;

  /** { name, message, stack } of a thrown value as JSON, each capped; getters run here, under the watchdog. */
  errorInfo = function errorInfo(e) {
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
  };
  /** Ends an event invocation with an error or a value (once). */
  finish = function finish(rid, err, value) {
    const st = active.get(rid);
    if (st === undefined || st.done) return;
    st.done = true;
    setCurrent(rid);
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
  };
  isThenable = function isThenable(v) {
    return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function';
  };
  // Host entry: an invocation was ended by the host (timeout/cancel/fault): forget it; an HTTP
  // request's body stream errors and its response stream is cancelled.
  forget = function forget(rid) {
    const st = active.get(rid);
    active.delete(rid);
    if (st !== undefined && st.http !== undefined) httpAbort(st.http);
  };
}
