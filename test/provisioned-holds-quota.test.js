'use strict';
// Provisioned instances count against the concurrency quota at run time:
// their memory is held whether they are busy or idle, calls that run on
// them take nothing more, and a call beyond them needs quota of its own.
// Reserved 256 MB with 2 × 128 MB provisioned leaves nothing for $LATEST
// (432), while version 1 takes 2 concurrent calls; deleting the setting
// gives the memory back.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');
const { until } = require('./helpers/wait');

t.test('the provisioned memory is held from the quota', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'held', { 'index.js': 'exports.main_handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms || 0)); return "ok"; };\n' }, { MemorySize: 128, Timeout: 10 });
  await client.PublishVersion({ FunctionName: 'held' });
  await client.PutReservedConcurrencyConfig({ FunctionName: 'held', ReservedConcurrencyMem: 256 });
  t.equal((await invoke(client, 'held')).InvokeResult, 0, '$LATEST runs before anything is provisioned');

  await client.PutProvisionedConcurrencyConfig({ FunctionName: 'held', Qualifier: '1', VersionProvisionedConcurrencyNum: 2 });
  await until('2 provisioned instances', async () => (await client.GetProvisionedConcurrencyConfig({ FunctionName: 'held', Qualifier: '1' })).Allocated[0]?.Status === 'Done', 20_000);

  const latest = await invoke(client, 'held');
  t.equal(latest.InvokeResult, 432, 'the 256 MB reserved are held by the 2 idle provisioned instances: $LATEST is throttled');
  const two = await Promise.all([invoke(client, 'held', { ms: 1500 }, { Qualifier: '1' }), invoke(client, 'held', { ms: 1500 }, { Qualifier: '1' })]);
  t.same(two.map((r) => r.InvokeResult), [0, 0], 'two concurrent calls of version 1 run on the provisioned instances, covered by the hold');
  const three = await Promise.all([1, 2, 3].map(() => invoke(client, 'held', { ms: 1500 }, { Qualifier: '1' })));
  t.same(three.map((r) => r.InvokeResult).sort(), [0, 0, 432], 'a third concurrent call needs memory of its own: none is left');

  await client.DeleteProvisionedConcurrencyConfig({ FunctionName: 'held', Qualifier: '1' });
  t.equal((await invoke(client, 'held')).InvokeResult, 0, 'deleting the setting gives the memory back');
});
