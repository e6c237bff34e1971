'use strict';
// Provisioning (Executor.provision): instances started without a call, so the calls that find
// them pay no cold start; progress reported by `provisioned`; 0 hands them back.
const { fnTest, waitFor } = require('./harness');

module.exports = (t, driver) => {
  fnTest(t, driver, 'provisioned instances are started ahead of calls, and calls on them are warm', ['counter-global'], async (t) => {
    const fn = driver.deploy('counter-global');
    t.same(driver.provisioned(fn), { target: 0, ready: 0, error: null }, 'nothing asked for yet');
    driver.provision(fn, 2);
    t.equal(driver.provisioned(fn).target, 2);
    const ready = await waitFor(() => driver.provisioned(fn).ready === 2, 20_000);
    t.ok(ready, `both instances started before any call: ${JSON.stringify(driver.provisioned(fn))}`);
    t.same(driver.stats(fn), { busy: 0, idle: 2 }, 'two idle instances');
    const [a, b] = await Promise.all([driver.invoke(fn, { sleep_ms: 100 }), driver.invoke(fn, { sleep_ms: 100 })]);
    t.same([a.result, b.result], ['1', '1'], `each call on its own fresh instance: ${[a, b].map((o) => o.errorMessage).join()}`);
    t.not(a.instanceId, b.instanceId);
    t.notOk(a.coldStart, 'no cold start paid by a call on a provisioned instance');
    t.notOk(b.coldStart);
    driver.provision(fn, 0);
    t.same(driver.provisioned(fn), { target: 0, ready: 0, error: null }, 'released');
  });
};
