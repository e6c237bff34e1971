'use strict';
// The isolate runtime merges a function's layers as /opt, in binding order,
// without copying: a later layer's file wins, a relative require inside /opt
// may reach a file another layer brought, bare names resolve through
// /opt/node_modules and /opt itself, and stack traces show /opt paths.
const t = require('tap');
const { createIsolateRuntime } = require('../dist/runtime');
const { writeTree, spec, req, fnTree, dataDir } = require('./fixtures/runtime/util');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

const call = (s) => rt.invoke(req(s, {}));

t.test('a later layer wins file by file; both layers form one /opt', async (t) => {
  const first = writeTree({
    'node_modules/shared/index.js': 'module.exports = "shared from the first layer";',
    'node_modules/only-first/index.js': 'module.exports = "only in the first";',
    'lib/index.js': 'module.exports = "lib from the first: " + require("./util");',
    'lib/util.js': 'module.exports = "util from the first";',
    'plain.js': 'module.exports = "plain module at the layer root";',
  });
  const second = writeTree({
    'node_modules/shared/index.js': 'module.exports = "shared from the second layer";',
    'lib/index.js': 'module.exports = "lib from the second: " + require("./util");',
  });
  const dir = fnTree(`return [require('shared'), require('only-first'), require('lib'), require('plain'), require('/opt/lib/util.js')];`);
  const o = await call(spec(dir, { layerDirs: [first, second] }));
  t.equal(o.kind, 'ok', o.errorMessage);
  t.same(JSON.parse(o.result), [
    'shared from the second layer',
    'only in the first',
    'lib from the second: util from the first',
    'plain module at the layer root',
    'util from the first',
  ]);

  const swapped = await call(spec(dir, { layerDirs: [second, first] }));
  t.same(JSON.parse(swapped.result)[0], 'shared from the first layer', 'binding order decides');
});

t.test("the function's own node_modules come before the layers", async (t) => {
  const layer = writeTree({ 'node_modules/dup/index.js': 'module.exports = "layer";' });
  const dir = fnTree(`return require('dup');`, { 'node_modules/dup/index.js': 'module.exports = "own";' });
  t.equal((await call(spec(dir, { layerDirs: [layer] }))).result, '"own"');
});

t.test('stack traces name /opt, never host paths', async (t) => {
  const layer = writeTree({ 'node_modules/thrower/index.js': 'module.exports = () => { throw new Error("from layer"); };' });
  const dir = fnTree(`try { require('thrower')(); } catch (e) { return e.stack; }`);
  const o = await call(spec(dir, { layerDirs: [layer] }));
  t.match(JSON.parse(o.result), /\/opt\/node_modules\/thrower\/index\.js/);
  t.notMatch(JSON.parse(o.result), new RegExp(layer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
});

t.test('without layers nothing resolves under /opt', async (t) => {
  const dir = fnTree(`try { require('/opt/x'); return 'loaded'; } catch (e) { return e.code; }`);
  t.equal((await call(spec(dir))).result, '"MODULE_NOT_FOUND"');
});
