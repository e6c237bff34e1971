'use strict';
// Provisioned web-function instances: started ahead of any request, the first request finds one
// warm (no cold start), an idle one is not reclaimed, and a dead one is replaced.
const t = require('tap');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

const until = async (check, ms) => {
  const end = Date.now() + ms;
  while (Date.now() < end && !check()) await new Promise((r) => setTimeout(r, 50));
  return check();
};

t.test('provision(1): warm before the first request, kept, replaced', async (t) => {
  const { deploy, request, ex } = webExecutor(t, { executor: { keepAliveMs: 300 } });
  const spec = deploy(WEB_APP, { timeoutMs: 5000 });
  ex.provision(spec, 1);
  t.ok(await until(() => ex.provisioned(spec.key).ready === 1, 10_000), `ready: ${JSON.stringify(ex.provisioned(spec.key))}`);
  const first = await request(spec, { path: '/hello' });
  t.equal(first.outcome.kind, 'ok', first.outcome.errorMessage);
  t.notOk(first.outcome.coldStart, 'no cold start: the provisioned instance took it');
  await new Promise((r) => setTimeout(r, 1000));
  t.equal(ex.instanceCount(spec.key), 1, 'not reclaimed past the keep-alive');
  const crash = await request(spec, { path: '/crash' });
  t.equal(crash.outcome.kind, 'process_exit');
  t.ok(await until(() => ex.provisioned(spec.key).ready === 1, 10_000), 'replaced');
  const again = await request(spec, { path: '/hello' });
  t.notOk(again.outcome.coldStart, 'the replacement was warm');
  t.not(JSON.parse(again.text).pid, JSON.parse(first.text).pid);
  ex.provision(spec, 0);
  t.same(ex.provisioned(spec.key), { target: 0, ready: 0, error: null });
});
