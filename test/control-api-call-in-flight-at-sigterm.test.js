'use strict';
// A graceful stop (SIGTERM) while a control-API call is running: the call is
// answered in full before the server exits 0 — as it was when hyper-express
// served the control API (its shutdown waited for its requests). The control
// route's own wait (gateway/control-route.ts) and the platform's drain of
// running invocations both hold the exit; removing only the former does not
// fail this test.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');

const SLOW = 'exports.main_handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms)); return { slept: e.ms }; };\n';

t.test('a sync Invoke running when SIGTERM arrives is answered before the server exits', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'slow', { 'index.js': SLOW }, { Timeout: 10 });
  await client.Invoke({ FunctionName: 'slow', ClientContext: JSON.stringify({ ms: 1 }) }); // warm: the call below is the running one

  const call = client.Invoke({ FunctionName: 'slow', ClientContext: JSON.stringify({ ms: 1500 }) });
  await new Promise((r) => setTimeout(r, 400));
  server.child.kill('SIGTERM');
  const { Result } = await call;
  t.equal(Result.InvokeResult, 0, 'the running call ended normally');
  t.same(JSON.parse(Result.RetMsg), { slept: 1500 }, 'and its answer arrived in full');
  const { code } = await server.exited;
  t.equal(code, 0, 'then the server exited cleanly');
  t.match(server.output(), /received SIGTERM, shutting down[\s\S]*stopped/);
});
