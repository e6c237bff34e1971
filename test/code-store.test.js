'use strict';
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const yazl = require('yazl');
const { CodeStore } = require('../dist/store/code-store');
const { isStoreError } = require('../dist/store');
const { apiErrorFromStore } = require('../dist/core/errors');
const { openDatabase } = require('../dist/store/db');
const { removeTreeSync } = require('../dist/store/unpack-fs');
const { makeZip } = require('./helpers/zip');

const ZIP = 'InvalidParameterValue.ZipFile';
const HANDLER = 'InvalidParameterValue.Handler';
const MB = 1024 * 1024;
const defaultLimits = { maxUnpackedBytes: 500 * MB, maxFiles: 1000, maxCompressionRatio: 200 };

/** A fresh data dir, database and store; torn down (read-only trees included) after the test. */
function setup(t, limits = defaultLimits) {
  const dataDir = t.testdir();
  const db = openDatabase(dataDir);
  t.teardown(() => {
    db.close();
    removeTreeSync(path.join(dataDir, 'code'));
  });
  const store = new CodeStore(dataDir, db, limits);
  return { dataDir, db, store, code: (...p) => path.join(dataDir, 'code', ...p) };
}

const ls = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);

/**
 * put() must fail with the store's `storeCode`, which the API reports as
 * `code` with the same message (core/errors/from-store.ts), a message
 * matching `message`, and leave nothing behind.
 */
async function rejects(t, zip, { storeCode, code = ZIP, message, limits, entryCandidates } = {}) {
  const { store, code: codeDir } = setup(t, limits);
  let error;
  try {
    await store.put(zip, { entryCandidates });
  } catch (err) {
    error = err;
  }
  t.ok(error, 'put rejected');
  if (!error) return;
  t.equal(error.name, 'StoreError');
  t.ok(isStoreError(error), 'a StoreError, by its code');
  t.equal(error.code, storeCode, `store code ${storeCode} (${error.message})`);
  const api = apiErrorFromStore(error);
  t.equal(api.name, 'ApiError');
  t.equal(api.code, code, `API code ${code}`);
  t.equal(api.message, error.message, 'the API message is the store message');
  if (message) t.match(error.message, message);
  t.same(ls(codeDir('tmp')), [], 'no temp dir left');
  t.same(ls(codeDir('trees')), [], 'no tree left');
  t.same(ls(codeDir('zips')), [], 'no zip stored');
}

const mode = (p) => fs.lstatSync(p).mode & 0o777;

t.test('a normal package unpacks once into a read-only tree', async (t) => {
  const { store, code } = setup(t);
  const zip = makeZip([
    { name: 'index.js', data: 'exports.main = async () => "ok";\n' },
    { name: 'lib/' },
    { name: 'lib/util/deep/x.js', data: 'module.exports = 1;\n'.repeat(1000) },
    { name: 'lib/raw.bin', data: Buffer.from([0, 1, 2, 3]), method: 'store' },
    { name: 'scf_bootstrap', data: '#!/bin/sh\nexec node index.js\n', mode: 0o755 },
    { name: 'empty.txt', data: '' },
  ]);
  const pkg = await store.put(zip, { entryCandidates: ['index.js', 'index.mjs'] });
  t.match(pkg, { sha256: /^[0-9a-f]{64}$/, zipSize: zip.length, fileCount: 5 });
  const expectedBytes = ['exports.main = async () => "ok";\n', 'module.exports = 1;\n'.repeat(1000), '0123', '#!/bin/sh\nexec node index.js\n']
    .reduce((n, s) => n + Buffer.byteLength(s), 0);
  t.equal(pkg.unpackedSize, expectedBytes);
  t.equal(pkg.dir, store.dirOf(pkg.sha256));
  t.ok(path.isAbsolute(pkg.dir));
  t.equal(fs.readFileSync(path.join(pkg.dir, 'lib/util/deep/x.js'), 'utf8'), 'module.exports = 1;\n'.repeat(1000));
  t.same([...fs.readFileSync(path.join(pkg.dir, 'lib/raw.bin'))], [0, 1, 2, 3]);
  t.equal(mode(path.join(pkg.dir, 'scf_bootstrap')), 0o555, 'executable bit kept, read-only');
  t.equal(mode(path.join(pkg.dir, 'index.js')), 0o444);
  t.equal(mode(path.join(pkg.dir, 'lib/util/deep')), 0o555);
  t.equal(mode(pkg.dir), 0o555);
  t.same(await store.readZip(pkg.sha256), zip, 'original bytes kept');
  t.same(ls(code('tmp')), []);

  const ino = fs.statSync(pkg.dir).ino;
  const again = await store.put(Buffer.from(zip));
  t.same(again, pkg, 'same bytes, same package');
  t.equal(fs.statSync(pkg.dir).ino, ino, 'not unpacked a second time');
  t.same(ls(code('trees')), [pkg.sha256]);
  t.same(ls(code('tmp')), []);
});

t.test('a zip written by a real zip library (yazl, data descriptors) unpacks', async (t) => {
  const { store } = setup(t);
  const z = new yazl.ZipFile();
  z.addBuffer(Buffer.from('exports.main = () => 1'), 'index.js');
  z.addBuffer(Buffer.from('#!/bin/sh\n'), 'bin/run', { mode: 0o100755 });
  z.addEmptyDirectory('assets');
  z.addBuffer(Buffer.alloc(3 * MB, 'abcdefgh'), 'assets/big.txt', { compress: false });
  z.end();
  const chunks = [];
  for await (const chunk of z.outputStream) chunks.push(chunk);
  const pkg = await store.put(Buffer.concat(chunks), { entryCandidates: ['index.js'] });
  t.equal(pkg.fileCount, 3);
  t.equal(mode(path.join(pkg.dir, 'bin/run')), 0o555);
  t.equal(fs.statSync(path.join(pkg.dir, 'assets/big.txt')).size, 3 * MB);
  t.ok(fs.statSync(path.join(pkg.dir, 'assets')).isDirectory());
});

t.test('concurrent puts of the same bytes share one tree', async (t) => {
  const { store, code } = setup(t);
  const zip = makeZip(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`dir${i % 5}/f${i}.js`, `module.exports = ${i};`])));
  const [a, b, c] = await Promise.all([store.put(zip), store.put(zip), store.put(zip)]);
  t.same(a, b);
  t.same(b, c);
  t.same(ls(code('trees')), [a.sha256]);
  t.same(ls(code('zips')), [`${a.sha256}.zip`]);
  t.same(ls(code('tmp')), []);
  t.equal(fs.readFileSync(path.join(a.dir, 'dir3/f48.js'), 'utf8'), 'module.exports = 48;');
});

t.test('symlinks inside the package are kept as symlinks', async (t) => {
  const { store } = setup(t);
  const pkg = await store.put(
    makeZip([
      { name: 'node_modules/pkg/cli.js', data: '#!/usr/bin/env node\n', mode: 0o755 },
      { name: 'node_modules/.bin/pkg', symlink: '../pkg/cli.js' },
      { name: 'current', symlink: 'node_modules/pkg' },
    ]),
  );
  t.equal(fs.readlinkSync(path.join(pkg.dir, 'node_modules/.bin/pkg')), '../pkg/cli.js');
  t.equal(fs.readFileSync(path.join(pkg.dir, 'current/cli.js'), 'utf8'), '#!/usr/bin/env node\n');
  t.equal(pkg.fileCount, 3);
});

t.test('entry file rule', async (t) => {
  const candidates = ['index.js', 'index.mjs', 'index.cjs'];
  await t.test('entry file in a subfolder', (t) =>
    rejects(t, makeZip({ 'myfn/': undefined, 'myfn/src/index.js': 'x', 'other/deeper/x/index.mjs': 'y' }), {
      storeCode: 'ENTRY_FILE_NOT_AT_ROOT',
      code: HANDLER,
      entryCandidates: candidates,
      message: 'the entry file index.js must be at the root of the code package; found it at myfn/src/index.js',
    }));
  await t.test('entry file missing', (t) =>
    rejects(t, makeZip({ 'main.js': 'x' }), {
      storeCode: 'ENTRY_FILE_MISSING',
      code: HANDLER,
      entryCandidates: candidates,
      message: 'the entry file index.js, index.mjs or index.cjs must be at the root of the code package; it is not in the package',
    }));
  await t.test('a folder named like the entry file does not count', (t) =>
    rejects(t, makeZip([{ name: 'index.js/' }, { name: 'index.js/a', data: '1' }]), {
      storeCode: 'ENTRY_FILE_MISSING',
      code: HANDLER,
      entryCandidates: ['index.js'],
    }));
  await t.test('checked again when stored bytes are put for another use', async (t) => {
    const { store } = setup(t);
    const zip = makeZip({ 'lib/index.js': 'x' });
    await store.put(zip);
    await t.rejects(store.put(zip, { entryCandidates: ['index.js'] }), { code: 'ENTRY_FILE_NOT_AT_ROOT', message: /found it at lib\/index.js/ });
  });
  await t.test('an empty candidate list skips the check', async (t) => {
    const { store } = setup(t);
    t.ok(await store.put(makeZip({ 'a/b.py': 'x' }), { entryCandidates: [] }));
  });
});

t.test('not a zip', (t) => rejects(t, Buffer.from('this is not a zip file at all'), { storeCode: 'ZIP_INVALID', message: /not a valid zip file/ }));

t.test('truncated zip', (t) => {
  const zip = makeZip({ 'index.js': 'x'.repeat(100), 'b.js': 'y' });
  return rejects(t, zip.subarray(0, zip.length - 30), { storeCode: 'ZIP_INVALID', message: /not a valid zip file/ });
});

t.test('central directory pointing past the end of the data', (t) => {
  const zip = makeZip({ 'a.js': 'aaaa', 'b.js': 'bbbb' });
  const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  zip.writeUInt32LE(100000, cd + 42); // local header offset of a.js
  return rejects(t, zip, { storeCode: 'ZIP_ENTRY_CORRUPT', message: /a\.js/ });
});

t.test('corrupt deflate data', (t) =>
  rejects(t, makeZip([{ name: 'ok.js', data: 'fine' }, { name: 'bad.js', compressed: Buffer.from([0xff, 0xff, 0xff, 0x00]), size: 10, crc: 0 }]), {
    storeCode: 'ZIP_ENTRY_CORRUPT',
    message: /"bad\.js" is corrupt/,
  }));

t.test('CRC mismatch', (t) => rejects(t, makeZip([{ name: 'a.txt', data: 'hello', crc: 12345 }]), { storeCode: 'ZIP_ENTRY_CORRUPT', message: /"a\.txt" is corrupt \(CRC-32 mismatch\)/ }));

t.test('path escapes the root: ../x', (t) => rejects(t, makeZip({ '../x': 'a' }), { storeCode: 'ZIP_BAD_ENTRY_NAME', message: /"\.\.\/x"/ }));
t.test('path escapes the root: a/../../x', (t) => rejects(t, makeZip({ 'a/../../x': 'a' }), { storeCode: 'ZIP_BAD_ENTRY_NAME', message: /"a\/\.\.\/\.\.\/x"/ }));
t.test('path with a harmless-looking ..: a/../x', (t) => rejects(t, makeZip({ 'a/../x': 'a' }), { storeCode: 'ZIP_BAD_ENTRY_NAME', message: /"a\/\.\.\/x" has a "\.\." component/ }));
t.test('absolute path /etc/x', (t) => rejects(t, makeZip({ '/etc/x': 'a' }), { storeCode: 'ZIP_BAD_ENTRY_NAME', message: /"\/etc\/x" has an absolute path/ }));
t.test('drive letter C:/x', (t) => rejects(t, makeZip({ 'C:/x': 'a' }), { storeCode: 'ZIP_BAD_ENTRY_NAME', message: /"C:\/x" has an absolute path/ }));
t.test('backslash C:\\x', (t) => rejects(t, makeZip({ 'C:\\x': 'a' }), { storeCode: 'ZIP_BAD_ENTRY_NAME', message: /"C:\\\\x" has a backslash/ }));
t.test('backslash traversal ..\\..\\x', (t) => rejects(t, makeZip({ '..\\..\\x': 'a' }), { storeCode: 'ZIP_BAD_ENTRY_NAME', message: /backslash/ }));
t.test('NUL byte in a name', (t) => rejects(t, makeZip({ 'index.js\0.png': 'a' }), { storeCode: 'ZIP_BAD_ENTRY_NAME', message: /"index\.js\\u0000\.png" has a NUL byte/ }));
t.test('empty name', (t) => rejects(t, makeZip([{ name: './', data: '' }]), { storeCode: 'ZIP_BAD_ENTRY_NAME', message: /empty path/ }));

t.test('duplicate entry names', (t) => rejects(t, makeZip([{ name: 'a.js', data: '1' }, { name: 'a.js', data: '2' }]), { storeCode: 'ZIP_DUPLICATE_ENTRY', message: /"a\.js" appears more than once/ }));
t.test('duplicate names after normalisation', (t) =>
  rejects(t, makeZip([{ name: 'lib/a.js', data: '1' }, { name: './lib//a.js', data: '2' }]), { storeCode: 'ZIP_DUPLICATE_ENTRY', message: /appears more than once/ }));

t.test('file used as a folder', (t) => rejects(t, makeZip([{ name: 'a', data: '1' }, { name: 'a/b', data: '2' }]), { storeCode: 'ZIP_PATH_CONFLICT', message: /"a\/b" is inside "a", which is a file/ }));

t.test('symlink with an absolute target', (t) => rejects(t, makeZip([{ name: 'd', symlink: '/etc' }]), { storeCode: 'ZIP_BAD_SYMLINK', message: /"d" is a symlink pointing outside the code package \("\/etc"\)/ }));
t.test('symlink escaping the root', (t) => rejects(t, makeZip([{ name: 'a/d', symlink: '../../x' }]), { storeCode: 'ZIP_BAD_SYMLINK', message: /"a\/d" is a symlink pointing outside/ }));
t.test('symlink d -> . then d/../../x', (t) =>
  rejects(t, makeZip([{ name: 'd', symlink: '.' }, { name: 'd/../../x', data: 'pwned' }]), { storeCode: 'ZIP_BAD_ENTRY_NAME', message: /"d\/\.\.\/\.\.\/x"/ }));
t.test('symlink d -> /tmp then d/file', (t) =>
  rejects(t, makeZip([{ name: 'd', symlink: '/tmp' }, { name: 'd/file', data: 'pwned' }]), { storeCode: 'ZIP_PATH_CONFLICT', message: /"d\/file" would be written through the symlink "d"/ }));
t.test('symlink d -> sub (inside) then d/file', (t) =>
  rejects(t, makeZip([{ name: 'sub/' }, { name: 'd', symlink: 'sub' }, { name: 'd/file', data: 'x' }]), { storeCode: 'ZIP_PATH_CONFLICT', message: /written through the symlink "d"/ }));
t.test('symlink chain that only escapes when resolved', (t) =>
  // a/b/l -> ../../c is fine; m -> a/b/l/../.. is lexically "a", but really c/../.. = the root's parent.
  rejects(t, makeZip([{ name: 'c/' }, { name: 'a/b/l', symlink: '../../c' }, { name: 'm', symlink: 'a/b/l/../..' }]), {
    storeCode: 'ZIP_BAD_SYMLINK',
    message: /"m" is a symlink pointing outside/,
  }));
t.test('symlink to the package root (a loop)', (t) => rejects(t, makeZip([{ name: 'd', symlink: '.' }]), { storeCode: 'ZIP_BAD_SYMLINK', message: /"d" .*loop/ }));
t.test('symlink to its own folder (a loop)', (t) => rejects(t, makeZip([{ name: 'a/self', symlink: '.' }]), { storeCode: 'ZIP_BAD_SYMLINK', message: /"a\/self" .*loop/ }));
t.test('symlinks pointing at each other', (t) =>
  rejects(t, makeZip([{ name: 'x', symlink: 'y' }, { name: 'y', symlink: 'x' }]), { storeCode: 'ZIP_BAD_SYMLINK', message: /symlink loop/ }));
t.test('dangling symlink', (t) => rejects(t, makeZip([{ name: 'x', symlink: 'nothing-here' }]), { storeCode: 'ZIP_BAD_SYMLINK', message: /"x" is a symlink that points to nothing/ }));
t.test('special file (fifo)', (t) => rejects(t, makeZip([{ name: 'p', data: '', mode: 0o010644 }]), { storeCode: 'ZIP_UNSUPPORTED_ENTRY', message: /"p" is a special file/ }));

t.test('encrypted entry', (t) => rejects(t, makeZip([{ name: 'secret.js', data: 'x', encrypted: true }]), { storeCode: 'ZIP_UNSUPPORTED_ENTRY', message: /"secret\.js" is encrypted/ }));
t.test('unsupported compression method', (t) => rejects(t, makeZip([{ name: 'a.bz2', data: 'x', method: 12 }]), { storeCode: 'ZIP_UNSUPPORTED_ENTRY', message: /"a\.bz2" uses compression method 12/ }));

t.test('too many entries', (t) =>
  rejects(t, makeZip(Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' }))), {
    storeCode: 'ZIP_TOO_MANY_ENTRIES',
    limits: { ...defaultLimits, maxFiles: 10 },
    message: /11 entries; at most 10/,
  }));

t.test('declared total over the unpacked limit', (t) =>
  rejects(t, makeZip([{ name: 'a.txt', data: 'a'.repeat(600) }, { name: 'b.txt', data: 'b'.repeat(600) }]), {
    storeCode: 'ZIP_TOO_LARGE',
    limits: { ...defaultLimits, maxUnpackedBytes: 1000 },
    message: /"b\.txt" takes the unpacked code package over the limit of 1000 bytes/,
  }));

t.test('lying sizes: an entry inflating to more than it declares', (t) =>
  rejects(t, makeZip([{ name: 'small.txt', data: Buffer.alloc(2 * MB), declaredSize: 100 }]), { storeCode: 'ZIP_ENTRY_CORRUPT', message: /"small\.txt" is corrupt/ }));

t.test('lying sizes: stored entry with mismatched sizes', (t) =>
  rejects(t, makeZip([{ name: 's.txt', data: 'hello', method: 'store', declaredSize: 3 }]), { storeCode: 'ZIP_INVALID', message: /not a valid zip file/ }));

t.test('zip bomb: 200 MB of zeros', async (t) => {
  const zeros = Buffer.alloc(200 * MB);
  const bomb = { compressed: zlib.deflateRawSync(zeros, { level: 9 }), size: zeros.length, crc: zlib.crc32(zeros) };
  await t.test('honest headers: rejected by ratio before inflating', async (t) => {
    const started = Date.now();
    await rejects(t, makeZip([{ name: 'index.js', data: 'x' }, { name: 'zeros.bin', ...bomb }]), {
      storeCode: 'ZIP_RATIO_TOO_HIGH',
      message: /"zeros\.bin" has a compression ratio of \d+:1, above the limit of 200:1/,
    });
    t.ok(Date.now() - started < 1000, 'rejected quickly');
  });
  await t.test('lying headers: stopped while streaming', async (t) => {
    const started = Date.now();
    await rejects(t, makeZip([{ name: 'zeros.bin', ...bomb, size: 1000 }]), { storeCode: 'ZIP_ENTRY_CORRUPT', message: /"zeros\.bin" is corrupt/ });
    t.ok(Date.now() - started < 2000, 'rejected quickly');
  });
  await t.test('many entries add up past the limit', (t) =>
    rejects(
      t,
      makeZip(Array.from({ length: 8 }, (_, i) => ({ name: `part${i}`, data: Buffer.alloc(512 * 1024) }))),
      { storeCode: 'ZIP_TOO_LARGE', limits: { ...defaultLimits, maxUnpackedBytes: 3 * MB }, message: /"part6" takes the unpacked code package over the limit/ },
    ));
});

t.test('a failure late in unpacking removes the partial tree', (t) =>
  rejects(t, makeZip([{ name: 'a/first.js', data: 'x'.repeat(10000) }, { name: 'b/second.js', data: 'y', crc: 1 }]), {
    storeCode: 'ZIP_ENTRY_CORRUPT',
    message: /"b\/second\.js"/,
  }));

t.test('sweep removes orphans and keeps referenced blobs', async (t) => {
  const { store, db, code } = setup(t);
  const usedByFunction = await store.put(makeZip({ 'index.js': 'fn' }));
  const usedByLayer = await store.put(makeZip({ 'lib/layer.js': 'layer' }));
  const recordedButUnused = await store.put(makeZip({ 'index.js': 'old' }));
  const neverRecorded = await store.put(makeZip({ 'index.js': 'crashed before commit' }));
  db.transaction(() => {
    for (const pkg of [usedByFunction, usedByLayer, recordedButUnused]) store.recordBlob(pkg);
    store.recordBlob(usedByFunction); // idempotent
    const now = Date.now();
    db.prepare("INSERT OR IGNORE INTO namespaces (name, add_time, mod_time) VALUES ('default', ?, ?)").run(now, now);
    const fn = db
      .prepare("INSERT INTO functions (namespace, name, function_id, type, add_time, mod_time) VALUES ('default', 'f', 'lam-1', 'Event', ?, ?)")
      .run(now, now).lastInsertRowid;
    db.prepare(
      "INSERT INTO function_versions (function_id, version, runtime, memory_size, timeout, init_timeout, code_sha256, add_time, mod_time) VALUES (?, '$LATEST', 'Nodejs18.15', 128, 3, 65, ?, ?, ?)",
    ).run(fn, usedByFunction.sha256, now, now);
    db.prepare("INSERT INTO layers (name, add_time) VALUES ('l', ?)").run(now);
    db.prepare("INSERT INTO layer_versions (layer_name, version, code_sha256, add_time) VALUES ('l', 1, ?, ?)").run(usedByLayer.sha256, now);
  })();
  t.equal(db.prepare('SELECT count(*) AS n FROM code_blobs').get().n, 3);
  fs.mkdirSync(code('tmp', 'leftover-from-a-crash', 'x'), { recursive: true });
  fs.chmodSync(code('tmp', 'leftover-from-a-crash'), 0o555);

  store.sweep();

  const kept = [usedByFunction.sha256, usedByLayer.sha256].sort();
  t.same(db.prepare('SELECT sha256 FROM code_blobs ORDER BY sha256').all().map((r) => r.sha256), kept);
  t.same(ls(code('trees')).sort(), kept);
  t.same(ls(code('zips')).sort(), kept.map((s) => `${s}.zip`));
  t.same(ls(code('tmp')), []);
  t.equal(fs.readFileSync(path.join(store.dirOf(usedByFunction.sha256), 'index.js'), 'utf8'), 'fn');

  // A swept package can be put again and is unpacked afresh.
  const back = await store.put(makeZip({ 'index.js': 'old' }));
  t.equal(back.sha256, recordedButUnused.sha256);
  t.ok(fs.existsSync(path.join(back.dir, 'index.js')));
});

t.test('dirOf and readZip refuse anything but a sha256', async (t) => {
  const { store } = setup(t);
  t.throws(() => store.dirOf('../../etc'));
  await t.rejects(store.readZip('../x'));
});
