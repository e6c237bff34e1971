'use strict';
// The memory limit: allocating without end is 'oom'; memory well under the limit is fine.
const { fnTest, okResult } = require('./harness');

module.exports = (t, driver) => {
  fnTest(t, driver, 'allocating without end: oom; the executor keeps serving', ['alloc-forever', 'echo-event'], async (t) => {
    const o = await driver.invoke(driver.deploy('alloc-forever', { memoryMb: 64, timeoutMs: 15_000 }));
    t.equal(o.kind, 'oom', o.errorMessage);
    t.type(o.errorMessage, 'string');
    t.ok(o.errorMessage.length > 0, `errorMessage: ${o.errorMessage}`);
    t.equal(o.result, undefined);
    t.same(okResult(t, await driver.invoke(driver.deploy('echo-event'), { after: 'oom' })), { after: 'oom' });
  });

  fnTest(t, driver, 'holding a quarter of the limit is fine', ['alloc-some'], async (t) => {
    const o = await driver.invoke(driver.deploy('alloc-some', { memoryMb: 64 }), { mb: 16 });
    t.equal(okResult(t, o), 16);
  });
};
