// A small stand-in for WPT's testharness.js (isola's, not WPT's): enough of its API for the
// vendored .any.js files here to run unchanged inside a function and under plain Node, and
// report { name, status, message } per test. Sync tests run at once; promise_tests run one
// after another, as testharness.js runs them, each with a 5 s timeout.
// Strict inside only: the harness opens the function body the test files share, and some of them
// (structured-clone-battery-of-tests.js) assign undeclared globals, as sloppy scripts may.
(function () {
  'use strict';
  const g = globalThis;
  g.self = g;
  const results = [];
  const queue = [];
  // testharness.js names an unnamed test "Untitled", then "Untitled 1", "Untitled 2", …
  let untitled = 0;
  const nameOf = (name) => (name !== undefined ? name : untitled++ === 0 ? 'Untitled' : `Untitled ${untitled - 1}`);

  function sameValue(a, b) { return a === b ? (a !== 0 || 1 / a === 1 / b) : (a !== a && b !== b); }
  class AssertionError extends Error {}
  AssertionError.prototype.name = 'AssertionError';
  const fail = (message, description) => { throw new AssertionError(description === undefined ? message : `${description}: ${message}`); };
  const show = (v) => { try { return typeof v === 'string' ? JSON.stringify(v) : String(v); } catch { return Object.prototype.toString.call(v); } };

  g.assert_true = (v, d) => { if (v !== true) fail(`expected true got ${show(v)}`, d); };
  g.assert_false = (v, d) => { if (v !== false) fail(`expected false got ${show(v)}`, d); };
  g.assert_equals = (a, e, d) => { if (!sameValue(a, e)) fail(`expected ${show(e)} but got ${show(a)}`, d); };
  g.assert_not_equals = (a, e, d) => { if (sameValue(a, e)) fail(`got disallowed value ${show(a)}`, d); };
  g.assert_array_equals = (a, e, d) => {
    if (a === null || typeof a !== 'object' || a.length !== e.length) fail(`lengths differ: expected ${e.length} got ${a && a.length}`, d);
    for (let i = 0; i < e.length; i++) if (!sameValue(a[i], e[i])) fail(`index ${i}: expected ${show(e[i])} got ${show(a[i])}`, d);
  };
  g.assert_unreached = (d) => fail('reached unreachable code', d);
  g.assert_class_string = (o, cls, d) => g.assert_equals(Object.prototype.toString.call(o), `[object ${cls}]`, d);
  g.assert_throws_js = (Ctor, fn, d) => {
    try { fn(); } catch (e) {
      if (!(e instanceof Ctor) && !(e && e.constructor && e.constructor.name === Ctor.name)) fail(`expected ${Ctor.name} got ${show(e)}`, d);
      return;
    }
    fail(`expected a ${Ctor.name} to be thrown`, d);
  };
  g.assert_throws_exactly = (value, fn, d) => {
    try { fn(); } catch (e) { if (!sameValue(e, value)) fail(`expected ${show(value)} thrown, got ${show(e)}`, d); return; }
    fail('expected an exception', d);
  };
  g.promise_rejects_js = (t, Ctor, p, d) => Promise.resolve(p).then(() => fail(`expected a rejection with ${Ctor.name}`, d),
    (e) => { if (!(e instanceof Ctor) && !(e && e.constructor && e.constructor.name === Ctor.name)) fail(`expected ${Ctor.name} got ${show(e)}`, d); });
  g.promise_rejects_exactly = (t, value, p, d) => Promise.resolve(p).then(() => fail('expected a rejection', d),
    (e) => { if (!sameValue(e, value)) fail(`expected rejection ${show(value)} got ${show(e)}`, d); });
  const rejectsDom = (name, e, d) => {
    if (!(e instanceof g.DOMException) || e.name !== name) fail(`expected a DOMException ${name} got ${show(e)}`, d);
  };
  g.assert_throws_dom = (name, fn, d) => {
    try { fn(); } catch (e) { rejectsDom(name, e, d); return; }
    fail(`expected a DOMException ${name} to be thrown`, d);
  };
  g.promise_rejects_dom = (t, name, p, d) => Promise.resolve(p).then(() => fail(`expected a rejection with ${name}`, d), (e) => rejectsDom(name, e, d));
  g.step_timeout = (fn, ms, ...args) => g.setTimeout(fn, ms, ...args);

  class Test {
    constructor(name) { this.name = name; this.error = null; this.cleanups = []; }
    step(fn, thisArg, ...args) { try { return fn.apply(thisArg, args); } catch (e) { if (this.error === null) this.error = e; throw e; } }
    step_func(fn, thisArg) { return (...args) => this.step(fn, thisArg === undefined ? this : thisArg, ...args); }
    step_func_done(fn) { return this.step_func(fn); }
    unreached_func(d) { return this.step_func(() => g.assert_unreached(d)); }
    step_timeout(fn, ms) { return g.setTimeout(this.step_func(fn), ms); }
    add_cleanup(fn) { this.cleanups.push(fn); }
    done() {}
  }
  const record = (t, error) => {
    for (const c of t.cleanups) { try { c(); } catch { /* a cleanup's failure is not the test's */ } }
    const e = t.error || error;
    results.push({ name: t.name, status: e ? 'FAIL' : 'PASS', message: e ? `${e && e.name}: ${e && e.message}` : '' });
  };

  g.test = (fn, name) => {
    const t = new Test(nameOf(name));
    let error = null;
    try { fn.call(t, t); } catch (e) { error = e; }
    record(t, error);
  };
  g.promise_test = (fn, name) => { queue.push({ fn, name: nameOf(name) }); };
  g.async_test = (fn, name) => { results.push({ name: nameOf(name), status: 'FAIL', message: 'async_test is not supported by this harness' }); };
  g.setup = () => {};
  g.done = () => {};

  /** Runs the queued promise_tests; resolves to the results. */
  g.__wptRun = async () => {
    for (const { fn, name } of queue) {
      const t = new Test(name);
      let timer;
      const timeout = new Promise((_, reject) => { timer = g.setTimeout(() => reject(new Error('timed out')), 5000); });
      let error = null;
      try { await Promise.race([Promise.resolve().then(() => fn.call(t, t)), timeout]); } catch (e) { error = e; }
      g.clearTimeout(timer);
      record(t, error);
    }
    return results;
  };
})();
