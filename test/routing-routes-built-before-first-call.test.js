'use strict';
// A new or changed function's routes ($DEFAULT for the data plane, $LATEST for Invoke, and the
// qualifiers it had cached) are built once the change is written, so its first call reads no
// SQLite: that read was ~0.3 ms of a new function's first request (README Performance, ninth
// pass). A route built ahead must never be a stale one: after a change the next call sees the
// change, before the rebuild as after it; a deleted function is not brought back.
const t = require('tap');
const { openStore } = require('../dist/store');
const { resolveConfig, NamespaceService, FunctionService, VersionResolver } = require('../dist/core');
const { makeZip } = require('./helpers/zip');

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function setUp(t) {
  const dir = t.testdir({});
  const config = resolveConfig();
  const store = openStore(dir, { maxUnpackedBytes: config.maxUnpackedBytes, maxFiles: config.maxPackageFiles, maxCompressionRatio: config.maxCompressionRatio });
  t.teardown(() => store.close());
  const namespaces = new NamespaceService(store, config);
  namespaces.ensureDefault();
  const functions = new FunctionService(store, config, namespaces);
  const resolver = new VersionResolver(store, functions);
  // Every read of a function row, counted.
  const reads = { n: 0 };
  const get = store.functions.get.bind(store.functions);
  store.functions.get = (...args) => {
    reads.n++;
    return get(...args);
  };
  return { functions, resolver, reads };
}

const code = () => ({ ZipFile: makeZip({ 'index.js': 'exports.main_handler = async () => 1;\n' }).toString('base64') });

t.test('a created function resolves without a store read on its first call', async (t) => {
  const { functions, resolver, reads } = setUp(t);
  await functions.create('default', 'pre', { Runtime: 'Isolate', Handler: 'index.main_handler', MemorySize: 128, Code: code() });
  await nextTurn();
  const before = reads.n;
  const viaDefault = resolver.resolve('default', 'pre', '$DEFAULT');
  const viaLatest = resolver.resolve('default', 'pre', '$LATEST');
  t.equal(reads.n, before, 'neither $DEFAULT nor $LATEST read the function row');
  t.equal(viaDefault.version, '$LATEST', '$DEFAULT points at $LATEST');
  t.equal(viaDefault.config.memorySize, 128);
  t.equal(viaLatest.version, '$LATEST');
});

t.test('a change is seen at once, and its routes are rebuilt in the next turn', async (t) => {
  const { functions, resolver, reads } = setUp(t);
  await functions.create('default', 'chg', { Runtime: 'Isolate', Handler: 'index.main_handler', MemorySize: 128, Code: code() });
  await nextTurn();
  t.equal(resolver.resolve('default', 'chg', '$DEFAULT').config.memorySize, 128);

  functions.updateConfiguration('default', 'chg', { MemorySize: 256 });
  // Same turn as the change: the old route is gone, the call reads the new row.
  t.equal(resolver.resolve('default', 'chg', '$DEFAULT').config.memorySize, 256, 'the call right after the change sees it');

  functions.updateConfiguration('default', 'chg', { MemorySize: 512 });
  await nextTurn();
  const before = reads.n;
  const after = resolver.resolve('default', 'chg', '$DEFAULT');
  t.equal(reads.n, before, 'rebuilt ahead: no read');
  t.equal(after.config.memorySize, 512, 'and built from the changed row');
  t.not(after.key, undefined);
});

t.test('a deleted function is not rebuilt', async (t) => {
  const { functions, resolver } = setUp(t);
  await functions.create('default', 'gone', { Runtime: 'Isolate', Handler: 'index.main_handler', Code: code() });
  // Deleted in the same turn as its creation: the rebuild scheduled by the create finds nothing.
  functions.delete('default', 'gone');
  await nextTurn();
  t.throws(() => resolver.resolve('default', 'gone', '$DEFAULT'), { code: 'ResourceNotFound.Function' });
  await functions.create('default', 'gone2', { Runtime: 'Isolate', Handler: 'index.main_handler', Code: code() });
  await nextTurn();
  functions.delete('default', 'gone2');
  t.throws(() => resolver.resolve('default', 'gone2', '$DEFAULT'), { code: 'ResourceNotFound.Function' }, 'a route built ahead is dropped with its function');
});
