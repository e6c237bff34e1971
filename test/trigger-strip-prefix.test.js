'use strict';
// A trigger with requestConfig.stripPrefix TRUE hands its web function the
// path without the trigger's prefix (spec/triggers.md, "On a web
// function"); without it the path passes unchanged; a bad value is refused.
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');
const { isola } = require('./helpers/cli');

const desc = (path, extra = {}) => JSON.stringify({ api: { requestConfig: { method: 'ANY', path, ...extra } } });
const WEB = { 'index.mjs': 'export default { fetch(req) { const u = new URL(req.url); return new Response(req.method + " " + u.pathname + u.search) } }\n' };

t.test('stripPrefix removes the trigger prefix for web functions', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'site', WEB, { Type: 'HTTP', Handler: 'index.fetch' });
  await client.CreateTrigger({ FunctionName: 'site', TriggerName: 'app', Type: 'apigw', TriggerDesc: desc('/app/{tenant}/*', { stripPrefix: 'TRUE' }) });
  await client.CreateTrigger({ FunctionName: 'site', TriggerName: 'exact', Type: 'apigw', TriggerDesc: desc('/exact/page', { stripPrefix: 'TRUE' }) });
  await client.CreateTrigger({ FunctionName: 'site', TriggerName: 'kept', Type: 'apigw', TriggerDesc: desc('/kept/*') });

  const body = async (url, init) => String((await request(`${server.url}${url}`, init)).body);
  t.equal(await body('/app/acme/users/42?x=1'), 'GET /users/42?x=1', 'prefix (with its parameter) removed, query kept');
  t.equal(await body('/app/acme/a%20b/', { method: 'POST', body: 'x' }), 'POST /a%20b/', 'encoding and trailing slash as received');
  t.equal(await body('/app/acme'), 'GET /', 'nothing after the prefix: /');
  t.equal(await body('/exact/page?q=2'), 'GET /?q=2', 'a path without a rest-match becomes /');
  t.equal(await body('/kept/a/b'), 'GET /kept/a/b', 'without stripPrefix the path passes unchanged');

  const added = await isola(server, ['trigger', 'add', 'site', 'cli', '/cli/*', '--strip-prefix']);
  t.equal(added.code, 0, added.stderr);
  t.equal(await body('/cli/x/y'), 'GET /x/y', 'isola trigger add --strip-prefix');

  await expectApiError(t, client.CreateTrigger({ FunctionName: 'site', TriggerName: 'bad', Type: 'apigw', TriggerDesc: desc('/bad/*', { stripPrefix: 'yes' }) }), 'InvalidParameterValue.TriggerDesc', 'stripPrefix must be TRUE or FALSE');
  await expectApiError(t, client.CreateTrigger({ FunctionName: 'site', TriggerName: 'auth', Type: 'apigw', TriggerDesc: JSON.stringify({ api: { authRequired: 'TRUE', requestConfig: { method: 'GET', path: '/auth' } } }) }), 'InvalidParameterValue.TriggerDesc', 'authRequired TRUE is refused visibly');
});
