'use strict';
// Errors and their outcome kinds: uncaught user errors (message + stack + the lines logged before),
// missing handler, missing module, errors and timeouts while the function initialises.
const { fnTest, assertMissing } = require('./harness');

module.exports = (t, driver) => {
  fnTest(t, driver, 'an uncaught error: user_error with its message, its stack and the lines before it', ['throws'], async (t) => {
    const o = await driver.invoke(driver.deploy('throws'));
    t.equal(o.kind, 'user_error');
    t.equal(o.errorMessage, driver.errorText('boom'));
    t.equal(o.result, undefined);
    t.match(o.errorStack, /inner/, 'the stack names the function that threw');
    t.match(o.errorStack, driver.entryFile, 'the stack names the user file');
    t.same(o.logs.map((l) => [l.message, l.requestId]), [['about to fail', o.requestId]]);
  });

  fnTest(t, driver, 'an error after an await', ['throws-async'], async (t) => {
    const o = await driver.invoke(driver.deploy('throws-async'));
    t.equal(o.kind, 'user_error');
    t.equal(o.errorMessage, driver.errorText('later'));
  });

  fnTest(t, driver, 'a user error does not end the instance', ['throws'], async (t) => {
    const fn = driver.deploy('throws');
    const [a, b] = [await driver.invoke(fn), await driver.invoke(fn)];
    t.equal(b.kind, 'user_error');
    t.equal(b.instanceId, a.instanceId, 'the second call ran on the same instance');
    t.notOk(b.coldStart);
  });

  fnTest(t, driver, 'handler missing', ['no-handler'], async (t) => {
    assertMissing(t, await driver.invoke(driver.deploy('no-handler')), driver.missingText.handler);
  });

  fnTest(t, driver, 'module missing', ['no-module'], async (t) => {
    assertMissing(t, await driver.invoke(driver.deploy('no-module')), driver.missingText.module);
  });

  fnTest(t, driver, 'an error while initialising: user_error, stack, init output in this invocation; the next call tries again', ['init-throws'], async (t) => {
    const fn = driver.deploy('init-throws');
    const o = await driver.invoke(fn);
    t.equal(o.kind, 'user_error');
    t.equal(o.errorMessage, driver.errorText('bad init'));
    t.match(o.errorStack, driver.entryFile);
    t.same(o.logs.map((l) => [l.message, l.requestId]), [['before', o.requestId]]);
    const again = await driver.invoke(fn);
    t.equal(again.kind, 'user_error');
    t.equal(again.errorMessage, driver.errorText('bad init'));
    t.same(again.logs.map((l) => [l.message, l.requestId]), [['before', again.requestId]], 'initialisation ran again');
  });

  fnTest(t, driver, 'initialisation over the init timeout: timeout', ['init-busy-loop'], async (t) => {
    const t0 = Date.now();
    const o = await driver.invoke(driver.deploy('init-busy-loop', { initTimeoutMs: 1000, timeoutMs: 5000 }));
    t.equal(o.kind, 'timeout');
    t.match(o.errorMessage, /init time out/);
    t.ok(Date.now() - t0 < 4000, `ended after ${Date.now() - t0} ms, by the init timeout`);
  });
};
