'use strict';
// Timeouts: a handler that never settles, one that never yields; the instance is discarded after.
const { fnTest } = require('./harness');

const TIMEOUT = 1000;

function assertTimeout(t, o, elapsed) {
  t.equal(o.kind, 'timeout');
  t.equal(o.errorMessage, 'time out');
  t.equal(o.result, undefined);
  t.ok(o.durationMs >= TIMEOUT - 50 && o.durationMs < TIMEOUT + 1500, `durationMs ${o.durationMs}`);
  t.ok(elapsed >= TIMEOUT - 50 && elapsed < TIMEOUT + 2000, `answered after ${elapsed} ms`);
}

async function timed(p) {
  const t0 = Date.now();
  const o = await p;
  return [o, Date.now() - t0];
}

module.exports = (t, driver) => {
  fnTest(t, driver, 'a handler that never settles: timeout; what it logged is kept', ['never-settles'], async (t) => {
    const [o, ms] = await timed(driver.invoke(driver.deploy('never-settles', { timeoutMs: TIMEOUT })));
    assertTimeout(t, o, ms);
    t.same(o.logs.map((l) => [l.message, l.requestId]), [['waiting', o.requestId]]);
  });

  fnTest(t, driver, 'a busy loop: timeout; what it logged is kept', ['busy-loop'], async (t) => {
    const [o, ms] = await timed(driver.invoke(driver.deploy('busy-loop', { timeoutMs: TIMEOUT })));
    assertTimeout(t, o, ms);
    t.same(o.logs.map((l) => [l.message, l.requestId]), [['spinning', o.requestId]]);
  });

  for (const [how, event] of [['waiting', { sleep_ms: 10 * TIMEOUT }], ['spinning', { spin: true }]]) {
    fnTest(t, driver, `the instance that timed out ${how} is discarded: the next call starts afresh`, ['counter-global'], async (t) => {
      const fn = driver.deploy('counter-global', { timeoutMs: TIMEOUT });
      const warm = await driver.invoke(fn);
      t.equal(warm.result, '1', warm.errorMessage);
      const [o, ms] = await timed(driver.invoke(fn, event));
      assertTimeout(t, o, ms);
      t.equal(o.instanceId, warm.instanceId, 'the timeout hit the warm instance');
      const next = await driver.invoke(fn);
      t.equal(next.result, '1', 'module state starts over');
      t.ok(next.coldStart, 'a cold start');
      t.not(next.instanceId, warm.instanceId);
    });
  }
};
