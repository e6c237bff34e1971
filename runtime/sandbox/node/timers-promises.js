// node:timers/promises for the isolate's Node.js compatibility set: promise
// forms of the timers, cancellable with an AbortSignal (AbortError, as in Node).
'use strict';

const g = globalThis;

function abortError(signal) {
  const e = new Error('The operation was aborted', { cause: signal.reason });
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  return e;
}
function checkSignal(options) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') throw new TypeError('The "options" argument must be of type object');
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('The "options.signal" property must be an instance of AbortSignal');
  return signal;
}

function setTimeout(ms, value, options) {
  const signal = checkSignal(options);
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => { g.clearTimeout(id); reject(abortError(signal)); };
    const id = g.setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(value); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
function setImmediate(value, options) { return setTimeout(0, value, options); }

/** An async iterator yielding `value` every `ms` until the loop stops or the signal aborts. */
async function* setInterval(ms, value, options) {
  const signal = checkSignal(options);
  if (signal?.aborted) throw abortError(signal);
  let pending = 0;
  let wake = null;
  const id = g.setInterval(() => { pending++; if (wake) { wake(); wake = null; } }, ms);
  const onAbort = () => { if (wake) { wake(); wake = null; } };
  signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      if (pending === 0) await new Promise((resolve) => { wake = resolve; });
      if (signal?.aborted) throw abortError(signal);
      pending--;
      yield value;
    }
  } finally {
    g.clearInterval(id);
    signal?.removeEventListener('abort', onAbort);
  }
}

const scheduler = {
  wait: (ms, options) => setTimeout(ms, undefined, options),
  yield: () => setImmediate(),
};

module.exports = { setTimeout, setImmediate, setInterval, scheduler };
