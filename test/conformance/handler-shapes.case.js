'use strict';
// Handler shapes: a value, a promise, an async function, a callback; errors through the callback; no value.
const { fnTest, okResult } = require('./harness');

const EVENT = { x: 1, s: 'é ✓ "quoted"', list: [1, null, true, 2.5], nested: { k: 'v' } };

module.exports = (t, driver) => {
  fnTest(t, driver, 'sync return: the result is the returned value as JSON', ['echo-event'], async (t) => {
    const o = await driver.invoke(driver.deploy('echo-event'), EVENT);
    t.same(okResult(t, o), EVENT);
  });

  fnTest(t, driver, 'a returned promise is awaited', ['promise-result'], async (t) => {
    const o = await driver.invoke(driver.deploy('promise-result'), { x: 7 });
    t.same(okResult(t, o), { shape: 'promise', x: 7 });
  });

  fnTest(t, driver, 'an async handler', ['async-result'], async (t) => {
    const o = await driver.invoke(driver.deploy('async-result'));
    t.equal(okResult(t, o), 'async');
    t.equal(o.result, '"async"', 'a string result is JSON-encoded');
  });

  fnTest(t, driver, 'callback(null, value)', ['callback-result'], async (t) => {
    const o = await driver.invoke(driver.deploy('callback-result'), { x: 3 });
    t.same(okResult(t, o), { shape: 'callback', x: 3 });
  });

  fnTest(t, driver, 'callback(error): a user error with its message', ['callback-error'], async (t) => {
    const o = await driver.invoke(driver.deploy('callback-error'));
    t.equal(o.kind, 'user_error');
    t.equal(o.errorMessage, driver.errorText('boom'));
    t.equal(o.result, undefined);
  });

  fnTest(t, driver, 'no value → null', ['returns-undefined'], async (t) => {
    const o = await driver.invoke(driver.deploy('returns-undefined'));
    t.equal(o.kind, 'ok', o.errorMessage);
    t.equal(o.result, 'null');
  });
};
