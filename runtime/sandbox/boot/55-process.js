// performance and process (part of the bootstrap): performance.now() in milliseconds
// since the instance started, process = { env, nextTick }, env being the function's
// environment only (the same object the fetch handler gets as `env`).
// Uses: config, define.
let env;
{
  const StringFn = String;
  const PromiseCtor = Promise;
  const TypeErrorCtor = TypeError;
  const DateNow = Date.now;

  const timeOrigin = DateNow();
  define(globalThis, 'performance', { now() { return DateNow() - timeOrigin; }, timeOrigin });
  env = {};
  for (const key of Object.keys(config.env)) env[key] = StringFn(config.env[key]);
  define(globalThis, 'process', {
    env,
    nextTick(fn, ...args) {
      if (typeof fn !== 'function') throw new TypeErrorCtor('The "callback" argument must be of type function');
      PromiseCtor.resolve().then(() => fn(...args));
    },
  });
}
