'use strict';
// Per-instance concurrency of web functions (issue 5, platform-semantics §3):
// MaxConcurrency N → N overlapping requests share one instance, N+1 start a
// second; under concurrency every console line carries the RequestId of the
// request that wrote it, including lines written after an await.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');
const { GATHER } = require('./helpers/gather-module');

const WEB = { Type: 'HTTP', Handler: 'index.fetch' };


t.test('N slots → N overlapping requests on one instance, N+1 → a second instance', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'slots', { 'index.mjs': GATHER }, { ...WEB, InstanceConcurrencyConfig: { MaxConcurrency: 3 } });
  await request(`${server.url}/default/slots/?n=1`); // cold start outside the measurement

  const three = await Promise.all([1, 2, 3].map(() => request(`${server.url}/default/slots/?n=3`)));
  const ids3 = new Set(three.map((r) => JSON.parse(r.body).instance));
  t.equal(ids3.size, 1, '3 overlapping requests on one instance');
  t.equal(Math.max(...three.map((r) => JSON.parse(r.body).peak)), 3, 'all three ran at once');

  const four = await Promise.all([1, 2, 3, 4].map(() => request(`${server.url}/default/slots/?n=3`)));
  const ids4 = new Set(four.map((r) => JSON.parse(r.body).instance));
  t.equal(ids4.size, 2, 'a 4th overlapping request starts a second instance');

  // MaxConcurrency 1: one request per instance (the default of the Isolate runtime is dynamic: http-dynamic-concurrency.test.js).
  await createFunction(client, 'single', { 'index.mjs': GATHER }, { ...WEB, InstanceConcurrencyConfig: { MaxConcurrency: 1 } });
  const two = await Promise.all([1, 2].map(() => request(`${server.url}/default/single/?n=2`)));
  t.equal(new Set(two.map((r) => JSON.parse(r.body).instance)).size, 2, 'MaxConcurrency 1: two requests, two instances');
});

t.test('RequestId attribution under concurrency', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'attr', {
    'index.mjs': `
      export default {
        async fetch(request) {
          const tag = new URL(request.url).searchParams.get('tag');
          console.log('before ' + tag);
          await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
          console.log('after timer ' + tag);
          await Promise.resolve();
          console.log('after await ' + tag);
          return new Response(tag);
        },
      };`,
  }, { ...WEB, InstanceConcurrencyConfig: { MaxConcurrency: 10 } });
  const tags = Array.from({ length: 10 }, (_, i) => `t${i}`);
  const responses = await Promise.all(tags.map((tag) => request(`${server.url}/default/attr/?tag=${tag}`)));
  const byTag = new Map(responses.map((r) => [r.body.toString(), r.headers['x-scf-request-id']]));
  t.equal(byTag.size, 10);

  let logs = [];
  for (let i = 0; i < 40 && logs.length < 10; i++) {
    logs = (await client.GetFunctionLogs({ FunctionName: 'attr', Limit: 100 })).Data;
    if (logs.length < 10) await new Promise((r) => setTimeout(r, 200));
  }
  t.equal(logs.length, 10, 'one record per request');
  for (const log of logs) {
    const tag = /before (t\d+)/.exec(log.Log)?.[1];
    t.ok(tag, 'the record has its first line');
    t.equal(log.RequestId, byTag.get(tag), `${tag}: the record is the request that answered ${tag}`);
    for (const step of ['before', 'after timer', 'after await']) {
      const lines = log.Log.split('\n').filter((l) => l.includes(`\t${step} t`));
      t.equal(lines.length, 1, `${tag}: one "${step}" line`);
      t.ok(lines[0]?.includes(`\t${log.RequestId}\t`) && lines[0]?.endsWith(`${step} ${tag}`), `${tag}: "${step}" line carries its own RequestId`);
    }
  }
});
