'use strict';
// Warm reuse: module state survives between calls on one instance; code outside the handler runs
// once per instance and its output goes to the first invocation; coldStart phases only on a cold start.
const { fnTest } = require('./harness');

const PHASES = ['pullCodeMs', 'initRuntimeMs', 'initFunctionMs', 'totalMs'];

module.exports = (t, driver) => {
  fnTest(t, driver, 'globals survive between calls on one instance; a cold start reports its phases once', ['counter-global'], async (t) => {
    const fn = driver.deploy('counter-global');
    const a = await driver.invoke(fn);
    const b = await driver.invoke(fn);
    const c = await driver.invoke(fn);
    t.same([a.result, b.result, c.result], ['1', '2', '3'], [a, b, c].map((o) => o.errorMessage).join());
    t.equal(b.instanceId, a.instanceId);
    t.equal(c.instanceId, a.instanceId);
    t.ok(a.coldStart, 'the first call paid for a cold start');
    for (const k of PHASES) t.ok(typeof a.coldStart?.[k] === 'number' && a.coldStart[k] >= 0, `coldStart.${k} = ${a.coldStart?.[k]}`);
    t.ok(a.coldStart.totalMs >= Math.max(a.coldStart.initRuntimeMs, a.coldStart.initFunctionMs), 'the total covers each phase');
    t.notOk(b.coldStart, 'no coldStart on a warm call');
    t.notOk(c.coldStart);
    t.same(a.logs.map((l) => [l.message, l.requestId]), [['init once', a.requestId]], 'init output goes to the first invocation');
    t.same(b.logs, []);
  });

  fnTest(t, driver, 'a second instance starts with fresh state while the first keeps its own', ['counter-global'], async (t) => {
    const fn = driver.deploy('counter-global');
    for (let i = 0; i < 3; i++) await driver.invoke(fn);
    const [x, y] = await Promise.all([driver.invoke(fn, { sleep_ms: 100 }), driver.invoke(fn, { sleep_ms: 100 })]);
    t.same([x.result, y.result].sort(), ['1', '4'], 'the warm instance goes on at 4, the new one starts at 1');
    t.not(x.instanceId, y.instanceId);
    t.equal([x, y].filter((o) => o.coldStart).length, 1, 'exactly one of them was a cold start');
  });

  fnTest(t, driver, 'a new version is a new pool: state starts over', ['counter-global'], async (t) => {
    const v1 = driver.deploy('counter-global');
    await driver.invoke(v1);
    t.equal((await driver.invoke(v1)).result, '2');
    const v2 = driver.deploy('counter-global');
    const o = await driver.invoke(v2);
    t.equal(o.result, '1');
    t.ok(o.coldStart);
  });
};
