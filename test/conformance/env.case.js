'use strict';
// Environment variables: the function's own, exact values, nothing of another function's.
const { fnTest, okResult } = require('./harness');

module.exports = (t, driver) => {
  fnTest(t, driver, 'configured variables are visible with their exact values', ['env-dump'], async (t) => {
    const env = { PLAIN: 'value', EMPTY: '', UNICODE: 'héllo ✓', WITH_EQUALS: 'a=b=c', SPACES: ' padded ', JSONISH: '{"k":[1,2]}' };
    const seen = okResult(t, await driver.invoke(driver.deploy('env-dump', { env })));
    for (const [k, v] of Object.entries(env)) t.equal(seen[k], v, k);
  });

  fnTest(t, driver, 'each function sees its own variables only', ['env-dump'], async (t) => {
    const one = driver.deploy('env-dump', { env: { WHO: 'one', ONLY_ONE: 'x' } });
    const two = driver.deploy('env-dump', { env: { WHO: 'two' } });
    const [a, b] = await Promise.all([driver.invoke(one), driver.invoke(two)]);
    const [ea, eb] = [okResult(t, a), okResult(t, b)];
    t.equal(ea.WHO, 'one');
    t.equal(eb.WHO, 'two');
    t.equal(ea.ONLY_ONE, 'x');
    t.notOk('ONLY_ONE' in eb, 'no variable of another function');
  });
};
