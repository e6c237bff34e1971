'use strict';
// Layers are not available yet: a CreateFunction or UpdateFunctionConfiguration
// that binds one is refused with ResourceNotFound.Layer naming the first layer,
// never accepted and silently not applied. Unbinding (`[{LayerName: ""}]`, `[]`)
// binds nothing and is accepted.
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { yazlZip } = require('./helpers/zip');

const CODE = { 'index.js': 'exports.main_handler = async () => ({ ok: true });\n' };

t.test('binding a layer is refused until layers exist', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  const zip = (await yazlZip(CODE)).toString('base64');
  const create = (over) => client.CreateFunction({ FunctionName: 'fn', Runtime: 'Nodejs18.15', Code: { ZipFile: zip }, ...over });

  const refused = await expectApiError(
    t,
    create({ Layers: [{ LayerName: 'mylayer', LayerVersion: 1 }, { LayerName: 'other', LayerVersion: 2 }] }),
    'ResourceNotFound.Layer',
    'CreateFunction with a layer',
  );
  t.equal(refused?.message, 'Layer `mylayer` version 1 does not exist: layers are not available on this server yet.', 'the message names the first layer');
  await expectApiError(t, client.GetFunction({ FunctionName: 'fn' }), 'ResourceNotFound.Function', 'nothing was created');

  await create({ Layers: [{ LayerName: '' }] });
  t.same((await client.GetFunction({ FunctionName: 'fn' })).Layers, [], 'unbinding nothing is accepted and binds nothing');

  const update = await expectApiError(
    t,
    client.UpdateFunctionConfiguration({ FunctionName: 'fn', Description: 'changed', Layers: [{ LayerName: 'mylayer', LayerVersion: 3 }] }),
    'ResourceNotFound.Layer',
    'UpdateFunctionConfiguration with a layer',
  );
  t.match(update?.message, /^Layer `mylayer` version 3 does not exist/);
  const after = await client.GetFunction({ FunctionName: 'fn' });
  t.same(after.Layers, [], 'no layer was stored');
  t.equal(after.Description, '', 'nothing else in the refused update was applied');

  await client.UpdateFunctionConfiguration({ FunctionName: 'fn', Layers: [], Description: 'ok' });
  t.equal((await client.GetFunction({ FunctionName: 'fn' })).Description, 'ok', 'an empty Layers list is accepted');
  t.equal((await client.Invoke({ FunctionName: 'fn' })).Result.RetMsg, '{"ok":true}', 'the function runs');
});
