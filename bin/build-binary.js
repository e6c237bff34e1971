#!/usr/bin/env node
'use strict';
// `npm run build:binary [-- --out <file>]`: isola as one Linux x64 executable
// (default dist/bin/isola), built with Node's single-executable-application
// support from the compiled dist/ (run tsc first; the npm script does):
//
//   1. esbuild bundles bin/binary-main.js — the CLI, the server, the isolate
//      host — into one CommonJS script; the native addons' packages are
//      replaced by lib/assets.ts's loader (ADDON_MODULES below);
//   2. every asset of lib/assets.ts's ASSETS and every addon's .node file is
//      embedded as a SEA asset under `<content hash>/<file>`, with a manifest
//      naming them (the binary writes them out at first use);
//   3. node --experimental-sea-config makes the preparation blob, and
//      postject injects it into a copy of this Node binary.
//
// Offline: esbuild and postject come from npm (devDependencies).
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const { ASSETS, ADDONS, MANIFEST_KEY, sourcePath } = require('../dist/lib/assets.js');

/** Where each addon's compiled file is in this npm install (one line per entry of lib/assets.ts's ADDONS). */
const ADDON_FILES = {
  'isolated-vm': () => require.resolve('isolated-vm/out/isolated_vm.node'),
  sqlite: () => require.resolve('better-sqlite3/build/Release/better_sqlite3.node'),
  // The package picks its binary by platform and ABI at require time; the binary is this Node's.
  // The package's `exports` hides its binaries: the file sits next to its main script.
  'uWebSockets.js': () => path.join(path.dirname(require.resolve('uWebSockets.js')), `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`),
  // node-gyp-build's own choice of prebuilt file for this platform, libc and ABI.
  'msgpackr-extract': () => require('node-gyp-build-optional-packages').path(path.dirname(require.resolve('msgpackr-extract/package.json'))),
};

/**
 * What the bundle gets in place of each addon's package (the rest of the
 * package's JavaScript stays out). msgpackr-extract only speeds msgpackr up
 * and msgpackr requires it as it loads, before `isola serve` knows its data
 * dir: it is loaded at its first use, and msgpackr decodes in JavaScript if
 * that fails (it catches what extractStrings throws).
 */
const ADDON_MODULES = {
  'isolated-vm': "module.exports = require('./assets').loadAddon('isolated-vm').ivm;",
  'uWebSockets.js': "module.exports = require('./assets').loadAddon('uWebSockets.js');",
  'msgpackr-extract': [
    'let native = null;',
    'let failed = null;',
    'module.exports = { extractStrings(position, end, source) {',
    '  if (native === null) {',
    '    if (failed !== null) throw failed;',
    "    try { native = require('./assets').loadAddon('msgpackr-extract'); } catch (err) { failed = err; throw err; }",
    '  }',
    '  return native.extractStrings(position, end, source);',
    '} };',
  ].join('\n'),
};

const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function parseArgs(argv) {
  let out = path.join(ROOT, 'dist', 'bin', 'isola');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) out = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (usage: build-binary.js [--out <file>])`);
  }
  return { out };
}

const addonPlugin = {
  name: 'isola-addons',
  setup(build) {
    const names = Object.keys(ADDON_MODULES).map((n) => n.replace(/[.]/g, '\\.'));
    build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({ path: args.path, namespace: 'isola-addon' }));
    build.onLoad({ filter: /.*/, namespace: 'isola-addon' }, (args) => ({
      contents: ADDON_MODULES[args.path],
      resolveDir: path.join(ROOT, 'dist', 'lib'),
      loader: 'js',
    }));
  },
};

async function bundle(entry, outfile) {
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    format: 'cjs',
    plugins: [addonPlugin],
    logLevel: 'silent',
    // The bundled packages are the npm install's: their own conditional requires of optional packages stay requires.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  for (const w of result.warnings) console.warn(`esbuild: ${w.text}${w.location ? ` (${w.location.file}:${w.location.line})` : ''}`);
}

/** The files of an asset source (a file, or a folder's files matching `filter`), relative to it. */
function filesOf(source, filter) {
  if (!fs.statSync(source).isDirectory()) return { kind: 'file', base: path.dirname(source), files: [path.basename(source)] };
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && (!filter || filter.test(entry.name))) files.push(path.relative(source, full));
    }
  };
  walk(source);
  return { kind: 'folder', base: source, files: files.sort() };
}

/** The content hash naming a unit's cache folder: every file's path and bytes. */
function hashOf(base, files) {
  const h = crypto.createHash('sha256');
  for (const file of files) {
    const data = fs.readFileSync(path.join(base, file));
    h.update(`${file}\0${data.length}\0`).update(data);
  }
  return h.digest('hex').slice(0, 32);
}

async function main() {
  const { out } = parseArgs(process.argv.slice(2));
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`the binary is built for linux-x64 only (this is ${process.platform}-${process.arch})`);
  // The binary reads its assets through node:sea's getRawAsset (Node 20.12 and later).
  let sea = null;
  try {
    sea = require('node:sea');
  } catch {
    // older Node: refused below
  }
  if (sea === null || typeof sea.getRawAsset !== 'function') throw new Error(`Node ${process.version} cannot build the binary: it needs node:sea with getRawAsset (Node >= 20.12)`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const work = fs.mkdtempSync(path.join(path.dirname(out), '.isola-build-'));
  try {
    const started = Date.now();
    const main = path.join(work, 'main.js');
    await bundle(path.join(__dirname, 'binary-main.js'), main);

    const manifest = { units: {} };
    const seaAssets = {};
    const embed = (key, kind, base, files) => {
      const hash = hashOf(base, files);
      manifest.units[key] = { hash, kind, files };
      for (const file of files) seaAssets[`${hash}/${file}`] = path.join(base, file);
    };
    for (const [name, spec] of Object.entries(ASSETS)) {
      let source = sourcePath(spec);
      if (spec.bundle) {
        const bundled = path.join(work, 'bundles', name, path.basename(source));
        await bundle(source, bundled);
        source = bundled;
      }
      const { kind, base, files } = filesOf(source, spec.files);
      if (files.length === 0) throw new Error(`asset ${name} (${source}) has no files`);
      embed(name, kind, base, files);
    }
    for (const name of ADDONS) {
      const locate = ADDON_FILES[name];
      if (locate === undefined) throw new Error(`bin/build-binary.js does not know where the addon ${name} is (ADDON_FILES)`);
      const file = locate();
      embed(`addon:${name}`, 'file', path.dirname(file), [path.basename(file)]);
    }
    const manifestFile = path.join(work, 'manifest.json');
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    seaAssets[MANIFEST_KEY] = manifestFile;

    const blob = path.join(work, 'sea-prep.blob');
    const config = path.join(work, 'sea-config.json');
    fs.writeFileSync(config, JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false, assets: seaAssets }));
    const prep = spawnSync(process.execPath, ['--experimental-sea-config', config], { encoding: 'utf8' });
    if (prep.status !== 0) throw new Error(`node --experimental-sea-config failed: ${prep.stderr || prep.stdout}`);

    const binary = path.join(work, 'isola');
    fs.copyFileSync(process.execPath, binary);
    fs.chmodSync(binary, 0o755);
    const { inject } = require('postject');
    await inject(binary, 'NODE_SEA_BLOB', fs.readFileSync(blob), { sentinelFuse: SEA_FUSE });
    fs.renameSync(binary, out);
    const size = fs.statSync(out).size;
    console.log(`built ${path.relative(process.cwd(), out) || out}: ${(size / 1e6).toFixed(1)} MB, ${Object.keys(manifest.units).length} embedded units, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`build-binary: ${err.message}`);
  process.exit(1);
});
