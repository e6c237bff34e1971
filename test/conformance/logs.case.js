'use strict';
// Logs: every console line carries the invocation's RequestId, in order, with its level;
// parallel invocations keep their own lines; per-invocation quotas where the executor has them.
const { fnTest, okResult } = require('./harness');

module.exports = (t, driver) => {
  fnTest(t, driver, 'lines in order, with levels, each with the RequestId and a time', ['logs-levels'], async (t) => {
    const t0 = Date.now();
    const o = await driver.invoke(driver.deploy('logs-levels'));
    const t1 = Date.now();
    t.equal(okResult(t, o), 1);
    t.same(o.logs.map((l) => [l.level, l.message]),
      [['log', 'plain'], ['info', 'i'], ['warn', 'w'], ['error', 'e'], ['debug', 'd'], ['log', 'after timer']]);
    t.ok(o.logs.every((l) => l.requestId === o.requestId), 'every line carries the RequestId');
    t.ok(o.logs.every((l) => typeof l.time === 'number' && l.time >= t0 - 5 && l.time <= t1 + 5), 'times are epoch ms within the call');
    t.ok(o.logs.every((l, i) => i === 0 || l.time >= o.logs[i - 1].time), 'times do not go back');
  });

  fnTest(t, driver, 'parallel invocations keep their own lines', ['logs-levels'], async (t) => {
    const fn = driver.deploy('logs-levels');
    const outs = await Promise.all([0, 1, 2].map(() => driver.invoke(fn)));
    t.equal(new Set(outs.map((o) => o.requestId)).size, 3);
    for (const o of outs) {
      t.equal(o.logs.length, 6);
      t.ok(o.logs.every((l) => l.requestId === o.requestId), `${o.requestId}: only its own lines`);
    }
  });

  const limits = driver.logLimits;
  const quota = (name, fn) => (limits
    ? fnTest(t, driver, name, ['logs-flood'], fn)
    : t.test(name, { skip: `${driver.name}: no per-invocation log quotas` }, () => {}));

  quota('a line over the per-line limit is cut', async (t) => {
    const o = await driver.invoke(driver.deploy('logs-flood'), { long: limits.lineChars * 3 });
    t.equal(okResult(t, o), 'done', 'the invocation goes on');
    t.equal(o.logs.length, 1);
    t.equal(o.logs[0].message, 'y'.repeat(limits.lineChars));
  });

  quota('lines over the per-invocation line limit are dropped after one notice', async (t) => {
    const o = await driver.invoke(driver.deploy('logs-flood', { timeoutMs: 10_000 }), { lines: limits.lines + 1000, width: 10 });
    t.equal(okResult(t, o), 'done');
    t.equal(o.logs.length, limits.lines + 1, 'the limit, then the notice');
    t.ok(o.logs.slice(0, -1).every((l) => l.message === 'x'.repeat(10)));
    t.match(o.logs.at(-1).message, limits.notice);
    t.equal(o.logs.at(-1).requestId, o.requestId);
  });

  quota('bytes over the per-invocation byte limit are dropped after one notice', async (t) => {
    const width = 2000;
    const o = await driver.invoke(driver.deploy('logs-flood', { timeoutMs: 10_000 }), { lines: Math.ceil((1.5 * limits.bytes) / width), width });
    t.equal(okResult(t, o), 'done');
    const kept = o.logs.slice(0, -1);
    const bytes = kept.reduce((a, l) => a + l.message.length, 0);
    // The line that crosses the limit may still be kept; nothing after it is.
    t.ok(bytes > limits.bytes - width && bytes < limits.bytes + width, `${bytes} bytes kept of a ${limits.bytes} limit`);
    t.match(o.logs.at(-1).message, limits.notice);
  });
};
