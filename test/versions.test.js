'use strict';
// Versions through the official SDK (scf-api.md §3.4): PublishVersion snapshots
// $LATEST, published versions are immutable, numbers are never reused, code is
// shared by content hash, and Invoke / HTTP select a version by qualifier.
const fs = require('node:fs');
const path = require('node:path');
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');
const { request } = require('./helpers/http');
const { makeZip } = require('./helpers/zip');

const handlerReturning = (value) => ({ 'index.js': `exports.main_handler = async () => (${JSON.stringify(value)});\n` });
const webReturning = (text) => ({ 'index.mjs': `export default { fetch() { return new Response(${JSON.stringify(text)}) } }\n` });

t.test('publish, read, list and delete versions; published versions are immutable', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'rel', handlerReturning('one'), { Description: 'first', MemorySize: 128 });

  const published = await client.PublishVersion({ FunctionName: 'rel', Description: 'release one' });
  t.match(published, { FunctionVersion: '1', MemorySize: 128, Handler: 'index.main_handler', Timeout: 3, Runtime: 'Isolate', Namespace: 'default', Description: 'release one' });
  t.ok(published.CodeSize > 0, 'CodeSize is the package size');

  // $LATEST moves on; version 1 keeps its code and configuration.
  await client.UpdateFunctionCode({ FunctionName: 'rel', Code: { ZipFile: makeZip(handlerReturning('two')).toString('base64') } });
  await client.UpdateFunctionConfiguration({ FunctionName: 'rel', Description: 'changed', Timeout: 9 });
  t.equal((await invoke(client, 'rel', {}, { Qualifier: '1' })).RetMsg, '"one"', 'version 1 runs its own code');
  t.equal((await invoke(client, 'rel')).RetMsg, '"two"', '$LATEST runs the new code');
  t.match(await client.GetFunction({ FunctionName: 'rel', Qualifier: '1' }), { Qualifier: '1', FunctionVersion: '1', Description: 'release one', Timeout: 3 });
  t.match(await client.GetFunction({ FunctionName: 'rel' }), { Qualifier: '$LATEST', Description: 'changed', Timeout: 9 });

  // Every update action refuses a published version and changes nothing.
  await expectApiError(t, client.UpdateFunctionCode({ FunctionName: 'rel', Qualifier: '1', Code: { ZipFile: makeZip(handlerReturning('x')).toString('base64') } }), 'UnsupportedOperation.UpdateFunctionCode');
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'rel', Qualifier: '1', Timeout: 30 }), 'FailedOperation.UpdateFunctionConfiguration');
  t.match(await client.GetFunction({ FunctionName: 'rel', Qualifier: '1' }), { Timeout: 3, Description: 'release one' }, 'version 1 unchanged');
  t.match(await client.GetFunction({ FunctionName: 'rel' }), { Timeout: 9 }, '$LATEST not edited by a refused call');
  t.equal((await invoke(client, 'rel', {}, { Qualifier: '1' })).RetMsg, '"one"');

  // Publish: "TRUE" on the update actions.
  await client.UpdateFunctionConfiguration({ FunctionName: 'rel', MemorySize: 256, Publish: 'TRUE' });
  t.match(await client.GetFunction({ FunctionName: 'rel', Qualifier: '2' }), { FunctionVersion: '2', MemorySize: 256, Timeout: 9 });
  await client.UpdateFunctionCode({ FunctionName: 'rel', Code: { ZipFile: makeZip(handlerReturning('three')).toString('base64') }, Publish: 'TRUE' });
  t.equal((await invoke(client, 'rel', {}, { Qualifier: '3' })).RetMsg, '"three"');
  t.equal((await invoke(client, 'rel', {}, { Qualifier: '2' })).RetMsg, '"two"');
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'rel', Publish: 'yes' }), 'InvalidParameterValue.Publish');

  // List: $LATEST first, then numbers; order and paging.
  const listed = await client.ListVersionByFunction({ FunctionName: 'rel' });
  t.same(listed.FunctionVersion, ['$LATEST', '1', '2', '3']);
  t.equal(listed.TotalCount, 4);
  t.match(listed.Versions[1], { Version: '1', Description: 'release one', Status: 'Active', AddTime: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/ });
  t.same((await client.ListVersionByFunction({ FunctionName: 'rel', Order: 'DESC', Limit: 2 })).FunctionVersion, ['3', '2']);
  t.same((await client.ListVersionByFunction({ FunctionName: 'rel', Offset: 3 })).FunctionVersion, ['3']);
  await expectApiError(t, client.ListVersionByFunction({ FunctionName: 'rel', OrderBy: 'Name' }), 'InvalidParameterValue.OrderBy');
  await expectApiError(t, client.ListVersionByFunction({ FunctionName: 'nope' }), 'ResourceNotFound.Function');

  // Delete: numbers are never reused; $LATEST and unknown versions are refused.
  await client.DeleteFunctionVersion({ FunctionName: 'rel', Qualifier: '3' });
  await expectApiError(t, client.GetFunction({ FunctionName: 'rel', Qualifier: '3' }), 'ResourceNotFound.Version');
  await expectApiError(t, client.Invoke({ FunctionName: 'rel', Qualifier: '3' }), 'ResourceNotFound.Qualifier');
  t.equal((await client.PublishVersion({ FunctionName: 'rel' })).FunctionVersion, '4', 'a deleted number is not handed out again');
  await expectApiError(t, client.DeleteFunctionVersion({ FunctionName: 'rel', Qualifier: '$LATEST' }), 'InvalidParameterValue.Qualifier');
  await expectApiError(t, client.DeleteFunctionVersion({ FunctionName: 'rel', Qualifier: '9' }), 'ResourceNotFound.Version');
  await expectApiError(t, client.DeleteFunctionVersion({ FunctionName: 'rel', Qualifier: 'abc' }), 'ResourceNotFound.Version');
  await expectApiError(t, client.DeleteFunctionVersion({ FunctionName: 'rel' }), 'MissingParameter');
  await expectApiError(t, client.PublishVersion({ FunctionName: 'ghost' }), 'ResourceNotFound.Function');
  await client.DeleteFunction({ FunctionName: 'rel', Qualifier: '4' });
  t.same((await client.ListVersionByFunction({ FunctionName: 'rel' })).FunctionVersion, ['$LATEST', '1', '2']);
});

t.test('a published version shares its code package: one unpacked tree per content hash', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'shared', handlerReturning('same'));
  const trees = () => fs.readdirSync(path.join(server.dataDir, 'code', 'trees')).sort();
  const before = trees();
  t.equal(before.length, 1);
  for (let i = 0; i < 3; i++) await client.PublishVersion({ FunctionName: 'shared' });
  t.same(trees(), before, 'publishing three versions unpacked nothing new');
  await client.UpdateFunctionConfiguration({ FunctionName: 'shared', Timeout: 5, Publish: 'TRUE' });
  t.same(trees(), before, 'a configuration-only version shares the package too');
  t.equal((await client.GetFunction({ FunctionName: 'shared', Qualifier: '4' })).CodeSize, (await client.GetFunction({ FunctionName: 'shared' })).CodeSize);
});

t.test('the data plane selects a version by path (@qualifier) and by X-Scf-Qualifier', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'site', webReturning('v1'), { Type: 'HTTP', Handler: 'index.fetch' });
  await client.PublishVersion({ FunctionName: 'site' });
  await client.UpdateFunctionCode({ FunctionName: 'site', Code: { ZipFile: makeZip(webReturning('v2')).toString('base64') } });
  const get = async (urlPath, headers = {}) => {
    const res = await request(`${server.url}${urlPath}`, { headers });
    return { status: res.status, body: res.body.toString() };
  };
  t.same(await get('/default/site/'), { status: 200, body: 'v2' }, 'no qualifier: $DEFAULT → $LATEST');
  t.same(await get('/default/site@1/'), { status: 200, body: 'v1' }, 'path form');
  t.same(await get('/default/site@1'), { status: 200, body: 'v1' }, 'path form without a rest');
  t.same(await get('/default/site@%24LATEST/x'), { status: 200, body: 'v2' }, 'percent-encoded $LATEST');
  t.same(await get('/default/site/', { 'X-Scf-Qualifier': '1' }), { status: 200, body: 'v1' }, 'header form');
  t.same(await get('/default/site@$LATEST/', { 'X-Scf-Qualifier': '1' }), { status: 200, body: 'v2' }, 'the path wins over the header');
  const missing = await get('/default/site@7/');
  t.equal(missing.status, 404, 'an unknown version is 404');
  t.same(JSON.parse(missing.body), { errorCode: -1, errorMessage: 'NotFound', statusCode: 404 });
});

t.test('a WebSocket upgrade selects the version by path (@qualifier) and by X-Scf-Qualifier', async (t) => {
  const { connect, WS } = require('./helpers/ws');
  const server = await startServer(t);
  const client = server.client();
  const wsReturning = (tag) => ({
    'index.mjs': `export default { fetch(req) {
  const [client, server] = Object.values(new WebSocketPair());
  server.accept();
  server.addEventListener('message', () => server.send(${JSON.stringify(tag)} + ' ' + req.headers.get('x-scf-version')));
  return new Response(null, { status: 101, webSocket: client });
} }\n`,
  });
  await createFunction(client, 'sock', wsReturning('one'), WS);
  await client.PublishVersion({ FunctionName: 'sock' });
  await client.UpdateFunctionCode({ FunctionName: 'sock', Code: { ZipFile: makeZip(wsReturning('two')).toString('base64') } });
  const say = async (urlPath, headers) => {
    const c = await connect(`ws://127.0.0.1:${server.port}${urlPath}`, { headers });
    c.ws.send('which');
    const { data } = await c.next();
    c.ws.close(1000);
    await c.closed;
    return data;
  };
  t.equal(await say('/default/sock/'), 'two $LATEST');
  t.equal(await say('/default/sock@1/'), 'one 1', 'path form');
  t.equal(await say('/default/sock/', { 'X-Scf-Qualifier': '1' }), 'one 1', 'header form');
});
