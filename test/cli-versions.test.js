'use strict';
// `isola version` (and later alias / rollback) end to end: the CLI as a child
// process against a real server, outcomes checked through the official SDK.
const t = require('tap');
const { isola } = require('./helpers/cli');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');

const HANDLER = { 'index.js': 'exports.main_handler = async () => "ok";\n' };

t.test('isola version publish | list | rm', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'cv', HANDLER);

  const published = await isola(server, ['version', 'publish', 'cv', '--description', 'first cut']);
  t.equal(published.code, 0, published.stderr);
  t.match(published.stdout, /^published version 1 of function cv \(namespace default\)\n/);
  t.match(published.stdout, /^description: +first cut$/m);
  const asJson = await isola(server, ['version', 'publish', 'cv', '--json']);
  t.match(JSON.parse(asJson.stdout), { FunctionVersion: '2', Runtime: 'Isolate' });

  const table = await isola(server, ['version', 'list', 'cv']);
  t.equal(table.code, 0);
  const lines = table.stdout.trimEnd().split('\n');
  t.match(lines[0], /^VERSION +STATUS +ADDED +DESCRIPTION$/);
  t.same(lines.slice(1).map((l) => l.split(/ +/)[0]), ['$LATEST', '1', '2']);
  t.match(lines[2], /first cut$/);
  const listed = JSON.parse((await isola(server, ['version', 'list', 'cv', '--json', '--desc'])).stdout);
  t.same(listed.FunctionVersion, ['2', '1', '$LATEST']);

  const removed = await isola(server, ['version', 'rm', 'cv', '1']);
  t.same(removed, { code: 0, stdout: 'deleted version 1 of function cv (namespace default)\n', stderr: '' });
  t.same((await client.ListVersionByFunction({ FunctionName: 'cv' })).FunctionVersion, ['$LATEST', '2'], 'the server has it');
  const refused = await isola(server, ['version', 'rm', 'cv', '$LATEST']);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /^isola: InvalidParameterValue\.Qualifier: /);
});

t.test('isola alias set | get | list | rm, and rollback', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'ca', HANDLER);
  for (let i = 0; i < 3; i++) await client.PublishVersion({ FunctionName: 'ca' });

  const created = await isola(server, ['alias', 'set', 'ca', 'prod', '2', '--weight', '3=0.1', '--description', 'live']);
  t.same(created, { code: 0, stdout: 'created alias prod of function ca: 2 (+3 at 10%)\n', stderr: '' });
  t.match(await client.GetAlias({ FunctionName: 'ca', Name: 'prod' }), { FunctionVersion: '2', Description: 'live', RoutingConfig: { AdditionalVersionWeights: [{ Version: '3', Weight: 0.1 }] } });

  const ruled = await isola(server, ['alias', 'set', 'ca', 'prod', '2', '--rule', 'invoke.headers.User exact Bob -> 3', '--json']);
  t.equal(ruled.code, 0, ruled.stderr);
  t.match(JSON.parse(ruled.stdout), { Name: 'prod', RoutingConfig: { AdditionalVersionWeights: [], AddtionVersionMatchs: [{ Version: '3', Key: 'invoke.headers.User', Method: 'exact', Expression: 'Bob' }] } });

  const got = await isola(server, ['alias', 'get', 'ca', 'prod']);
  t.match(got.stdout, /^routing: +2 \(invoke\.headers\.User exact Bob → 3\)$/m);
  t.match(got.stdout, /^description: +live$/m, 'set without --description keeps it');

  const list = await isola(server, ['alias', 'list', 'ca']);
  const lines = list.stdout.trimEnd().split('\n');
  t.match(lines[0], /^NAME +ROUTES TO +MODIFIED +DESCRIPTION$/);
  t.match(lines[1], /^\$DEFAULT +\$LATEST /);
  t.match(lines[2], /^prod +2 \(invoke/);
  const listed = JSON.parse((await isola(server, ['alias', 'list', 'ca', '--routes-to', '3', '--json'])).stdout);
  t.same(listed.Aliases.map((a) => a.Name), ['prod']);

  const badWeight = await isola(server, ['alias', 'set', 'ca', 'prod', '2', '--weight', '3=0.7', '4=0.5']);
  t.equal(badWeight.code, 1);
  t.match(badWeight.stderr, /^isola: /, 'a refused weight is reported');
  const overOne = await isola(server, ['alias', 'set', 'ca', 'prod', '1', '--weight', '2=0.7', '3=0.5']);
  t.match(overOne.stderr, /^isola: InvalidParameterValue\.RoutingConfig: .*sum/);
  const badRule = await isola(server, ['alias', 'set', 'ca', 'prod', '2', '--rule', 'User is Bob']);
  t.equal(badRule.code, 1);
  t.match(badRule.stderr, /--rule expects/);

  // rollback: a shifted alias drops its shift; then it steps back one version; --to names one.
  await client.UpdateAlias({ FunctionName: 'ca', Name: 'prod', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: [{ Version: '3', Weight: 0.1 }] } });
  const dropped = await isola(server, ['rollback', 'ca', '--alias', 'prod']);
  t.same(dropped, { code: 0, stdout: 'rolled back alias prod of function ca: 2 (+3 at 10%) → 2\n', stderr: '' });
  const stepped = await isola(server, ['rollback', 'ca', '--alias', 'prod', '--json']);
  t.match(JSON.parse(stepped.stdout), { Name: 'prod', FunctionVersion: '1' });
  const nothing = await isola(server, ['rollback', 'ca', '--alias', 'prod']);
  t.equal(nothing.code, 1);
  t.match(nothing.stderr, /no earlier published version/);
  const to = await isola(server, ['rollback', 'ca', '--alias', 'prod', '--to', '3']);
  t.match(to.stdout, /: 1 → 3\n$/);
  await isola(server, ['rollback', 'ca']);
  t.match(await client.GetAlias({ FunctionName: 'ca', Name: '$DEFAULT' }), { FunctionVersion: '3' }, 'rollback of $DEFAULT ($LATEST) goes to the newest version');

  const removed = await isola(server, ['alias', 'rm', 'ca', 'prod']);
  t.same(removed, { code: 0, stdout: 'deleted alias prod of function ca (namespace default)\n', stderr: '' });
});

t.test('isola layer publish | list | rm, and deploy --layer', async (t) => {
  const path = require('node:path');
  const server = await startServer(t);
  const client = server.client();
  const dir = t.testdir({
    lib: { node_modules: { shout: { 'index.js': 'module.exports = (s) => s.toUpperCase() + "!";' } } },
    app: { 'index.js': 'exports.main_handler = async () => require("shout")("hi");' },
  });

  const published = await isola(server, ['layer', 'publish', 'shout', path.join(dir, 'lib'), '--runtime', 'Isolate', '--description', 'loud']);
  t.equal(published.code, 0, published.stderr);
  t.match(published.stdout, /^published layer shout version 1 \(.*\); bind it with --layer shout:1\n$/);
  t.match(JSON.parse((await isola(server, ['layer', 'publish', 'shout', path.join(dir, 'lib'), '--json'])).stdout), { LayerVersion: 2 });

  const table = await isola(server, ['layer', 'list']);
  t.match(table.stdout, /^NAME +VERSION +RUNTIMES +ADDED +DESCRIPTION\nshout +2 +Isolate /);
  const versions = JSON.parse((await isola(server, ['layer', 'list', 'shout', '--json'])).stdout);
  t.same(versions.LayerVersions.map((l) => l.LayerVersion), [2, 1]);

  const deployed = await isola(server, ['deploy', path.join(dir, 'app'), '--layer', 'shout:1']);
  t.equal(deployed.code, 0, deployed.stderr);
  t.equal((await client.Invoke({ FunctionName: 'app' })).Result.RetMsg, '"HI!"', 'require() finds the layer');
  t.match((await client.GetFunction({ FunctionName: 'app' })).Layers, [{ LayerName: 'shout', LayerVersion: 1 }]);
  const bad = await isola(server, ['deploy', path.join(dir, 'app'), '--layer', 'shout']);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /--layer expects NAME:VERSION/);

  const removed = await isola(server, ['layer', 'rm', 'shout', '2']);
  t.same(removed, { code: 0, stdout: 'deleted layer shout version 2\n', stderr: '' });
  t.same((await client.ListLayerVersions({ LayerName: 'shout' })).LayerVersions.map((l) => l.LayerVersion), [1]);
});

t.test('isola trigger add | list | disable | enable | rm', async (t) => {
  const { request } = require('./helpers/http');
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'ct', { 'index.js': 'exports.main_handler = async (e) => ({ id: e.pathParameters.id });\n' });

  const added = await isola(server, ['trigger', 'add', 'ct', 'users', '/u/{id}', '--method', 'GET']);
  t.same(added, { code: 0, stdout: 'added trigger users of function ct: GET /u/{id} → $DEFAULT\n', stderr: '' });
  t.same(JSON.parse((await request(`${server.url}/u/9`)).body.toString()), { id: '9' });
  const table = await isola(server, ['trigger', 'list', 'ct']);
  t.match(table.stdout, /^NAME +TYPE +ROUTE +QUALIFIER +STATE +MODIFIED\nusers +apigw +GET \/u\/\{id\} +\$DEFAULT +enabled /);
  t.match(JSON.parse((await isola(server, ['trigger', 'list', 'ct', '--json'])).stdout), { TotalCount: 1, Triggers: [{ TriggerName: 'users', Type: 'apigw' }] });

  t.same(await isola(server, ['trigger', 'disable', 'ct', 'users']), { code: 0, stdout: 'disabled trigger users of function ct\n', stderr: '' });
  t.equal((await request(`${server.url}/u/9`)).status, 404);
  await isola(server, ['trigger', 'enable', 'ct', 'users']);
  t.equal((await request(`${server.url}/u/9`)).status, 200);
  const clash = await isola(server, ['trigger', 'add', 'ct', 'other', '/u/{x}']);
  t.equal(clash.code, 1);
  t.match(clash.stderr, /^isola: ResourceInUse\.Trigger: .*users/);
  t.same(await isola(server, ['trigger', 'rm', 'ct', 'users']), { code: 0, stdout: 'deleted trigger users of function ct\n', stderr: '' });
  t.equal((await request(`${server.url}/u/9`)).status, 404);
});

t.test('the canary flow: publish, shift 10 %, watch the new version in isola logs --qualifier, roll back', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'shop', { 'index.js': 'exports.main_handler = async () => "v1";\n' });
  await isola(server, ['version', 'publish', 'shop']);
  await isola(server, ['alias', 'set', 'shop', '$DEFAULT', '1']);
  await client.UpdateFunctionCode({ FunctionName: 'shop', Code: { ZipFile: require('./helpers/zip').makeZip({ 'index.js': 'exports.main_handler = async () => { throw new Error("v2 is broken"); };\n' }).toString('base64') } });
  await isola(server, ['version', 'publish', 'shop']);
  const shifted = await isola(server, ['alias', 'set', 'shop', '$DEFAULT', '1', '--weight', '2=0.1']);
  t.match(shifted.stdout, /: 1 \(\+2 at 10%\)\n$/);

  const results = { v1: 0, failed: 0 };
  for (let i = 0; i < 100; i++) {
    const { Result } = await client.InvokeFunction({ FunctionName: 'shop' });
    if (Result.RetMsg === '"v1"') results.v1++;
    else if (Result.ErrMsg) results.failed++;
  }
  t.ok(results.failed > 0 && results.v1 > results.failed, `some calls reached version 2 and failed (${JSON.stringify(results)})`);

  let items = [];
  for (let i = 0; i < 50 && items.length < results.failed; i++) {
    items = JSON.parse((await isola(server, ['logs', 'shop', '--qualifier', '2', '--status', 'fail', '--json'])).stdout).Data;
    if (items.length < results.failed) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.equal(items.length, results.failed, 'isola logs --qualifier 2 shows every failed call of version 2');
  t.ok(items.every((d) => d.FunctionVersion === '2' && d.Alias === '$DEFAULT'), 'each names the version that ran and the alias it came through');

  const rolled = await isola(server, ['rollback', 'shop']);
  t.match(rolled.stdout, /rolled back alias \$DEFAULT of function shop: 1 \(\+2 at 10%\) → 1\n/);
  for (let i = 0; i < 20; i++) t.equal((await client.InvokeFunction({ FunctionName: 'shop' })).Result.RetMsg, '"v1"');
});
