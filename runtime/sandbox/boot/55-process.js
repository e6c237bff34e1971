// performance and process (part of the bootstrap): performance.now() in milliseconds
// since the instance started (configure: a spare is bootstrapped before), process =
// { env, nextTick }, env being the function's environment only (the same object the
// fetch handler gets as `env`), filled at configure.
// Uses: config, configureSteps, define.
let env;
{
  const StringFn = String;
  const PromiseCtor = Promise;
  const TypeErrorCtor = TypeError;
  const DateNow = Date.now;

  let timeOrigin = DateNow();
  const performance = { now() { return DateNow() - timeOrigin; }, timeOrigin };
  define(globalThis, 'performance', performance);
  env = {};
  configureSteps.push(() => {
    timeOrigin = DateNow();
    performance.timeOrigin = timeOrigin;
    for (const key of Object.keys(config.env)) env[key] = StringFn(config.env[key]);
  });
  define(globalThis, 'process', {
    env,
    nextTick(fn, ...args) {
      if (typeof fn !== 'function') throw new TypeErrorCtor('The "callback" argument must be of type function');
      PromiseCtor.resolve().then(() => fn(...args));
    },
  });
}
