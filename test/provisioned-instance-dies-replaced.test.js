'use strict';
// A provisioned instance that dies (its call timed out: the instance is
// discarded) is replaced without a call asking for it: the next call is
// warm again. Once for the isolate executor and once for a process runner
// (Python), since provisioning is part of the executor contract.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');
const { until } = require('./helpers/wait');

const CASES = [
  {
    runtime: 'Isolate',
    files: { 'index.js': 'exports.main_handler = async (e) => { if (e.hang) await new Promise(() => {}); return "ok"; };\n' },
  },
  {
    runtime: 'Python3.9',
    files: { 'index.py': 'import time\n\ndef main_handler(event, context):\n    if event.get("hang"):\n        time.sleep(30)\n    return "ok"\n' },
  },
];

async function allReady(client, FunctionName) {
  return until(`${FunctionName}: provisioned instance ready`, async () => {
    const { Allocated } = await client.GetProvisionedConcurrencyConfig({ FunctionName, Qualifier: '1' });
    return Allocated[0]?.Status === 'Done' && Allocated[0].AvailableProvisionedConcurrencyNum === 1;
  }, 30_000);
}

t.test('a provisioned instance that died is replaced', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  for (const { runtime, files } of CASES) {
    const name = `dies-${runtime.replace(/\W/g, '')}`;
    await createFunction(client, name, files, { Runtime: runtime, Timeout: 1 });
    await client.PublishVersion({ FunctionName: name });
    await client.PutProvisionedConcurrencyConfig({ FunctionName: name, Qualifier: '1', VersionProvisionedConcurrencyNum: 1 });
    await allReady(client, name);
    t.notMatch((await invoke(client, name, {}, { Qualifier: '1' })).Log, /Init Report/, `${runtime}: warm`);

    const hung = await invoke(client, name, { hang: true }, { Qualifier: '1' });
    t.notMatch(hung.Log, /Init Report/, `${runtime}: the hanging call ran on the provisioned instance`);
    t.match(hung.Log, /time out|timed out|Time/i, `${runtime}: it timed out (the instance is discarded)`);
    await allReady(client, name);
    const after = await invoke(client, name, {}, { Qualifier: '1' });
    t.equal(after.RetMsg, '"ok"');
    t.notMatch(after.Log, /Init Report/, `${runtime}: the replacement was started before the next call`);
  }
});
