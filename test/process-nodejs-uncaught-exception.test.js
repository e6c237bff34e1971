'use strict';
// A Node.js function whose timer throws while an invocation runs: that invocation ends as the
// user's error (as in the cloud's runtime), and the instance keeps serving.
const t = require('tap');
const { processExecutor } = require('./helpers/process-executor');

t.test('an exception thrown from a timer fails the invocation in flight', async (t) => {
  const { deploy } = processExecutor(t);
  const fn = deploy({ 'index.js': `exports.main_handler = (event) => new Promise((resolve) => {
  if (event.throw) setTimeout(() => { throw new TypeError('from a timer'); }, 5);
  else resolve('fine');
});` }, { runtime: 'Nodejs16.13', timeoutMs: 3000 });
  const t0 = Date.now();
  const o = await fn.invoke({ throw: true });
  t.equal(o.kind, 'user_error');
  t.equal(o.errorMessage, 'TypeError: from a timer');
  t.ok(Date.now() - t0 < 2000, 'not by the timeout');
  const next = await fn.invoke({});
  t.equal(next.result, '"fine"');
  t.equal(next.instanceId, o.instanceId, 'the same instance');
});
