'use strict';
// A custom runtime that does not answer within the execution timeout: the call ends as timeout
// (433) at the deadline, the process tree is killed (its late answer goes nowhere), and the next
// call cold-starts a new instance.
const t = require('tap');
const { deployCustom } = require('./helpers/custom-runtime');

t.test('no answer within the timeout → timeout, instance killed, next call fresh', async (t) => {
  const { fn, ex } = deployCustom(t, { timeoutMs: 700 });
  const warm = await fn.invoke({});
  t.equal(warm.kind, 'ok', warm.errorMessage);
  const t0 = Date.now();
  const o = await fn.invoke({ sleep: 3 });
  t.equal(o.kind, 'timeout');
  t.ok(Date.now() - t0 < 2000, `ended after ${Date.now() - t0} ms`);
  await new Promise((r) => setTimeout(r, 300));
  t.same(ex.stats().processes, [], 'the timed-out instance is gone');
  const next = await fn.invoke({ n: 2 });
  t.equal(next.kind, 'ok', next.errorMessage);
  t.not(next.instanceId, warm.instanceId);
  t.match(JSON.parse(next.result), { event: { n: 2 } });
});
