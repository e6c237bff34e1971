'use strict';
// The Node.js runtime starts with exactly the function's own NODE_OPTIONS, or none: a value in
// the server's environment (here tap's own `--import` of its process tracker, which tap adds to
// every child it sees spawned) never reaches the function's process.
const t = require('tap');
const { processExecutor } = require('./helpers/process-executor');

const files = { 'index.js': 'exports.main_handler = () => ({ nodeOptions: process.env.NODE_OPTIONS ?? null, warnings: process.noDeprecation === true });' };

t.test('no NODE_OPTIONS of the function: none in its process, whatever the server had', async (t) => {
  t.match(process.env.NODE_OPTIONS ?? '', /processinfo/, 'the test process itself runs with tap\'s NODE_OPTIONS');
  const { deploy } = processExecutor(t);
  const o = await deploy(files, { runtime: 'Nodejs18.15' }).invoke({});
  t.equal(o.kind, 'ok', o.errorMessage);
  t.same(JSON.parse(o.result), { nodeOptions: null, warnings: false });
});

t.test('the function\'s own NODE_OPTIONS is honoured', async (t) => {
  const { deploy } = processExecutor(t);
  const o = await deploy(files, { runtime: 'Nodejs18.15', env: { NODE_OPTIONS: '--no-deprecation' } }).invoke({});
  t.equal(o.kind, 'ok', o.errorMessage);
  t.same(JSON.parse(o.result), { nodeOptions: '--no-deprecation', warnings: true });
});
