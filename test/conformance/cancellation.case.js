'use strict';
// Cancellation: aborting the signal ends the invocation at once as 'canceled'; the function keeps serving.
const { fnTest, okResult } = require('./harness');

module.exports = (t, driver) => {
  fnTest(t, driver, 'abort while running → canceled, at once', ['sleep-echo'], async (t) => {
    const fn = driver.deploy('sleep-echo', { timeoutMs: 10_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    const o = await driver.invoke(fn, { sleep_ms: 5000 }, { signal: ac.signal });
    t.equal(o.kind, 'canceled');
    t.equal(o.result, undefined);
    t.ok(Date.now() - t0 < 1000, `answered ${Date.now() - t0} ms after the call, not after the sleep`);
    t.same(okResult(t, await driver.invoke(fn, { sleep_ms: 1 })), { sleep_ms: 1 }, 'the function keeps serving');
  });

  fnTest(t, driver, 'a signal already aborted → canceled without running', ['counter-global'], async (t) => {
    const fn = driver.deploy('counter-global');
    const ac = new AbortController();
    ac.abort();
    const o = await driver.invoke(fn, {}, { signal: ac.signal });
    t.equal(o.kind, 'canceled');
    t.same(o.logs, [], 'nothing ran: not even the init output');
    t.equal((await driver.invoke(fn)).result, '1');
  });
};
