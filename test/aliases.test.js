'use strict';
// Aliases through the official SDK (scf-api.md §3.5): CRUD, $DEFAULT, the
// spec's error codes, rule routing on Invoke (RoutingKey) and HTTP (request
// headers), and log records that carry the version that ran and the alias.
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');
const { request } = require('./helpers/http');
const { makeZip } = require('./helpers/zip');

const returning = (value) => ({ 'index.js': `exports.main_handler = async () => (${JSON.stringify(value)});\n` });
const zipOf = (files) => makeZip(files).toString('base64');

/** Creates `name` with versions 1..n, version k returning "v<k>"; $LATEST returns "latest". */
async function withVersions(client, name, n, params = {}) {
  await createFunction(client, name, returning('v1'), params);
  for (let k = 1; k <= n; k++) {
    if (k > 1) await client.UpdateFunctionCode({ FunctionName: name, Code: { ZipFile: zipOf(returning(`v${k}`)) } });
    await client.PublishVersion({ FunctionName: name });
  }
  await client.UpdateFunctionCode({ FunctionName: name, Code: { ZipFile: zipOf(returning('latest')) } });
}

t.test('alias life cycle and its error codes', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await withVersions(client, 'app', 3);

  // $DEFAULT exists from the start and points to $LATEST.
  t.match(await client.GetAlias({ FunctionName: 'app', Name: '$DEFAULT' }), { Name: '$DEFAULT', FunctionVersion: '$LATEST' });
  t.equal((await client.InvokeFunction({ FunctionName: 'app' })).Result.RetMsg, '"latest"', 'InvokeFunction uses $DEFAULT');

  await client.CreateAlias({ FunctionName: 'app', Name: 'prod', FunctionVersion: '1', Description: 'production' });
  t.match(await client.GetAlias({ FunctionName: 'app', Name: 'prod' }), {
    Name: 'prod',
    FunctionVersion: '1',
    Description: 'production',
    RoutingConfig: { AdditionalVersionWeights: [], AddtionVersionMatchs: [] },
    AddTime: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
  });
  t.equal((await invoke(client, 'app', {}, { Qualifier: 'prod' })).RetMsg, '"v1"');

  await client.UpdateAlias({ FunctionName: 'app', Name: 'prod', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: [{ Version: '3', Weight: 0.25 }] } });
  t.match(await client.GetAlias({ FunctionName: 'app', Name: 'prod' }), {
    FunctionVersion: '2',
    Description: 'production',
    RoutingConfig: { AdditionalVersionWeights: [{ Version: '3', Weight: 0.25 }] },
  }, 'UpdateAlias keeps an absent Description');
  await client.UpdateAlias({ FunctionName: 'app', Name: '$DEFAULT', FunctionVersion: '1' });
  t.equal((await client.InvokeFunction({ FunctionName: 'app' })).Result.RetMsg, '"v1"', '$DEFAULT re-pointed');
  t.equal((await invoke(client, 'app')).RetMsg, '"latest"', 'Invoke without a qualifier still means $LATEST');

  await client.CreateAlias({ FunctionName: 'app', Name: 'canary', FunctionVersion: '$LATEST' });
  const listed = await client.ListAliases({ FunctionName: 'app' });
  t.same(listed.Aliases.map((a) => a.Name), ['$DEFAULT', 'prod', 'canary']);
  t.equal(listed.TotalCount, 3);
  t.same((await client.ListAliases({ FunctionName: 'app', FunctionVersion: '3' })).Aliases.map((a) => a.Name), ['prod'], 'filter by a weighted version');
  t.same((await client.ListAliases({ FunctionName: 'app', Offset: '1', Limit: '1' })).Aliases.map((a) => a.Name), ['prod'], 'string paging');

  // Versions in use cannot be deleted.
  await expectApiError(t, client.DeleteFunctionVersion({ FunctionName: 'app', Qualifier: '3' }), 'UnsupportedOperation.AliasBind', 'weighted version in use');
  await expectApiError(t, client.DeleteFunctionVersion({ FunctionName: 'app', Qualifier: '1' }), 'UnsupportedOperation.AliasBind', '$DEFAULT points to 1');

  // Errors.
  await expectApiError(t, client.CreateAlias({ FunctionName: 'app', Name: 'prod', FunctionVersion: '1' }), 'ResourceInUse.Alias');
  await expectApiError(t, client.CreateAlias({ FunctionName: 'app', Name: '$DEFAULT', FunctionVersion: '1' }), 'ResourceInUse.Alias');
  await expectApiError(t, client.CreateAlias({ FunctionName: 'app', Name: '9lives', FunctionVersion: '1' }), 'InvalidParameterValue.Name');
  await expectApiError(t, client.CreateAlias({ FunctionName: 'app', Name: 'x', FunctionVersion: '7' }), 'ResourceNotFound.FunctionVersion', 'unknown main version');
  await expectApiError(t, client.CreateAlias({ FunctionName: 'ghost', Name: 'x', FunctionVersion: '1' }), 'ResourceNotFound.Function');
  const weights = (list) => client.CreateAlias({ FunctionName: 'app', Name: 'w', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: list } });
  await expectApiError(t, weights([{ Version: '2', Weight: 0.6 }, { Version: '3', Weight: 0.5 }]), 'InvalidParameterValue.RoutingConfig', 'weights over 1');
  await expectApiError(t, weights([{ Version: '2', Weight: 1.5 }]), 'InvalidParameterValue.RoutingConfig', 'one weight over 1');
  await expectApiError(t, weights([{ Version: '2', Weight: 0 }]), 'InvalidParameterValue.RoutingConfig', 'zero weight');
  await expectApiError(t, weights([{ Version: '1', Weight: 0.1 }]), 'InvalidParameterValue.RoutingConfig', 'weight on the main version');
  await expectApiError(t, weights([{ Version: '9', Weight: 0.1 }]), 'ResourceNotFound.FunctionVersion', 'weight on an unknown version');
  const rule = (match) => client.CreateAlias({ FunctionName: 'app', Name: 'r', FunctionVersion: '1', RoutingConfig: { AddtionVersionMatchs: [match] } });
  await expectApiError(t, rule({ Version: '2', Method: 'exact', Expression: 'Bob' }), 'InvalidParameterValue.RoutingConfig', 'rule without a key');
  await expectApiError(t, rule({ Version: '2', Key: 'User', Method: 'exact', Expression: 'Bob' }), 'InvalidParameterValue.RoutingConfig', 'rule key not invoke.headers.*');
  await expectApiError(t, rule({ Version: '2', Key: 'invoke.headers.User', Method: 'regex', Expression: 'B.*' }), 'InvalidParameterValue.RoutingConfig', 'unknown method');
  await expectApiError(t, rule({ Version: '2', Key: 'invoke.headers.n', Method: 'range', Expression: '[5,1]' }), 'InvalidParameterValue.RoutingConfig', 'empty range');
  await expectApiError(
    t,
    client.CreateAlias({ FunctionName: 'app', Name: 'both', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: [{ Version: '2', Weight: 0.1 }], AddtionVersionMatchs: [{ Version: '3', Key: 'invoke.headers.a', Method: 'exact', Expression: 'b' }] } }),
    'InvalidParameterValue.RoutingConfig',
    'weights and rules together',
  );
  await expectApiError(t, client.GetAlias({ FunctionName: 'app', Name: 'nope' }), 'ResourceNotFound.Alias');
  await expectApiError(t, client.UpdateAlias({ FunctionName: 'app', Name: 'nope', FunctionVersion: '1' }), 'ResourceNotFound.Alias');
  await expectApiError(t, client.DeleteAlias({ FunctionName: 'app', Name: '$DEFAULT' }), 'InvalidParameterValue.Alias');
  await expectApiError(t, client.DeleteAlias({ FunctionName: 'app', Name: 'nope' }), 'ResourceNotFound.Alias');
  await expectApiError(t, client.Invoke({ FunctionName: 'app', Qualifier: 'nope' }), 'ResourceNotFound.Qualifier');

  await client.DeleteAlias({ FunctionName: 'app', Name: 'prod' });
  await expectApiError(t, client.Invoke({ FunctionName: 'app', Qualifier: 'prod' }), 'ResourceNotFound.Qualifier', 'a deleted alias stops routing at once');
  await client.DeleteFunctionVersion({ FunctionName: 'app', Qualifier: '3' });
  t.pass('version 3 is deletable once no alias routes to it');
});

t.test('rule routing: RoutingKey on Invoke, request headers on HTTP; no match → main version', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await withVersions(client, 'ev', 3);
  await client.CreateAlias({
    FunctionName: 'ev',
    Name: 'split',
    FunctionVersion: '1',
    RoutingConfig: {
      AddtionVersionMatchs: [
        { Version: '2', Key: 'invoke.headers.User', Method: 'exact', Expression: 'Bob' },
        { Version: '3', Key: 'invoke.headers.userHash', Method: 'range', Expression: '[1,50]' },
      ],
    },
  });
  const ran = async (routingKey) => (await invoke(client, 'ev', {}, { Qualifier: 'split', ...(routingKey ? { RoutingKey: JSON.stringify(routingKey) } : {}) })).RetMsg;
  for (let i = 0; i < 5; i++) t.equal(await ran({ User: 'Bob' }), '"v2"', 'exact rule, every time');
  t.equal(await ran({ User: 'Alice' }), '"v1"', 'exact rule does not match → main');
  t.equal(await ran({ userHash: '1' }), '"v3"', 'range low end inclusive');
  t.equal(await ran({ userHash: '50' }), '"v3"', 'range high end inclusive');
  t.equal(await ran({ userHash: '51' }), '"v1"', 'outside the range → main');
  t.equal(await ran({ userHash: 'x' }), '"v1"', 'not an integer → main');
  t.equal(await ran({ Other: 'Bob' }), '"v1"', 'the rule\'s key missing from the RoutingKey → main');
  t.equal(await ran(undefined), '"v1"', 'no RoutingKey → main');
  t.equal(await ran({ User: 'Bob', userHash: '5' }), '"v2"', 'first matching rule wins');
  await expectApiError(t, client.Invoke({ FunctionName: 'ev', Qualifier: 'split', RoutingKey: '["Bob"]' }), 'InvalidParameterValue.RoutingKey');
  await expectApiError(t, client.Invoke({ FunctionName: 'ev', Qualifier: 'split', RoutingKey: '{"User":1}' }), 'InvalidParameterValue.RoutingKey');
  await expectApiError(t, client.Invoke({ FunctionName: 'ev', Qualifier: 'split', RoutingKey: JSON.stringify({ k: 'x'.repeat(1100) }) }), 'InvalidParameterValue.RoutingKey');

  // Log records carry the version that ran and the alias it came through.
  let logs;
  for (let i = 0; i < 50; i++) {
    logs = await client.GetFunctionLogs({ FunctionName: 'ev', Qualifier: '2', Limit: 100 });
    if (logs.TotalCount >= 6) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.equal(logs.TotalCount, 6, 'the calls that ran version 2');
  t.ok(logs.Data.every((d) => d.FunctionVersion === '2' && d.Alias === 'split' && d.Qualifier === 'split'), 'version, alias and qualifier on every record');

  // HTTP: the rules read the request's headers (case-insensitively).
  const web = (text) => ({ 'index.mjs': `export default { fetch(req) { return new Response(${JSON.stringify(text)} + ' ' + req.headers.get('x-scf-version')) } }\n` });
  await createFunction(client, 'site', web('one'), { Type: 'HTTP', Handler: 'index.fetch' });
  await client.PublishVersion({ FunctionName: 'site' });
  await client.UpdateFunctionCode({ FunctionName: 'site', Code: { ZipFile: zipOf(web('two')) } });
  await client.PublishVersion({ FunctionName: 'site' });
  await client.UpdateAlias({
    FunctionName: 'site',
    Name: '$DEFAULT',
    FunctionVersion: '1',
    RoutingConfig: { AddtionVersionMatchs: [{ Version: '2', Key: 'invoke.headers.X-Beta', Method: 'exact', Expression: 'yes' }] },
  });
  const get = async (headers) => (await request(`${server.url}/default/site/`, { headers })).body.toString();
  t.equal(await get({ 'x-beta': 'yes' }), 'two 2', 'header rule → version 2');
  t.equal(await get({ 'X-Beta': 'no' }), 'one 1', 'other value → main');
  t.equal(await get({}), 'one 1', 'header absent → main');
});
