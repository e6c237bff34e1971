'use strict';
// A function whose CreateFunction returned survives a SIGKILL right after:
// config, code size and the unpacked tree are all there on the next start.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const t = require('tap');
const { startServer } = require('./helpers/server');
const { yazlZip } = require('./helpers/zip');

t.test('a created function survives kill -9', async (t) => {
  const first = await startServer(t);
  const dataDir = first.dataDir;
  const zip = await yazlZip({ 'index.js': 'exports.main_handler = async () => "survivor";\n', 'lib/util.js': 'module.exports = 42;\n' });
  const client = first.client();
  await client.CreateFunction({
    FunctionName: 'survivor',
    Runtime: 'Nodejs18.15',
    Handler: 'index.main_handler',
    MemorySize: 512,
    Timeout: 42,
    Description: 'must survive',
    Environment: { Variables: [{ Key: 'MODE', Value: 'crash-test' }] },
    Code: { ZipFile: zip.toString('base64') },
  });
  const before = await client.GetFunction({ FunctionName: 'survivor' });
  await first.kill9();
  t.equal(first.child.signalCode, 'SIGKILL', 'the first server died by SIGKILL');

  const second = await startServer(t, { dataDir });
  const after = await second.client().GetFunction({ FunctionName: 'survivor' });
  for (const field of ['FunctionId', 'Runtime', 'Handler', 'MemorySize', 'Timeout', 'InitTimeout', 'Description', 'Environment', 'CodeSize', 'AddTime', 'ModTime', 'Type', 'Status']) {
    t.same(after[field], before[field], `${field} is unchanged after the crash`);
  }
  t.equal(after.CodeSize, zip.length);
  const sha256 = crypto.createHash('sha256').update(zip).digest('hex');
  const tree = path.join(dataDir, 'code', 'trees', sha256);
  t.ok(fs.existsSync(path.join(tree, 'index.js')), 'the unpacked tree has the entry file');
  t.equal(fs.readFileSync(path.join(tree, 'lib', 'util.js'), 'utf8'), 'module.exports = 42;\n', 'and the rest of the package');
});

t.test('a crash after a code update keeps the new code', async (t) => {
  const first = await startServer(t);
  const client = first.client();
  const v1 = await yazlZip({ 'index.js': 'exports.main_handler = () => 1;\n' });
  const v2 = await yazlZip({ 'index.js': 'exports.main_handler = () => 2;\n// second version\n' });
  await client.CreateFunction({ FunctionName: 'updated', Runtime: 'Nodejs18.15', Code: { ZipFile: v1.toString('base64') } });
  await client.UpdateFunctionCode({ FunctionName: 'updated', Code: { ZipFile: v2.toString('base64') } });
  await first.kill9();

  const second = await startServer(t, { dataDir: first.dataDir });
  const after = await second.client().GetFunction({ FunctionName: 'updated', ShowCode: 'TRUE' });
  t.equal(after.CodeSize, v2.length, 'CodeSize is the updated package');
  t.equal(after.CodeInfo, 'exports.main_handler = () => 2;\n// second version\n', 'the updated entry file is served');
  const trees = fs.readdirSync(path.join(first.dataDir, 'code', 'trees'));
  t.same(trees, [crypto.createHash('sha256').update(v2).digest('hex')], 'the start-up sweep removed the replaced package');
});
