'use strict';
// A custom runtime's process that exits while it holds an event (ready, then gone before it
// answered) ends the call as process_exit (439); the next call cold-starts a new instance.
const t = require('tap');
const { deployCustom } = require('./helpers/custom-runtime');

t.test('ready, then exit mid-invocation → process_exit, then a new instance', async (t) => {
  const { fn } = deployCustom(t, { timeoutMs: 5000 });
  const warm = await fn.invoke({ n: 1 });
  t.equal(warm.kind, 'ok', warm.errorMessage);
  const o = await fn.invoke({ exit: 3 });
  t.equal(o.kind, 'process_exit');
  t.match(o.errorMessage, /exited \(code 3\)/);
  t.equal(o.instanceId, warm.instanceId, 'the warm instance took it');
  t.match(o.logs.map((l) => l.message), [/^handling /], 'its output up to the exit is the log');
  const next = await fn.invoke({ n: 2 });
  t.equal(next.kind, 'ok', next.errorMessage);
  t.not(next.instanceId, warm.instanceId, 'another instance');
  t.ok(next.coldStart, 'a cold start');
});
