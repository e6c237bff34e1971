'use strict';
// Layers through the official SDK (scf-api.md §3.7): publish, list, get,
// delete with the spec's error codes; functions bind ≤ 5 in order and see them
// merged as /opt (require('lib') found in a layer, a later layer wins); a
// deleted version keeps working for functions bound before; unpacked once.
const fs = require('node:fs');
const path = require('node:path');
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');
const { makeZip } = require('./helpers/zip');

const zipOf = (files) => makeZip(files).toString('base64');
const libLayer = (text) => ({ 'node_modules/greet/index.js': `module.exports = (n) => ${JSON.stringify(text)} + ' ' + n;` });

t.test('publish, list, get and delete layer versions; bind them; errors', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  const publish = (name, files, over = {}) => client.PublishLayerVersion({ LayerName: name, CompatibleRuntimes: ['Isolate', 'Nodejs18.15'], Content: { ZipFile: zipOf(files) }, ...over });

  t.same(await publish('greet', libLayer('hello'), { Description: 'first', LicenseInfo: 'MIT' }).then((r) => r.LayerVersion), 1);
  t.same(await publish('greet', libLayer('bonjour')).then((r) => r.LayerVersion), 2);
  await publish('extra', { 'node_modules/greet/index.js': 'module.exports = (n) => "hola " + n;', 'node_modules/other/index.js': 'module.exports = 42;' }, { CompatibleRuntimes: ['Python3.9'] });

  t.match(await client.GetLayerVersion({ LayerName: 'greet', LayerVersion: 1 }), {
    LayerName: 'greet',
    LayerVersion: 1,
    Description: 'first',
    LicenseInfo: 'MIT',
    CompatibleRuntimes: ['Isolate', 'Nodejs18.15'],
    Status: 'Active',
    CodeSha256: /^[0-9a-f]{64}$/,
    AddTime: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
  });
  const layers = await client.ListLayers({});
  t.same(layers.Layers.map((l) => [l.LayerName, l.LayerVersion]), [['extra', 1], ['greet', 2]], 'each layer with its newest version');
  t.equal(layers.TotalCount, 2);
  t.same((await client.ListLayers({ CompatibleRuntime: 'Python3.9' })).Layers.map((l) => l.LayerName), ['extra']);
  t.same((await client.ListLayers({ SearchKey: 'GRE' })).Layers.map((l) => l.LayerName), ['greet']);
  t.same((await client.ListLayerVersions({ LayerName: 'greet' })).LayerVersions.map((l) => l.LayerVersion), [2, 1]);
  t.same((await client.ListLayerVersions({ LayerName: 'extra', CompatibleRuntime: ['Isolate'] })).LayerVersions, []);

  // Binding: require('greet') comes from the layer; a later layer's file wins.
  await createFunction(client, 'app', { 'index.js': 'exports.main_handler = async () => require("greet")("ana");' }, { Layers: [{ LayerName: 'greet', LayerVersion: 1 }] });
  t.equal((await invoke(client, 'app')).RetMsg, '"hello ana"');
  t.match((await client.GetFunction({ FunctionName: 'app' })).Layers, [{ LayerName: 'greet', LayerVersion: 1, Status: 'Active', CompatibleRuntimes: ['Isolate', 'Nodejs18.15'] }]);
  await client.UpdateFunctionConfiguration({ FunctionName: 'app', Layers: [{ LayerName: 'greet', LayerVersion: 1 }, { LayerName: 'extra', LayerVersion: 1 }] });
  t.equal((await invoke(client, 'app')).RetMsg, '"hola ana"', 'the later layer wins');
  await client.UpdateFunctionConfiguration({ FunctionName: 'app', Layers: [{ LayerName: 'extra', LayerVersion: 1 }, { LayerName: 'greet', LayerVersion: 1 }] });
  t.equal((await invoke(client, 'app')).RetMsg, '"hello ana"', 'binding order decides');
  await client.PublishVersion({ FunctionName: 'app' });

  // Deleting a bound version: new bindings refused, existing ones keep working (also after a restart).
  await client.DeleteLayerVersion({ LayerName: 'greet', LayerVersion: 1 });
  await expectApiError(t, client.GetLayerVersion({ LayerName: 'greet', LayerVersion: 1 }), 'ResourceNotFound.LayerVersion');
  t.same((await client.ListLayerVersions({ LayerName: 'greet' })).LayerVersions.map((l) => l.LayerVersion), [2]);
  t.equal((await invoke(client, 'app', {}, { Qualifier: '1' })).RetMsg, '"hello ana"', 'a bound deleted version still runs');
  await expectApiError(t, createFunction(client, 'late', { 'index.js': 'exports.main_handler = () => 1;' }, { Layers: [{ LayerName: 'greet', LayerVersion: 1 }] }), 'ResourceNotFound.Layer', 'no new binding of a deleted version');
  await expectApiError(t, client.DeleteLayerVersion({ LayerName: 'greet', LayerVersion: 1 }), 'ResourceNotFound.LayerVersion');

  // Errors.
  await expectApiError(t, createFunction(client, 'nolayer', { 'index.js': 'exports.main_handler = () => 1;' }, { Layers: [{ LayerName: 'ghost', LayerVersion: 1 }] }), 'ResourceNotFound.Layer', 'layer not found');
  await expectApiError(t, client.GetFunction({ FunctionName: 'nolayer' }), 'ResourceNotFound.Function', 'nothing created');
  const six = Array.from({ length: 6 }, (_, i) => ({ LayerName: `l${i}`, LayerVersion: 1 }));
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'app', Layers: six }), 'InvalidParameterValue.Layers', 'more than 5 layers');
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'app', Layers: [{ LayerName: 'greet', LayerVersion: 9 }] }), 'ResourceNotFound.Layer');
  await expectApiError(t, client.GetLayerVersion({ LayerName: 'greet', LayerVersion: 7 }), 'ResourceNotFound.LayerVersion');
  await expectApiError(t, client.ListLayerVersions({ LayerName: 'ghost' }), 'ResourceNotFound.Layer');
  await expectApiError(t, publish('bad-', libLayer('x')), 'InvalidParameterValue.LayerName');
  await expectApiError(t, publish('ok', libLayer('x'), { CompatibleRuntimes: ['Isolate', 'Nodejs18.15', 'Nodejs16.13', 'Python3.9', 'Python3.10', 'Php8.0'] }), 'InvalidParameterValue.CompatibleRuntimes', 'more than 5 runtimes');
  await expectApiError(t, publish('ok', libLayer('x'), { CompatibleRuntimes: ['Cobol'] }), 'InvalidParameterValue.Runtime');
  await expectApiError(t, client.PublishLayerVersion({ LayerName: 'ok', CompatibleRuntimes: ['Isolate'] }), 'MissingParameter');
  await expectApiError(t, client.PublishLayerVersion({ LayerName: 'ok', CompatibleRuntimes: ['Isolate'], Content: { ZipFile: Buffer.from('not a zip').toString('base64') } }), 'InvalidParameterValue.ZipFile');
  t.equal((await publish('greet', libLayer('again'))).LayerVersion, 3, 'numbers are not reused');
});

t.test('quotas: layers and versions per layer; content unpacked once', async (t) => {
  const configFile = path.join(t.testdir(), 'isola.json');
  fs.writeFileSync(configFile, JSON.stringify({ maxLayers: 2, maxLayerVersions: 2 }));
  const limited = await startServer(t, { args: ['--config', configFile] });
  const client = limited.client();
  const publish = (name, text) => client.PublishLayerVersion({ LayerName: name, CompatibleRuntimes: ['Isolate'], Content: { ZipFile: zipOf(libLayer(text)) } });
  const trees = () => fs.readdirSync(path.join(limited.dataDir, 'code', 'trees')).length;
  await publish('a', 'one');
  await publish('a', 'one');
  t.equal(trees(), 1, 'the same content is unpacked once');
  await expectApiError(t, publish('a', 'two'), 'LimitExceeded.LayerVersions');
  await publish('b', 'one');
  await expectApiError(t, publish('c', 'one'), 'LimitExceeded.Layers');
  await client.DeleteLayerVersion({ LayerName: 'b', LayerVersion: 1 });
  await publish('c', 'one');
  t.pass('a layer whose versions are all deleted no longer counts');
});

t.test('the unpacked size limit counts the code and its layers together', async (t) => {
  const configFile = path.join(t.testdir(), 'isola.json');
  fs.writeFileSync(configFile, JSON.stringify({ maxUnpackedBytes: 4096 }));
  const server = await startServer(t, { args: ['--config', configFile] });
  const client = server.client();
  const padded = (bytes) => `exports.main_handler = async () => 1;\n//${'x'.repeat(bytes)}\n`;
  await client.PublishLayerVersion({ LayerName: 'big', CompatibleRuntimes: ['Isolate'], Content: { ZipFile: zipOf({ 'node_modules/big/index.js': `module.exports = "${'y'.repeat(3000)}";` }) } });
  await expectApiError(t, createFunction(client, 'fat', { 'index.js': padded(2000) }, { Layers: [{ LayerName: 'big', LayerVersion: 1 }] }), 'InvalidParameterValue.Layers', 'code + layer over the limit');
  await createFunction(client, 'fat', { 'index.js': padded(2000) });
  await expectApiError(t, client.UpdateFunctionConfiguration({ FunctionName: 'fat', Layers: [{ LayerName: 'big', LayerVersion: 1 }] }), 'InvalidParameterValue.Layers', 'binding later is checked too');
  await createFunction(client, 'slim', { 'index.js': padded(10) }, { Layers: [{ LayerName: 'big', LayerVersion: 1 }] });
  await expectApiError(t, client.UpdateFunctionCode({ FunctionName: 'slim', Code: { ZipFile: zipOf({ 'index.js': padded(2000) }) } }), 'InvalidParameterValue.Layers', 'new code must fit beside the bound layers');
  t.same((await client.GetFunction({ FunctionName: 'slim' })).Layers.map((l) => l.LayerName), ['big']);
});
