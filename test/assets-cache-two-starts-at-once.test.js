'use strict';
// The single executable's asset cache (lib/assets.ts writeUnitOnce) when
// several servers start at once on one data dir, and after one was killed
// halfway through writing: six processes write the same unit into the same
// cache at the same moment; each must come back with the one complete
// folder, byte for byte, readable by other uids, and no temp folder of
// theirs may stay behind. A leftover temp folder of a killed writer must not
// be taken for the unit.
const t = require('tap');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runCommand } = require('./helpers/cli');

const ASSETS = path.resolve(__dirname, '..', 'dist', 'lib', 'assets.js');
const { writeUnitOnce, removeStaleTemps } = require(ASSETS);

/** A unit of `count` files of `size` random bytes (some in a subfolder), and its bytes by SEA key. */
function makeUnit(count, size) {
  const hash = crypto.randomBytes(16).toString('hex');
  const files = Array.from({ length: count }, (_, i) => (i % 3 === 0 ? `sub/file-${i}.bin` : `file-${i}.bin`));
  const bytes = Object.fromEntries(files.map((f) => [`${hash}/${f}`, crypto.randomBytes(size).toString('base64')]));
  return { unit: { hash, kind: 'folder', files }, bytes };
}

// Each writer sleeps until the common start time, then writes the unit slowly (10 ms per file, so
// all of them are inside writeUnitOnce together) and prints the folder it got.
const WRITER = `
const fs = require('node:fs');
const [assets, root, unitFile, at] = process.argv.slice(1);
const { unit, bytes } = JSON.parse(fs.readFileSync(unitFile, 'utf8'));
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, ms));
pause(Number(at) - Date.now());
const dir = require(assets).writeUnitOnce(root, unit, (key) => { pause(10); return Buffer.from(bytes[key], 'base64'); });
process.stdout.write(dir);
`;

const runWriter = (args) => runCommand(process.execPath, ['-e', WRITER, ...args], { env: process.env });

t.test('six writers at once: one complete folder, the same for all, no temp folders left', async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-assets-race-'));
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const root = path.join(tmp, 'cache');
  const { unit, bytes } = makeUnit(24, 64 * 1024);
  const unitFile = path.join(tmp, 'unit.json');
  fs.writeFileSync(unitFile, JSON.stringify({ unit, bytes }));
  // Far enough ahead that every writer is up (node starts in well under 2 s even on a loaded machine).
  const at = String(Date.now() + 2500);
  const results = await Promise.all(Array.from({ length: 6 }, () => runWriter([ASSETS, root, unitFile, at])));

  const dir = path.join(root, unit.hash);
  for (const r of results) {
    t.equal(r.code, 0, `a writer succeeded: ${r.stderr}`);
    t.equal(r.stdout, dir, 'each writer got the one folder');
  }
  for (const file of unit.files) {
    t.ok(fs.readFileSync(path.join(dir, file)).equals(Buffer.from(bytes[`${unit.hash}/${file}`], 'base64')), `${file} is complete`);
    t.equal(fs.statSync(path.join(dir, file)).mode & 0o777, 0o644, `${file} is readable by other uids`);
  }
  t.equal(fs.statSync(dir).mode & 0o777, 0o755, 'the folder is open to other uids');
  t.equal(fs.statSync(path.join(dir, 'sub')).mode & 0o777, 0o755, 'and its subfolders');
  t.same(fs.readdirSync(root), [unit.hash], 'no temp folder is left behind');
});

t.test('a killed writer\'s temp folder is not taken for the unit', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-assets-killed-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const { unit, bytes } = makeUnit(3, 1024);
  // What a writer killed halfway leaves: its temp folder with part of the files.
  const leftover = path.join(root, `.tmp-${unit.hash.slice(0, 16)}-dead`);
  fs.mkdirSync(leftover);
  fs.writeFileSync(path.join(leftover, unit.files[1]), 'trunc');
  const dir = writeUnitOnce(root, unit, (key) => Buffer.from(bytes[key], 'base64'));
  t.equal(dir, path.join(root, unit.hash));
  for (const file of unit.files) t.ok(fs.readFileSync(path.join(dir, file)).equals(Buffer.from(bytes[`${unit.hash}/${file}`], 'base64')), `${file} is complete`);
  // A folder already there is the unit: a later start reads nothing again.
  let reads = 0;
  t.equal(writeUnitOnce(root, unit, () => { reads++; return Buffer.alloc(0); }), dir);
  t.equal(reads, 0, 'a later start finds the folder and writes nothing');
  // The next server start removes the leftover once it is old, and nothing else.
  removeStaleTemps(root, 60_000);
  t.ok(fs.existsSync(leftover), 'a recent temp folder may be a live writer\'s: kept');
  const old = (Date.now() - 2 * 60_000) / 1000;
  fs.utimesSync(leftover, old, old);
  removeStaleTemps(root, 60_000);
  t.same(fs.readdirSync(root), [unit.hash], 'an old temp folder is removed, the unit kept');
});
