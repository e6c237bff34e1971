// Request attribution (part of the bootstrap, see ../bootstrap.js): which request is
// the code running now serving? (1) `current`, set by every entry from the host
// (dispatch, timer, fetch completion, body chunk, credit: setCurrent) and by `then`
// callbacks, which restore the request that scheduled them (Promise.prototype.then is
// wrapped here); (2) for `await` continuations, which V8 resumes without any hook,
// the async stack: each request's handler promise is awaited by an async function
// named RID_PREFIX + rid (track()), and V8's async stack traces list that awaiter for
// code resumed anywhere in the handler's await chain. The stack is only walked for a
// call made while more than one request is active (runningRid).
//
// The async context (AsyncLocalStorage of the Node.js compatibility set) rides on the
// same two mechanisms: `frame` (an immutable Map store owner → store, or null) is
// captured with the request by `then`, timers and microtasks and restored around
// their callbacks (`frameValid` says it is authoritative: inside run() or such a
// callback); an `await` continuation finds it on the async stack, from the marker
// function that asyncContext.track() puts between a run()'s promise and its awaiters.
// Uses: define.
let active, runningRid, setCurrent, track, PromiseThen, asyncContext;
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
  const FRAME_PREFIX = '__isola_ctx_';
  const captureStackTrace = ErrorCtor.captureStackTrace;
  let wanted = RID_PREFIX;   // the marker prefix findMarker looks for
  function findMarker(_e, sites) {
    for (let i = 0; i < sites.length; i++) {
      const n = sites[i].getFunctionName();
      if (typeof n === 'string' && n.length > wanted.length && n.startsWith(wanted)) return n.slice(wanted.length);
    }
    return null;
  }
  /** The innermost marker with `prefix` on the (async) stack: what follows the prefix, or null. */
  function markerFromStack(prefix) {
    let r = null, saveP, saveL, saved = false;
    try {
      saveP = ErrorCtor.prepareStackTrace; saveL = ErrorCtor.stackTraceLimit; saved = true;
      wanted = prefix;
      ErrorCtor.prepareStackTrace = findMarker;
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
    // One request active and it is the entry's: nothing else can be running. When the entry's
    // request has already answered (a response made synchronously ends it at once), code running
    // now may be another request's `await` continuation that it woke: ask the stack.
    if (active.size === 0 || (active.size === 1 && active.has(current))) return current;
    const r = markerFromStack(RID_PREFIX);
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
  let frame = null;          // the async context now (see the head of this file)
  let frameValid = false;    // true inside run() and inside callbacks that restored a captured frame
  const tracked = new MapCtor();   // marker number -> frame of a run() whose promise is pending
  let nextMarker = 1;
  /** The async context of the code running now. */
  const currentFrame = () => {
    if (frameValid || tracked.size === 0) return frame;
    const n = markerFromStack(FRAME_PREFIX);
    const f = n === null ? undefined : tracked.get(n);
    return f === undefined ? frame : f;
  };
  /** Runs fn(...args) with `f` as the async context (authoritative), then restores the previous one. */
  const runInFrame = (f, fn, thisArg, args) => {
    const prevFrame = frame, prevValid = frameValid;
    frame = f; frameValid = true;
    try { return ReflectApply(fn, thisArg, args); } finally { frame = prevFrame; frameValid = prevValid; }
  };
  asyncContext = {
    current: currentFrame,
    run: runInFrame,
    /** A promise settling like `p`, awaited by a marker function naming `f` (so await continuations in p's chain find it). */
    track(f, p) {
      const n = '' + nextMarker++;
      tracked.set(n, f);
      const holder = { [FRAME_PREFIX + n]: async function () { try { return await p; } finally { tracked.delete(n); } } };
      return holder[FRAME_PREFIX + n]();
    },
  };
  // `then` callbacks restore the request and the async context that scheduled them
  // (catch/finally go through then).
  const wrapThen = function (cb) {
    if (typeof cb !== 'function') return cb;
    const rid = runningRid();
    const f = currentFrame();
    if (f === null && !frameValid) return function (v) { current = rid; return cb(v); };
    return function (v) { current = rid; return runInFrame(f, cb, undefined, [v]); };
  };
  define(PromiseCtor.prototype, 'then', { then(onFulfilled, onRejected) {
    return ReflectApply(PromiseThen, this, [wrapThen(onFulfilled), wrapThen(onRejected)]);
  } }.then);
}
