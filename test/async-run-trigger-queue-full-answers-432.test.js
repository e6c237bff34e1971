'use strict';
// A full async queue behind an HTTP trigger: an AsyncRunEnable function held
// at reserved concurrency 0 with a per-function cap of 2 queued events takes
// two trigger calls (202), and the third is refused with 432 naming the cap
// — not accepted and dropped. Once the reservation is removed the two
// queued calls run (FINISHED) and the refused one never does.
const t = require('tap');
const { startServer, persistentServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');
const { until } = require('./helpers/wait');

const desc = (path) =>
  JSON.stringify({ api: { authRequired: 'FALSE', requestConfig: { method: 'ANY', path }, isIntegratedResponse: 'FALSE' }, service: { serviceName: 'SCF_API_SERVICE' }, release: { environmentName: 'release' } });

t.test('a trigger call over the async queue cap answers 432 and is not queued', async (t) => {
  const server = await startServer(t, persistentServer(t, { asyncQueueMaxEvents: 2 }));
  const client = server.client();
  await createFunction(client, 'held', { 'index.js': 'exports.main_handler = async (event) => event.path;' }, { AsyncRunEnable: 'TRUE' });
  await client.PutReservedConcurrencyConfig({ FunctionName: 'held', ReservedConcurrencyMem: 0 });
  await client.CreateTrigger({ FunctionName: 'held', TriggerName: 'in', Type: 'apigw', TriggerDesc: desc('/in/*') });

  const accepted = [];
  for (const n of [1, 2]) {
    const res = await request(`${server.url}/in/${n}`, { method: 'POST', body: '{}' });
    t.equal(res.status, 202, `call ${n} accepted`);
    accepted.push(res.headers['x-scf-request-id']);
  }
  const full = await request(`${server.url}/in/3`, { method: 'POST', body: '{}' });
  t.equal(full.status, 432, 'over the cap');
  t.match(JSON.parse(full.body.toString()), { errorCode: -1, statusCode: 432, errorMessage: /^ResourceLimitReached: The async queue of function held already holds 2 events/ });
  t.match(full.headers['x-scf-request-id'], /^[0-9a-f-]{36}$/);

  await client.DeleteReservedConcurrencyConfig({ FunctionName: 'held' });
  await until('both accepted calls FINISHED', async () => (await client.ListAsyncEvents({ FunctionName: 'held', Status: ['FINISHED'] })).TotalCount === 2, 20_000);
  for (const [i, id] of accepted.entries()) {
    const [run] = (await client.GetFunctionLogs({ FunctionName: 'held', FunctionRequestId: id })).Data;
    t.equal(run.RetMsg, JSON.stringify(`/in/${i + 1}`), `accepted call ${i + 1} ran with its own event`);
  }
  t.equal((await client.ListAsyncEvents({ FunctionName: 'held' })).TotalCount, 2, 'the refused call was never queued');
});
