// setTimeout, setInterval, clearTimeout, clearInterval and queueMicrotask (part of the
// bootstrap). Timers live on the host (the `timer` capability; at most
// limits.maxTimers pending); a callback runs as the request that created it, and one
// that throws fails that request.
// Uses: config, define, hostTimer, runningRid, setCurrent, PromiseThen, asyncContext (10), finish (20).
let fireTimer;
{
  const g = globalThis;
  const MapCtor = Map;
  const PromiseCtor = Promise;
  const ReflectApply = Reflect.apply;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const RangeErrorCtor = RangeError;
  const MAX_TIMERS = config.limits.maxTimers;

  let nextTimerId = 1;
  const timers = new MapCtor();     // id -> { cb, args, rid, repeat, frame }
  function addTimer(cb, ms, args, repeat) {
    if (typeof cb !== 'function') throw new TypeErrorCtor('The "callback" argument must be of type function');
    if (timers.size >= MAX_TIMERS) throw new RangeErrorCtor('Too many pending timers (limit ' + MAX_TIMERS + ')');
    let delay = +ms;
    if (!(delay >= 1 && delay <= 2147483647)) delay = 1;
    const id = nextTimerId++;
    const rid = runningRid();
    timers.set(id, { cb, args, rid, repeat, frame: asyncContext.current() });
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
      const frame = asyncContext.current();
      const run = () => { setCurrent(rid); asyncContext.run(frame, fn, undefined, []); };
      if (webQueueMicrotask !== null) webQueueMicrotask(run);
      else ReflectApply(PromiseThen, PromiseCtor.resolve(), [run]);
    });
  }

  // Host entry: a timer came due (only while some invocation is active).
  fireTimer = function fireTimer(id) {
    const t = timers.get(id);
    if (t === undefined) return;
    if (!t.repeat) timers.delete(id);
    setCurrent(t.rid);
    try {
      asyncContext.run(t.frame, t.cb, undefined, t.args);
    } catch (e) {
      finish(t.rid, e === undefined ? new ErrorCtor('undefined thrown') : e);
    }
  };
}
