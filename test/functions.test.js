'use strict';
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { yazlZip } = require('./helpers/zip');

/** A zip of `files` ({name: text}) as base64, built with yazl. */
const zipBase64 = async (files) => (await yazlZip(files)).toString('base64');

const HELLO = { 'index.js': 'exports.main_handler = async (event) => ({ ok: true });\n' };
const TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

t.test('functions through the official SDK', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  const zip = await zipBase64(HELLO);

  // create + get
  await client.CreateFunction({
    FunctionName: 'hello',
    Runtime: 'Nodejs18.15',
    Handler: 'index.main_handler',
    Code: { ZipFile: zip },
    Description: 'first',
    Environment: { Variables: [{ Key: 'GREETING', Value: 'hi' }] },
    Tags: [{ Key: 'team', Value: 'a' }],
  });
  const got = await client.GetFunction({ FunctionName: 'hello' });
  t.match(got, {
    FunctionName: 'hello',
    FunctionId: /^lam-[a-z0-9]{8}$/,
    Namespace: 'default',
    Runtime: 'Nodejs18.15',
    Handler: 'index.main_handler',
    MemorySize: 128,
    Timeout: 3,
    InitTimeout: 60,
    Type: 'Event',
    Status: 'Active',
    Description: 'first',
    Qualifier: '$LATEST',
    FunctionVersion: '$LATEST',
    AsyncRunEnable: 'FALSE',
    AddTime: TIME,
    ModTime: TIME,
    Tags: [{ Key: 'team', Value: 'a' }],
  });
  t.same(got.Environment, { Variables: [{ Key: 'GREETING', Value: 'hi' }] });
  t.equal(got.CodeSize, Buffer.from(zip, 'base64').length, 'CodeSize is the zip size');
  // What GetFunction reports about code and triggers comes from the function's state, not literals.
  t.equal(got.CodeResult, 'success', 'the code was unpacked and stored');
  t.equal(got.CodeError, '');
  t.equal(got.ErrNo, 0);
  t.same(got.Triggers, [], 'no triggers are bound (none can be yet)');
  t.same(got.Layers, [], 'no layers are bound');
  const shown = await client.GetFunction({ FunctionName: 'hello', ShowCode: 'TRUE' });
  t.equal(shown.CodeInfo, HELLO['index.js'], 'ShowCode returns the entry file');

  // defaults: handler, Isolate web function
  await client.CreateFunction({ FunctionName: 'edge', Runtime: 'Isolate', Type: 'HTTP', Code: { ZipFile: await zipBase64({ 'index.mjs': 'export default { fetch() { return new Response("ok") } }' }) } });
  t.match(await client.GetFunction({ FunctionName: 'edge' }), { Type: 'HTTP', Handler: 'index.fetch', Runtime: 'Isolate' });
  await client.CreateFunction({
    FunctionName: 'web',
    Runtime: 'Nodejs18.15',
    Type: 'HTTP',
    Timeout: 60,
    ProtocolType: 'WS',
    ProtocolParams: { WSParams: { IdleTimeOut: 30 } },
    InstanceConcurrencyConfig: { MaxConcurrency: 10 },
    Code: { ZipFile: await zipBase64({ scf_bootstrap: '#!/bin/sh\nexec node app.js\n', 'app.js': '' }) },
  });
  t.match(await client.GetFunction({ FunctionName: 'web' }), {
    Type: 'HTTP',
    ProtocolType: 'WS',
    ProtocolParams: { WSParams: { IdleTimeOut: 30 } },
    InstanceConcurrencyConfig: { MaxConcurrency: 10 },
  });

  // list: paging, SearchKey, Order, Orderby
  for (const name of ['alpha', 'beta', 'gamma']) {
    await client.CreateFunction({ FunctionName: name, Runtime: 'Python3.9', Code: { ZipFile: await zipBase64({ 'index.py': 'def main_handler(e, c):\n  return 1\n' }) } });
  }
  const all = await client.ListFunctions({ Orderby: 'FunctionName', Order: 'ASC' });
  t.equal(all.TotalCount, 6);
  t.same(all.Functions.map((f) => f.FunctionName), ['alpha', 'beta', 'edge', 'gamma', 'hello', 'web']);
  t.match(all.Functions[4], { FunctionName: 'hello', Namespace: 'default', Runtime: 'Nodejs18.15', Status: 'Active', Type: 'Event', Description: 'first', AsyncRunEnable: 'FALSE', AddTime: TIME });
  const page = await client.ListFunctions({ Orderby: 'FunctionName', Order: 'DESC', Limit: 2, Offset: 1 });
  t.equal(page.TotalCount, 6, 'TotalCount counts every match, not the page');
  t.same(page.Functions.map((f) => f.FunctionName), ['hello', 'gamma']);
  const byAdd = await client.ListFunctions({ Orderby: 'AddTime', Order: 'ASC', Limit: 3 });
  t.same(byAdd.Functions.map((f) => f.FunctionName), ['hello', 'edge', 'web']);
  const searched = await client.ListFunctions({ SearchKey: 'AM' });
  t.same(searched.Functions.map((f) => f.FunctionName), ['gamma'], 'SearchKey is a case-insensitive substring');
  const python = await client.ListFunctions({ Filters: [{ Name: 'Runtime', Values: ['Python3.9'] }], Orderby: 'FunctionName', Order: 'ASC' });
  t.same(python.Functions.map((f) => f.FunctionName), ['alpha', 'beta', 'gamma']);
  const web = await client.ListFunctions({ Filters: [{ Name: 'Type', Values: ['HTTP'] }], Orderby: 'FunctionName', Order: 'ASC' });
  t.same(web.Functions.map((f) => f.FunctionName), ['edge', 'web']);
  const tagged = await client.ListFunctions({ Filters: [{ Name: 'tag-team', Values: ['a'] }] });
  t.same(tagged.Functions.map((f) => f.FunctionName), ['hello']);
  const scf = require('tencentcloud-sdk-nodejs-scf');
  const getClient = new scf.scf.v20180416.Client({
    credential: { secretId: server.credentials.SecretId, secretKey: server.credentials.SecretKey },
    profile: { httpProfile: { protocol: 'http://', endpoint: `127.0.0.1:${server.port}`, reqMethod: 'GET' } },
  });
  const viaGet = await getClient.ListFunctions({ Filters: [{ Name: 'Runtime', Values: ['Python3.9'] }], Limit: 2, Offset: 1, Orderby: 'FunctionName', Order: 'ASC' });
  t.same(viaGet.Functions.map((f) => f.FunctionName), ['beta', 'gamma'], 'GET requests with flattened Filters and numbers as strings');

  // update code: CodeSize and ModTime change
  await new Promise((r) => setTimeout(r, 1100));
  const bigger = await zipBase64({ 'index.js': HELLO['index.js'] + '// ' + 'x'.repeat(500) + '\n', 'lib.js': 'module.exports = 1;\n' });
  await client.UpdateFunctionCode({ FunctionName: 'hello', Code: { ZipFile: bigger } });
  const afterCode = await client.GetFunction({ FunctionName: 'hello' });
  t.equal(afterCode.CodeSize, Buffer.from(bigger, 'base64').length, 'CodeSize follows the new package');
  t.not(afterCode.ModTime, got.ModTime, 'ModTime changes');
  t.equal(afterCode.AddTime, got.AddTime, 'AddTime does not');
  await client.UpdateFunctionCode({ FunctionName: 'hello', Handler: 'lib.other', ZipFile: bigger });
  t.equal((await client.GetFunction({ FunctionName: 'hello' })).Handler, 'lib.other', 'flat ZipFile + Handler');
  await client.UpdateFunctionCode({ FunctionName: 'hello', Handler: 'index.main_handler' });
  t.equal((await client.GetFunction({ FunctionName: 'hello' })).Handler, 'index.main_handler', 'handler alone');

  // update configuration: only what is sent changes
  await client.UpdateFunctionConfiguration({
    FunctionName: 'hello',
    MemorySize: 256,
    Timeout: 30,
    Environment: { Variables: [{ Key: 'A', Value: '1' }, { Key: 'B', Value: '2' }] },
    Description: 'second',
  });
  const afterConfig = await client.GetFunction({ FunctionName: 'hello' });
  t.match(afterConfig, { MemorySize: 256, Timeout: 30, Description: 'second', InitTimeout: 60, Handler: 'index.main_handler', Runtime: 'Nodejs18.15' });
  t.same(afterConfig.Environment.Variables, [{ Key: 'A', Value: '1' }, { Key: 'B', Value: '2' }]);
  await client.UpdateFunctionConfiguration({ FunctionName: 'hello', InitTimeout: 10 });
  t.match(await client.GetFunction({ FunctionName: 'hello' }), { MemorySize: 256, Timeout: 30, InitTimeout: 10, Description: 'second' });

  // copy: same namespace new name, other namespace, Override
  await client.CopyFunction({ FunctionName: 'hello', NewFunctionName: 'hello-copy' });
  const copy = await client.GetFunction({ FunctionName: 'hello-copy' });
  t.match(copy, { MemorySize: 256, Timeout: 30, Description: 'second', Runtime: 'Nodejs18.15', CodeSize: afterConfig.CodeSize, Tags: [{ Key: 'team', Value: 'a' }] });
  t.not(copy.FunctionId, afterConfig.FunctionId, 'the copy has its own id');
  await client.CreateNamespace({ Namespace: 'dev' });
  await client.CopyFunction({ FunctionName: 'hello', NewFunctionName: 'hello', TargetNamespace: 'dev', CopyConfiguration: false, Description: 'bare copy' });
  t.match(await client.GetFunction({ FunctionName: 'hello', Namespace: 'dev' }), { Namespace: 'dev', MemorySize: 128, Timeout: 3, Description: 'bare copy', CodeSize: afterConfig.CodeSize });
  await expectApiError(t, client.CopyFunction({ FunctionName: 'alpha', NewFunctionName: 'hello', TargetNamespace: 'dev' }), 'ResourceInUse.FunctionName', 'copy onto an existing name');
  await client.CopyFunction({ FunctionName: 'alpha', NewFunctionName: 'hello', TargetNamespace: 'dev', Override: true });
  t.match(await client.GetFunction({ FunctionName: 'hello', Namespace: 'dev' }), { Runtime: 'Python3.9' }, 'Override replaced it');
  t.equal((await client.ListFunctions({ Namespace: 'dev' })).TotalCount, 1);

  // namespaces holding functions cannot go
  await expectApiError(t, client.DeleteNamespace({ Namespace: 'dev' }), 'ResourceInUse.Namespace', 'namespace with functions');

  // GetAccount counts
  const account = await client.GetAccount({});
  t.equal(account.AccountUsage.NamespacesCount, 2);
  const usage = Object.fromEntries(account.AccountUsage.Namespace.map((n) => [n.Namespace, n]));
  t.equal(usage.default.FunctionsCount, 7);
  t.equal(usage.dev.FunctionsCount, 1);
  t.same(usage.dev.Functions, ['hello']);
  t.ok(account.AccountUsage.TotalConcurrencyMem > 0);
  t.equal(account.AccountLimit.NamespacesCount, 5);
  t.match(account.AccountLimit.Namespace.find((n) => n.Namespace === 'default'), { FunctionsCount: 50, TimeoutLimit: 900, InitTimeoutLimit: 300 });

  // delete
  await client.DeleteFunction({ FunctionName: 'hello', Namespace: 'dev' });
  await expectApiError(t, client.GetFunction({ FunctionName: 'hello', Namespace: 'dev' }), 'ResourceNotFound.Function', 'deleted function is gone');
  await client.DeleteNamespace({ Namespace: 'dev' });
  await client.DeleteFunction({ FunctionName: 'hello-copy' });
  t.equal((await client.ListFunctions({})).TotalCount, 6);
  t.match(await client.GetFunction({ FunctionName: 'hello' }), { Description: 'second' }, 'the source survives its copies');
});
