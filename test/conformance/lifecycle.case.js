'use strict';
// The executor itself: stats as a snapshot of busy/idle instances; close() finishes in-flight work,
// then refuses new work and is idempotent; destroy() ends in-flight work at once.
const { fnTest, okResult, waitFor, sleep } = require('./harness');

module.exports = (t, driver) => {
  fnTest(t, driver, 'stats: a running call is a busy instance, then an idle one', ['sleep-echo'], async (t) => {
    const fn = driver.deploy('sleep-echo');
    t.same(driver.stats(fn), { busy: 0, idle: 0 }, 'nothing before the first call');
    const p = driver.invoke(fn, { sleep_ms: 500 });
    t.ok(await waitFor(() => driver.stats(fn).busy === 1), `busy while running: ${JSON.stringify(driver.stats(fn))}`);
    okResult(t, await p);
    t.ok(await waitFor(() => driver.stats(fn).busy === 0 && driver.stats(fn).idle === 1), `idle after: ${JSON.stringify(driver.stats(fn))}`);
  });

  fnTest(t, driver, 'close() lets in-flight work finish, then refuses; it is idempotent', ['sleep-echo'], async (t) => {
    const ex = await driver.open();
    t.teardown(() => ex.destroy());
    const fn = driver.deploy('sleep-echo');
    const p = ex.invoke(fn, { sleep_ms: 300 });
    await sleep(100);
    const closing = ex.close();
    t.same(okResult(t, await p), { sleep_ms: 300 }, 'the call in flight finished');
    await closing;
    await ex.close();
    const after = await ex.invoke(fn, { sleep_ms: 1 });
    t.equal(after.kind, 'internal', 'refused after close');
    t.ok(after.errorMessage);
  });

  fnTest(t, driver, 'destroy() ends in-flight work at once', ['sleep-echo'], async (t) => {
    const ex = await driver.open();
    t.teardown(() => ex.destroy());
    const fn = driver.deploy('sleep-echo', { timeoutMs: 10_000 });
    const p = ex.invoke(fn, { sleep_ms: 5000 });
    await sleep(200);
    const t0 = Date.now();
    ex.destroy();
    const o = await p;
    t.equal(o.kind, 'internal');
    t.ok(Date.now() - t0 < 1000, `ended ${Date.now() - t0} ms after destroy()`);
  });
};
