// Request attribution (part of the bootstrap, see ../bootstrap.js): which request is
// the code running now serving? (1) `current`, set by every entry from the host
// (dispatch, timer, fetch completion, body chunk, credit: setCurrent) and by `then`
// callbacks, which restore the request that scheduled them (Promise.prototype.then is
// wrapped here); (2) for `await` continuations, which V8 resumes without any hook,
// the async stack: each request's handler promise is awaited by an async function
// named RID_PREFIX + rid (track()), and V8's async stack traces list that awaiter for
// code resumed anywhere in the handler's await chain. The stack is only walked for a
// call made while more than one request is active (runningRid).
// Uses: define.
let active, runningRid, setCurrent, track, PromiseThen;
{
  const ErrorCtor = Error;
  const MapCtor = Map;
  const PromiseCtor = Promise;
  // The original: every platform promise goes through it, whatever the tenant does to `then`.
  PromiseThen = Promise.prototype.then;
  const ReflectApply = Reflect.apply;

  let current = '';                 // request id of the code running now
  active = new MapCtor();     // request id -> { done, logLines, logBytes, logCut, http? }

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
  /** The request of the code running now. */
  runningRid = function runningRid() {
    if (active.size <= 1) return current;
    const r = ridFromStack();
    return r !== null && active.has(r) ? r : current;
  };
  /** Called by every entry: the request its code serves. */
  setCurrent = function setCurrent(rid) { current = rid; };
  /** A promise that settles like `p`, awaited by an async function whose name carries the request id. */
  track = function track(rid, p) {
    const name = RID_PREFIX + rid;
    const holder = { [name]: async function () { return await p; } };
    return holder[name]();
  };
  // `then` callbacks restore the request that scheduled them (catch/finally go through then).
  const wrapThen = function (cb) {
    if (typeof cb !== 'function') return cb;
    const rid = runningRid();
    return function (v) { current = rid; return cb(v); };
  };
  define(PromiseCtor.prototype, 'then', { then(onFulfilled, onRejected) {
    return ReflectApply(PromiseThen, this, [wrapThen(onFulfilled), wrapThen(onRejected)]);
  } }.then);
}
