/**
 * Where the server's non-TypeScript files and native addons are: the one
 * answer for both ways isola runs (README "Self-hosting: one file").
 *
 * * From an npm install (`npm start`, the tests): the source tree's files
 *   and node_modules, which Node loads as it always does — nothing changes.
 * * As the single executable (`npm run build:binary`, bin/build-binary.js):
 *   each asset and addon is embedded in the binary (Node's SEA assets) and
 *   written, at its first use, into `<cache>/<content hash>/` (to a temp
 *   name, then renamed: two servers starting at once both end up with one
 *   complete copy); later starts find it there. Addons are loaded from it
 *   with process.dlopen.
 *
 * Adding an asset is one line in ASSETS (the build embeds what it lists);
 * adding an addon is one line in ADDONS here and one in the build's table of
 * where the addon's file is.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface AssetSpec {
  /** A file or folder of the source tree (relative to the repository root), or a file of an npm package (`npm`). */
  source?: string;
  /** Only a folder's files whose name matches (default: every file). */
  files?: RegExp;
  /** A file of an npm package, as require.resolve takes it (`buffer/index.js`). */
  npm?: string;
  /** The whole folder of an npm package, by name (its `.js` and `.json` files). */
  npmPackage?: string;
  /** Resolve `npm` / `npmPackage` from this package's folder (a dependency of a dependency). */
  npmFrom?: string;
  /** A compiled entry the build bundles with its imports into one script (a worker thread's). */
  bundle?: boolean;
}

/** Every file the server reads at run time besides its own compiled modules. */
export const ASSETS = {
  'runtime-sandbox': { source: 'runtime/sandbox', files: /\.js$/ },
  'python-bootstrap': { source: 'native/python' },
  'nodejs-bootstrap': { source: 'native/nodejs' },
  'php-bootstrap': { source: 'native/php', files: /\.php$/ },
  'java-bootstrap': { source: 'native/java', files: /\.java$/ },
  samples: { source: 'samples' },
  'log-writer-worker': { source: 'dist/store/log-writer-worker.js', bundle: true },
  // The Node.js compatibility set's npm packages (runtime/host/node-compat.ts), whole folders.
  'npm-buffer': { npmPackage: 'buffer', files: /\.(js|json)$/ },
  'npm-base64-js': { npmPackage: 'base64-js', npmFrom: 'buffer/index.js', files: /\.(js|json)$/ },
  'npm-ieee754': { npmPackage: 'ieee754', npmFrom: 'buffer/index.js', files: /\.(js|json)$/ },
  'npm-events': { npmPackage: 'events', files: /\.(js|json)$/ },
  'npm-path-browserify': { npmPackage: 'path-browserify', files: /\.(js|json)$/ },
  'npm-readable-stream': { npmPackage: 'readable-stream', files: /\.(js|json)$/ },
  'npm-string_decoder': { npmPackage: 'string_decoder', files: /\.(js|json)$/ },
  'npm-safe-buffer': { npmPackage: 'safe-buffer', npmFrom: 'string_decoder/package.json', files: /\.(js|json)$/ },
} as const satisfies Record<string, AssetSpec>;
export type AssetName = keyof typeof ASSETS;

/** The native addons the binary embeds (an npm install loads them through their packages; 'sqlite' is better-sqlite3's). */
export const ADDONS = ['isolated-vm', 'sqlite', 'uWebSockets.js', 'msgpackr-extract'] as const;
export type AddonName = (typeof ADDONS)[number];

/** The binary's embedded index: per asset or addon, its content hash and its files (SEA asset key `<hash>/<file>`). */
export interface AssetManifest {
  units: Record<string, ManifestUnit>;
}
/** One embedded asset or addon: a single file, or a folder's files (paths relative to it). */
export interface ManifestUnit { hash: string; kind: 'file' | 'folder'; files: string[] }
export const MANIFEST_KEY = 'isola-manifest.json';
/** Where the binary writes its assets (set by `isola serve`: `<data dir>/cache`; inherited by its children). */
export const CACHE_ENV = 'ISOLA_ASSET_CACHE';

interface SeaModule {
  isSea(): boolean;
  getAsset(key: string, encoding: string): string;
  getRawAsset(key: string): ArrayBuffer;
}

let sea: SeaModule | null | undefined;
function seaModule(): SeaModule | null {
  if (sea === undefined) {
    try {
      // node:sea exists from Node 20.12; before it, no binary could be built anyway.
      const mod = require('node:sea') as SeaModule;
      sea = mod.isSea() ? mod : null;
    } catch {
      sea = null;
    }
  }
  return sea;
}

/** Whether this process is the single executable (not `node` running the npm install). */
export function runningAsBinary(): boolean {
  return seaModule() !== null;
}

/** The repository root of an npm install: from dist/lib/ once compiled, from lib/ when run from the sources. */
function sourceRoot(): string {
  const parent = path.dirname(__dirname);
  return path.basename(parent) === 'dist' ? path.dirname(parent) : parent;
}

/** Where an asset is in an npm install (also what the build embeds). */
export function sourcePath(spec: AssetSpec): string {
  const paths = spec.npmFrom !== undefined ? [path.dirname(require.resolve(spec.npmFrom))] : undefined;
  if (spec.npm !== undefined) return require.resolve(spec.npm, paths ? { paths } : undefined);
  if (spec.npmPackage !== undefined) return path.dirname(require.resolve(`${spec.npmPackage}/package.json`, paths ? { paths } : undefined));
  return path.join(sourceRoot(), spec.source!);
}

/** The file or folder of an asset: in the source tree, or the binary's extracted copy. */
export function assetPath(name: AssetName): string {
  if (!runningAsBinary()) return sourcePath(ASSETS[name]);
  const unit = manifestUnit(name);
  const dir = extracted(name, unit);
  return unit.kind === 'file' ? path.join(dir, unit.files[0]!) : dir;
}

/** Loads an embedded addon (the binary only: an npm install requires the package itself). */
export function loadAddon(name: AddonName): unknown {
  if (!runningAsBinary()) throw new Error(`loadAddon(${name}) is for the single executable; an npm install loads the package`);
  const unit = manifestUnit(`addon:${name}`);
  const mod = { exports: {} as unknown };
  process.dlopen(mod, path.join(extracted(name, unit), unit.files[0]!));
  return mod.exports;
}

let sqlite: object | undefined;
/** better-sqlite3's `nativeBinding` option: the embedded addon in the binary, undefined (the package finds its own) otherwise. */
export function sqliteBinding(): object | undefined {
  if (!runningAsBinary()) return undefined;
  sqlite ??= loadAddon('sqlite') as object;
  return sqlite;
}

/**
 * Sets where the binary writes its assets, unless the environment already
 * says (ISOLA_ASSET_CACHE); children started after this inherit it. Nothing
 * in an npm install.
 */
export function useAssetCache(dir: string): void {
  if (!runningAsBinary()) return;
  const given = process.env[CACHE_ENV];
  if (given === undefined || given === '') process.env[CACHE_ENV] = path.resolve(dir);
  removeStaleTemps(process.env[CACHE_ENV]!, STALE_TEMP_MS);
}

/** A temp folder this old is a killed writer's: a live one renames its folder within seconds. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** Removes the temp folders of writers killed halfway (writeUnitOnce) older than `olderThanMs`; a missing cache is fine. */
export function removeStaleTemps(root: string, olderThanMs: number): void {
  let names: string[];
  try {
    names = fs.readdirSync(root).filter((n) => n.startsWith(TEMP_PREFIX));
  } catch {
    return;
  }
  const cutoff = Date.now() - olderThanMs;
  for (const name of names) {
    const full = path.join(root, name);
    try {
      if (fs.statSync(full).mtimeMs < cutoff) fs.rmSync(full, { recursive: true, force: true });
    } catch {
      // gone meanwhile (its writer finished or another start removed it)
    }
  }
}

/** Names of writeUnitOnce's temp folders in the cache. */
const TEMP_PREFIX = '.tmp-';

let manifest: AssetManifest | undefined;
function manifestUnit(key: string): ManifestUnit {
  manifest ??= JSON.parse(seaModule()!.getAsset(MANIFEST_KEY, 'utf8')) as AssetManifest;
  const unit = manifest.units[key];
  if (unit === undefined) throw new Error(`this isola binary does not embed ${key} (rebuild it with npm run build:binary)`);
  return unit;
}

/** The unit's folder in the cache, written first if missing. */
function extracted(name: string, unit: ManifestUnit): string {
  const root = process.env[CACHE_ENV];
  if (root === undefined || root === '') throw new Error(`no asset cache directory: ${CACHE_ENV} is not set (isola serve sets it to <data dir>/cache)`);
  try {
    return writeUnitOnce(root, unit, (key) => new Uint8Array(seaModule()!.getRawAsset(key)));
  } catch (err) {
    throw new Error(`cannot write the binary's ${name} to its asset cache ${root} (${CACHE_ENV}, default <data dir>/cache; it must be a writable folder): ${(err as Error).message}`);
  }
}

/**
 * Writes `unit`'s files (their bytes from `read(<hash>/<file>)`) into
 * `<root>/<hash>/` unless that folder exists, and returns it. Safe when
 * several processes do it at once: each writes a temp folder of its own and
 * renames it into place; the first rename wins, the others drop theirs.
 * Leftovers of a process killed halfway are `.tmp-*` folders, never a
 * half-written `<hash>/`; a start of the server removes those older than an
 * hour (removeStaleTemps).
 */
export function writeUnitOnce(root: string, unit: ManifestUnit, read: (key: string) => Uint8Array): string {
  const dir = path.join(root, unit.hash);
  if (fs.existsSync(dir)) return dir;
  fs.mkdirSync(root, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, `${TEMP_PREFIX}${unit.hash.slice(0, 16)}-`));
  try {
    for (const file of unit.files) {
      const target = path.join(tmp, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const fd = fs.openSync(target, 'w');
      try {
        fs.fchmodSync(fd, 0o644); // not the umask's: the sandbox's uids read the bootstraps
        const data = read(`${unit.hash}/${file}`);
        for (let written = 0; written < data.length;) written += fs.writeSync(fd, data, written);
        // On disk before the rename publishes it: a crash never leaves a complete-looking, truncated copy.
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
    chmodFolders(tmp);
    try {
      fs.renameSync(tmp, dir);
    } catch (err) {
      // Another process published the same content first: theirs is as good as ours.
      if (!fs.existsSync(dir)) throw err;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** Folders 0755 whatever the umask (mkdtemp makes 0700): the sandbox's instances, under other uids, run the runtime bootstraps from here. */
function chmodFolders(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) chmodFolders(path.join(dir, entry.name));
}
