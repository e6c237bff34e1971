'use strict';
// Async execution mode through an HTTP (apigw) trigger (spec §8: such a
// function "answers every call at once with a RequestId"): a trigger call to
// an AsyncRunEnable function whose handler sleeps 2.5 s past its 1 s timeout
// answers 202 at once with the RequestId in the body and in X-Scf-Request-Id;
// the call runs later as an async event carrying the integration-request
// event it would have got synchronously (its path, query, body and
// requestContext.requestId, read back from its log line and result), and
// ends FINISHED through GetAsyncEventStatus. A body whose event would pass
// the 128 KB async limit is refused with 406, nothing queued. A function
// without the mode still answers through the trigger synchronously.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');
const { until } = require('./helpers/wait');

const desc = (path) =>
  JSON.stringify({ api: { authRequired: 'FALSE', requestConfig: { method: 'ANY', path }, isIntegratedResponse: 'FALSE' }, service: { serviceName: 'SCF_API_SERVICE' }, release: { environmentName: 'release' } });

const SLOW = `exports.main_handler = async (event) => {
  console.log('got ' + event.httpMethod + ' ' + event.path + ' ' + JSON.stringify(event.queryStringParameters) + ' id=' + event.pathParameters.id);
  await new Promise((r) => setTimeout(r, 2500));
  return { requestId: event.requestContext.requestId, body: event.body };
};`;

t.test('a trigger call of an AsyncRunEnable function is queued and answered 202 at once', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'job', { 'index.js': SLOW }, { Timeout: 1, AsyncRunEnable: 'TRUE' });
  await createFunction(client, 'plain', { 'index.js': 'exports.main_handler = async (event) => ({ path: event.path });' });
  await client.CreateTrigger({ FunctionName: 'job', TriggerName: 'jobs', Type: 'apigw', TriggerDesc: desc('/jobs/{id}') });
  await client.CreateTrigger({ FunctionName: 'plain', TriggerName: 'plain', Type: 'apigw', TriggerDesc: desc('/plain') });

  const started = Date.now();
  const res = await request(`${server.url}/jobs/7?color=blue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"task":"resize"}' });
  const answeredMs = Date.now() - started;
  t.equal(res.status, 202, 'Accepted');
  t.ok(answeredMs < 2000, `answered in ${answeredMs} ms, before the 2.5 s run could end`);
  t.match(res.headers['content-type'], /application\/json/);
  const id = res.headers['x-scf-request-id'];
  t.match(id, /^[0-9a-f-]{36}$/, 'the RequestId header');
  t.same(JSON.parse(res.body.toString()), { RequestId: id }, 'the body carries the same RequestId');

  const status = await until('the queued call FINISHED', async () => {
    const { Result } = await client.GetAsyncEventStatus({ InvokeRequestId: id });
    return Result.Status === 'FINISHED' && Result;
  }, 60_000);
  t.match(status, { Status: 'FINISHED', StatusCode: 200 }, 'ran to its end past its 1 s timeout');
  const runs = (await client.GetFunctionLogs({ FunctionName: 'job', FunctionRequestId: id })).Data;
  t.equal(runs.length, 1, 'one run');
  t.match(runs[0].Log, /got POST \/jobs\/7 \{"color":"blue"\} id=7/, 'the run got the trigger\'s path, query and path parameters');
  t.same(JSON.parse(runs[0].RetMsg), { requestId: id, body: '{"task":"resize"}' }, 'and its body, with the answered RequestId in requestContext');
  t.ok(runs[0].Duration >= 2400, `ran ${runs[0].Duration} ms`);

  const big = await request(`${server.url}/jobs/8`, { method: 'POST', body: 'x'.repeat(130 * 1024) });
  t.equal(big.status, 406, 'an event over the 128 KB async limit is refused');
  t.match(JSON.parse(big.body.toString()), { errorCode: -1, statusCode: 406, errorMessage: /^RequestTooLarge: The event is larger than 131072 bytes/ });
  const listed = await client.ListAsyncEvents({ FunctionName: 'job' });
  t.equal(listed.TotalCount, 1, 'the refused call was not queued');

  const plain = await request(`${server.url}/plain?x=1`);
  t.equal(plain.status, 200, 'a function without the mode answers synchronously');
  t.same(JSON.parse(plain.body.toString()), { path: '/plain' });
});
