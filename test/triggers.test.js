'use strict';
// HTTP (apigw) triggers through the official SDK (scf-api.md §3.6,
// spec/triggers.md): event functions get the integration-request event and
// may return an integrated response; web functions get the request passed
// through; path parameters and rest-matches; one route table with conflicts
// refused; a disabled trigger answers 404; triggers survive a restart.
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');

const desc = (path, method = 'ANY', integrated = false) =>
  JSON.stringify({ api: { authRequired: 'FALSE', requestConfig: { method, path }, isIntegratedResponse: integrated ? 'TRUE' : 'FALSE' }, service: { serviceName: 'SCF_API_SERVICE' }, release: { environmentName: 'release' } });

const ECHO = { 'index.js': 'exports.main_handler = async (event) => event;\n' };
const INTEGRATED = {
  'index.js': `exports.main_handler = async (event) => {
  if (event.queryStringParameters.bad === 'status') return { headers: {}, body: 'x' };
  if (event.queryStringParameters.bad === 'body') return { statusCode: 200, body: 42 };
  return { isBase64Encoded: false, statusCode: 201, headers: { 'Content-Type': 'text/plain', 'X-Made-By': 'fn', 'Content-Length': '999' }, body: 'created ' + event.pathParameters.id };
};\n`,
};
const WEB = { 'index.mjs': 'export default { fetch(req) { return new Response(req.method + " " + new URL(req.url).pathname + new URL(req.url).search) } }\n' };

t.test('HTTP triggers: events, integrated responses, web functions, conflicts, status', async (t) => {
  const dataDir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'isola-trig-'));
  let server = await startServer(t, { dataDir });
  let client = server.client();
  await createFunction(client, 'echo', ECHO);
  await createFunction(client, 'made', INTEGRATED);
  await createFunction(client, 'site', WEB, { Type: 'HTTP', Handler: 'index.fetch' });

  const created = await client.CreateTrigger({ FunctionName: 'echo', TriggerName: 'users', Type: 'apigw', TriggerDesc: desc('/api/users/{id}', 'GET,POST'), Description: 'users API' });
  t.match(created.TriggerInfo, { TriggerName: 'users', Type: 'apigw', Qualifier: '$LATEST', Enable: 1, Description: 'users API', AddTime: /^\d{4}/ });
  await client.CreateTrigger({ FunctionName: 'made', TriggerName: 'made', Type: 'apigw', TriggerDesc: desc('/api/things/{id}', 'ANY', true) });
  await client.CreateTrigger({ FunctionName: 'site', TriggerName: 'www', Type: 'apigw', TriggerDesc: desc('/www/*') });
  await client.CreateTrigger({ FunctionName: 'echo', TriggerName: 'root', Type: 'apigw', TriggerDesc: desc('/hello', 'GET') });

  // Event function: the integration-request event; without integrated response the result is the JSON answer.
  const res = await request(`${server.url}/api/users/42?q=x&n=1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-custom': 'yes' }, body: '{"a":1}' });
  t.equal(res.status, 200);
  t.match(res.headers['content-type'], /application\/json/);
  t.match(res.headers['x-scf-request-id'], /^[0-9a-f-]{36}$/);
  const event = JSON.parse(res.body.toString());
  t.match(event, {
    requestContext: { serviceId: 'SCF_API_SERVICE', path: '/api/users/{id}', httpMethod: 'POST', requestId: res.headers['x-scf-request-id'], identity: {}, stage: 'release', sourceIp: /\S/ },
    headers: { 'content-type': 'application/json', 'x-custom': 'yes' },
    body: '{"a":1}',
    isBase64Encoded: false,
    pathParameters: { id: '42' },
    queryStringParameters: { q: 'x', n: '1' },
    headerParameters: {},
    stageVariables: { stage: 'release' },
    path: '/api/users/42',
    queryString: { q: 'x', n: '1' },
    httpMethod: 'POST',
  });
  const binary = JSON.parse((await request(`${server.url}/api/users/7`, { method: 'POST', body: Buffer.from([0xff, 0x00, 0xfe]) })).body.toString());
  t.match(binary, { isBase64Encoded: true, body: Buffer.from([0xff, 0x00, 0xfe]).toString('base64') }, 'a body that is not UTF-8 is base64');
  t.equal((await request(`${server.url}/api/users/7`, { method: 'DELETE' })).status, 404, 'a method the trigger does not take');
  t.equal((await request(`${server.url}/api/users`)).status, 404, 'a shorter path');
  t.match(JSON.parse((await request(`${server.url}/hello`)).body.toString()), { path: '/hello', httpMethod: 'GET' }, 'a one-segment trigger path');

  // Integrated response: exactly what the function returned (the platform frames the body itself).
  const made = await request(`${server.url}/api/things/9`);
  t.equal(made.status, 201);
  t.equal(made.body.toString(), 'created 9');
  t.equal(made.headers['x-made-by'], 'fn');
  t.equal(made.headers['content-length'], '9', 'Content-Length is the platform\'s');
  const noStatus = await request(`${server.url}/api/things/9?bad=status`);
  t.equal(noStatus.status, 502);
  t.match(JSON.parse(noStatus.body.toString()), { statusCode: 502, errorMessage: /statusCode/ });
  t.match(JSON.parse((await request(`${server.url}/api/things/9?bad=body`)).body.toString()), { errorMessage: /body must be a string/ });

  // Web function: passed through, full path and query.
  const page = await request(`${server.url}/www/a/b?x=1`, { method: 'PUT' });
  t.equal(page.body.toString(), 'PUT /www/a/b?x=1');

  // Conflicts and errors.
  const conflict = await expectApiError(t, client.CreateTrigger({ FunctionName: 'made', TriggerName: 'clash', Type: 'apigw', TriggerDesc: desc('/api/users/{userId}', 'POST') }), 'ResourceInUse.Trigger');
  t.match(conflict?.message, /trigger users of function default\/echo/, 'the conflict names the other trigger');
  await client.CreateTrigger({ FunctionName: 'made', TriggerName: 'put', Type: 'apigw', TriggerDesc: desc('/api/users/{userId}', 'PUT') });
  t.pass('the same path with another method is no conflict');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'made', TriggerName: 'ns', Type: 'apigw', TriggerDesc: desc('/default/echo') }), 'ResourceInUse.Trigger', 'would shadow a namespace');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'made', TriggerName: 'p', Type: 'apigw', TriggerDesc: desc('/{x}/y') }), 'InvalidParameterValue.TriggerDesc', 'a parameter first');
  await expectApiError(t, client.CreateNamespace({ Namespace: 'api' }), 'ResourceInUse.Namespace', 'a namespace under a trigger path');
  await expectApiError(t, client.CreateNamespace({ Namespace: 'hello' }), 'ResourceInUse.Namespace', 'a namespace equal to a one-segment trigger path');
  await client.CreateNamespace({ Namespace: 'apis' });
  t.pass('a namespace that only starts like a trigger path is fine');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'made', TriggerName: 'p', Type: 'apigw', TriggerDesc: '{"api":{}}' }), 'InvalidParameterValue.TriggerDesc', 'no path');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'made', TriggerName: 'p', Type: 'apigw', TriggerDesc: desc('/a/*/b') }), 'InvalidParameterValue.TriggerDesc', 'a rest-match not last');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'made', TriggerName: 'p', Type: 'apigw', TriggerDesc: desc('/a', 'FETCH') }), 'InvalidParameterValue.TriggerDesc', 'unknown method');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'echo', TriggerName: 'users', Type: 'apigw', TriggerDesc: desc('/other') }), 'ResourceInUse.TriggerName');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'echo', TriggerName: 'tick', Type: 'ckafka', TriggerDesc: '{}' }), 'UnsupportedOperation.Trigger');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'echo', TriggerName: 'q', Type: 'apigw', TriggerDesc: desc('/q'), Qualifier: '5' }), 'ResourceNotFound.Qualifier');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'ghost', TriggerName: 'q', Type: 'apigw', TriggerDesc: desc('/q') }), 'ResourceNotFound.Function');

  // Status: disabled → 404; the same state again is refused.
  await client.UpdateTriggerStatus({ FunctionName: 'echo', TriggerName: 'users', Type: 'apigw', Enable: 'CLOSE' });
  t.equal((await request(`${server.url}/api/users/1`)).status, 404, 'a disabled trigger answers 404');
  await expectApiError(t, client.UpdateTriggerStatus({ FunctionName: 'echo', TriggerName: 'users', Type: 'apigw', Enable: 'CLOSE' }), 'FailedOperation.UpdateTriggerStatus');
  await client.UpdateTriggerStatus({ FunctionName: 'echo', TriggerName: 'users', Type: 'apigw', Enable: 'OPEN' });
  t.equal((await request(`${server.url}/api/users/1`)).status, 200);

  // Update: a new path; list and GetFunction show the triggers.
  await client.UpdateTrigger({ FunctionName: 'echo', TriggerName: 'root', Type: 'apigw', TriggerDesc: desc('/hi', 'GET') });
  t.equal((await request(`${server.url}/hello`)).status, 404, 'the old path is gone');
  t.equal((await request(`${server.url}/hi`)).status, 200, 'the new path serves');
  const listed = await client.ListTriggers({ FunctionName: 'echo', OrderBy: 'add_time', Order: 'ASC' });
  t.same(listed.Triggers.map((x) => x.TriggerName), ['users', 'root']);
  t.equal(listed.TotalCount, 2);
  t.same((await client.ListTriggers({ FunctionName: 'echo', Filters: [{ Name: 'TriggerName', Values: ['root'] }] })).Triggers.map((x) => x.TriggerName), ['root']);
  t.same((await client.GetFunction({ FunctionName: 'echo' })).Triggers.map((x) => [x.TriggerName, x.Type, x.Enable]), [['users', 'apigw', 1], ['root', 'apigw', 1]]);

  // Triggers survive a restart: the route table is rebuilt from the store.
  await server.stop();
  server = await startServer(t, { dataDir });
  client = server.client();
  t.equal(JSON.parse((await request(`${server.url}/api/users/5`)).body.toString()).pathParameters.id, '5', 'served after a restart');

  // Delete: the route goes; deleting a function removes its routes.
  await client.DeleteTrigger({ FunctionName: 'echo', TriggerName: 'users', Type: 'apigw' });
  t.equal((await request(`${server.url}/api/users/5`)).status, 404);
  await expectApiError(t, client.DeleteTrigger({ FunctionName: 'echo', TriggerName: 'users', Type: 'apigw' }), 'ResourceNotFound.Trigger');
  await client.DeleteFunction({ FunctionName: 'site' });
  t.equal((await request(`${server.url}/www/a`)).status, 404, 'a deleted function\'s trigger no longer serves');
  await createFunction(client, 'site2', WEB, { Type: 'HTTP', Handler: 'index.fetch' });
  await client.CreateTrigger({ FunctionName: 'site2', TriggerName: 'www', Type: 'apigw', TriggerDesc: desc('/www/*') });
  t.equal((await request(`${server.url}/www/z`)).body.toString(), 'GET /www/z', 'its path can be taken again');
});

t.test('a trigger calls its qualifier, alias rules reading the request headers', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'ver', { 'index.js': 'exports.main_handler = async (e, ctx) => ({ version: ctx.function_version });\n' });
  await client.PublishVersion({ FunctionName: 'ver' });
  await client.PublishVersion({ FunctionName: 'ver' });
  await client.CreateAlias({
    FunctionName: 'ver',
    Name: 'live',
    FunctionVersion: '1',
    RoutingConfig: { AddtionVersionMatchs: [{ Version: '2', Key: 'invoke.headers.X-Beta', Method: 'exact', Expression: 'on' }] },
  });
  await client.CreateTrigger({ FunctionName: 'ver', TriggerName: 'v', Type: 'apigw', TriggerDesc: desc('/ver'), Qualifier: 'live' });
  t.same(JSON.parse((await request(`${server.url}/ver`)).body.toString()), { version: '1' });
  t.same(JSON.parse((await request(`${server.url}/ver`, { headers: { 'x-beta': 'on' } })).body.toString()), { version: '2' });
});
