'use strict';
// The context argument: request id, function name/version/namespace, limits, remaining time, environment.
const { fnTest, okResult } = require('./harness');

module.exports = (t, driver) => {
  fnTest(t, driver, 'context fields carry the request and the function configuration', ['context-dump'], async (t) => {
    const env = { A: '1', B: 'two' };
    const fn = driver.deploy('context-dump', { functionName: 'hello', version: '3', namespace: 'ns1', env, memoryMb: 256, timeoutMs: 3000 });
    const o = await driver.invoke(fn);
    const c = okResult(t, o);
    t.equal(c.request_id, o.requestId);
    t.equal(c.function_name, 'hello');
    t.equal(c.function_version, '3');
    t.equal(c.namespace, 'ns1');
    t.equal(c.memory_limit_in_mb, 256);
    t.equal(c.time_limit_in_ms, 3000);
    t.ok(c.remaining_time_in_ms > 0 && c.remaining_time_in_ms <= 3000, `remaining ${c.remaining_time_in_ms}`);
    t.type(c.environment, 'string', 'environment is a JSON string');
    t.same(JSON.parse(c.environment), env);
  });

  fnTest(t, driver, 'each invocation gets its own request id; $LATEST and defaults', ['context-dump'], async (t) => {
    const fn = driver.deploy('context-dump');
    const [a, b] = [okResult(t, await driver.invoke(fn)), okResult(t, await driver.invoke(fn))];
    t.not(a.request_id, b.request_id);
    t.equal(a.function_version, '$LATEST');
    t.equal(a.namespace, 'default');
    t.same(JSON.parse(a.environment), {});
  });

  fnTest(t, driver, 'getRemainingTimeInMillis counts down from the time limit', ['context-dump'], async (t) => {
    const fn = driver.deploy('context-dump', { timeoutMs: 2000 });
    const c = okResult(t, await driver.invoke(fn, { sleep_ms: 300 }));
    t.ok(c.remaining_time_in_ms > 0 && c.remaining_time_in_ms <= 1710, `remaining after 300 ms of 2000: ${c.remaining_time_in_ms}`);
  });
};
