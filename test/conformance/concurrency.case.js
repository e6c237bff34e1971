'use strict';
// Concurrency: with one slot per instance, N parallel calls run on N instances, each with its own result.
const { fnTest, okResult } = require('./harness');

const N = 4;

module.exports = (t, driver) => {
  fnTest(t, driver, `${N} parallel calls, 1 slot per instance → ${N} instances with their own state`, ['counter-global'], async (t) => {
    const fn = driver.deploy('counter-global', { instanceConcurrency: 1 });
    const outs = await Promise.all(Array.from({ length: N }, () => driver.invoke(fn, { sleep_ms: 300 })));
    t.same(outs.map((o) => o.result), Array(N).fill('1'), 'no two calls shared an instance');
    t.equal(new Set(outs.map((o) => o.instanceId)).size, N);
    t.ok(outs.every((o) => o.coldStart), 'each was a cold start');
  });

  fnTest(t, driver, 'parallel calls get their own events and results', ['sleep-echo'], async (t) => {
    const fn = driver.deploy('sleep-echo');
    const events = Array.from({ length: N }, (_, i) => ({ i, sleep_ms: 50 + ((i * 37) % 4) * 40, tag: `call-${i}` }));
    const outs = await Promise.all(events.map((e) => driver.invoke(fn, e)));
    outs.forEach((o, i) => t.same(okResult(t, o), events[i], `call ${i}`));
    t.equal(new Set(outs.map((o) => o.instanceId)).size, N);
  });
};
