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
