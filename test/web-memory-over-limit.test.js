'use strict';
// A web function's process grows past its memory (the memory cgroup, as root): the kernel kills
// it and the request ends 434 (MemoryLimitReached), not 439; the next request gets a new instance.
const t = require('tap');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

t.test('memory over the limit → oom', { skip: process.getuid() !== 0 && 'the memory cgroup needs root' }, async (t) => {
  const { deploy, request } = webExecutor(t);
  const spec = deploy(WEB_APP, { memoryMb: 128, timeoutMs: 20_000 });
  const warm = await request(spec, { path: '/hello' });
  t.equal(warm.outcome.kind, 'ok', warm.outcome.errorMessage);
  const hog = await request(spec, { path: '/hog' });
  t.equal(hog.outcome.kind, 'oom', hog.outcome.errorMessage);
  t.match(hog.outcome.errorMessage, /out of memory/);
  const next = await request(spec, { path: '/hello' });
  t.equal(next.outcome.kind, 'ok');
  t.not(next.outcome.instanceId, warm.outcome.instanceId, 'a new instance');
});
