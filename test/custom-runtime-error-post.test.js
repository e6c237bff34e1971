'use strict';
// A custom runtime that posts to /runtime/invocation/error: the call ends as user_error (430)
// with the posted body as its errorMessage, and the instance stays warm for the next call.
const t = require('tap');
const { deployCustom } = require('./helpers/custom-runtime');

t.test('error post → user_error with the body, instance reused', async (t) => {
  const { fn } = deployCustom(t, { timeoutMs: 5000 });
  const o = await fn.invoke({ error: '{"errorType":"Boom","errorMessage":"it broke"}' });
  t.equal(o.kind, 'user_error');
  t.equal(o.errorMessage, '{"errorType":"Boom","errorMessage":"it broke"}');
  const next = await fn.invoke({ n: 1 });
  t.equal(next.kind, 'ok', next.errorMessage);
  t.equal(next.instanceId, o.instanceId, 'warm');
  t.notOk(next.coldStart);
});
