/**
 * Content-addressed code packages (function code and layers).
 *
 * CONTRACT (implemented by the code-store work; callers rely on exactly this):
 * - `put(zip, opts)` validates the zip as hostile input, stores the bytes at
 *   `<dataDir>/code/zips/<sha256>.zip` and unpacks them once into the
 *   read-only tree `<dataDir>/code/trees/<sha256>/`, atomically (temp dir +
 *   rename), and returns the package facts. Putting the same bytes twice is
 *   cheap and returns the same sha256. It does NOT write the `code_blobs` row:
 *   the caller records it (`recordBlob`) inside the same transaction that
 *   creates the function/version/layer, so a failed write leaves nothing
 *   half-created in the database; trees without a row are removed by `sweep()`.
 * - Errors are StoreErrors (store/errors.ts): a `ZIP_*` code (bad zip, unsafe
 *   entry, limits, zip bomb) with a message naming the entry at fault, or
 *   `ENTRY_FILE_NOT_AT_ROOT` / `ENTRY_FILE_MISSING` when none of
 *   `entryCandidates` is at the package root (the message says where it was
 *   found instead). core/errors/from-store.ts maps them to API errors
 *   (`InvalidParameterValue.ZipFile`, `InvalidParameterValue.Handler`).
 *
 * IMPLEMENTATION NOTES (zip-scan.ts and zip-unpack.ts hold the details):
 * - Two phases: the central directory is validated whole (names, duplicates,
 *   types, declared sizes and ratios, entry file) before anything is written;
 *   then entries are streamed into `<dataDir>/code/tmp/<random>/`, counted
 *   and CRC-checked as they go, made read-only (files 0444, or 0555 when the
 *   zip's unix mode had an executable bit; folders 0555) and renamed to
 *   `trees/<sha256>`. Any failure removes the temp dir; the zip bytes are
 *   written (temp file + rename) only after the tree exists.
 * - Names: any `..` component is rejected (stricter than "escapes the root"),
 *   as are absolute paths, drive letters, backslashes and NUL bytes.
 * - Symlink policy: symlinks are KEPT (created as symlinks, e.g. for
 *   node_modules/.bin) when their target is relative and resolves — by
 *   realpath, after all links exist, so chains are followed by the kernel —
 *   to an existing file or folder inside the package that is not the link's
 *   own folder or an ancestor (no loops). Absolute, escaping, dangling and
 *   looping links are rejected. No entry may have a symlink (or a file) as a
 *   parent path, and links are created after all files, so nothing is ever
 *   written through a link. A symlink does not satisfy the entry-file rule.
 * - `sweep()` is synchronous and meant for start-up, before any `put()` whose
 *   row is not yet recorded; it also empties `code/tmp`.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';
import { StoreError } from './errors';
import { removeTree, removeTreeSync, makeReadOnly } from './unpack-fs';
import { scanZip, type ScannedEntry } from './zip-scan';
import { unpackInto } from './zip-unpack';

export interface CodeStoreLimits {
  maxUnpackedBytes: number;
  maxFiles: number;
  maxCompressionRatio: number;
}

export interface PutOptions {
  /** File names, one of which must exist at the package root (e.g. ['index.js','index.mjs','index.cjs']); empty = no check. */
  entryCandidates?: readonly string[];
}

export interface CodePackage {
  sha256: string;
  zipSize: number;
  unpackedSize: number;
  fileCount: number;
  /** Absolute path of the unpacked read-only tree. */
  dir: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export class CodeStore {
  private readonly root: string;
  private readonly zipsDir: string;
  private readonly treesDir: string;
  private readonly tmpDir: string;
  private readonly insertBlob: Statement<[string, number, number, number, number]>;
  private readonly deleteUnreferencedBlobs: Statement<[]>;
  private readonly listBlobs: Statement<[], { sha256: string }>;
  private readonly blobSize: Statement<[string], { unpacked_size: number }>;

  constructor(
    readonly dataDir: string,
    private readonly db: Db,
    private readonly limits: CodeStoreLimits,
  ) {
    this.root = path.resolve(dataDir, 'code');
    this.zipsDir = path.join(this.root, 'zips');
    this.treesDir = path.join(this.root, 'trees');
    this.tmpDir = path.join(this.root, 'tmp');
    for (const dir of [this.zipsDir, this.treesDir, this.tmpDir]) fs.mkdirSync(dir, { recursive: true });
    this.insertBlob = this.db.prepare(
      'INSERT OR IGNORE INTO code_blobs (sha256, zip_size, unpacked_size, file_count, add_time) VALUES (?, ?, ?, ?, ?)',
    );
    this.deleteUnreferencedBlobs = this.db.prepare(`
      DELETE FROM code_blobs
      WHERE sha256 NOT IN (SELECT code_sha256 FROM function_versions WHERE code_sha256 IS NOT NULL)
        AND sha256 NOT IN (SELECT code_sha256 FROM layer_versions)`);
    this.listBlobs = this.db.prepare('SELECT sha256 FROM code_blobs');
    this.blobSize = this.db.prepare('SELECT unpacked_size FROM code_blobs WHERE sha256 = ?');
  }

  /**
   * Validates `zip` as hostile input, unpacks it once into its read-only tree
   * and stores the bytes; see the header for the rules. Putting bytes already
   * stored re-validates the central directory (cheap, and the entry-file rule
   * may differ per caller) but does not unpack again.
   */
  async put(zip: Buffer, opts: PutOptions = {}): Promise<CodePackage> {
    if (!Buffer.isBuffer(zip)) throw new TypeError('CodeStore.put: zip must be a Buffer');
    const sha256 = createHash('sha256').update(zip).digest('hex');
    const scan = await scanZip(zip, this.limits);
    try {
      checkEntryFile(scan.entries, opts.entryCandidates ?? []);
      const dir = this.dirOf(sha256);
      if (!fs.existsSync(dir)) await this.unpack(sha256, scan, dir);
      await this.writeZip(sha256, zip);
      return { sha256, zipSize: zip.length, unpackedSize: scan.totalBytes, fileCount: scan.fileCount, dir };
    } finally {
      scan.zipfile.close();
    }
  }

  /** Inserts the code_blobs row for a package (idempotent); call inside the creating transaction. */
  recordBlob(pkg: CodePackage): void {
    this.insertBlob.run(pkg.sha256, pkg.zipSize, pkg.unpackedSize, pkg.fileCount, Date.now());
  }

  /** Unpacked size in bytes of a recorded package (0 when no row records it). */
  unpackedSize(sha256: string): number {
    return this.blobSize.get(sha256)?.unpacked_size ?? 0;
  }

  /** Absolute path of the unpacked tree of `sha256` (which must have been put). */
  dirOf(sha256: string): string {
    checkSha(sha256);
    return path.join(this.treesDir, sha256);
  }

  /** The original zip bytes (for CopyFunction and code download). */
  async readZip(sha256: string): Promise<Buffer> {
    checkSha(sha256);
    return fs.promises.readFile(path.join(this.zipsDir, `${sha256}.zip`));
  }

  /** Removes zips/trees that no code_blobs row references, and blobs no version/layer references. Run at start-up. */
  sweep(): void {
    this.deleteUnreferencedBlobs.run();
    const live = new Set(this.listBlobs.all().map((row) => row.sha256));
    for (const name of fs.readdirSync(this.treesDir)) {
      if (!live.has(name)) removeTreeSync(path.join(this.treesDir, name));
    }
    for (const name of fs.readdirSync(this.zipsDir)) {
      const sha = name.endsWith('.zip') ? name.slice(0, -4) : '';
      if (!live.has(sha)) fs.rmSync(path.join(this.zipsDir, name), { force: true, recursive: true });
    }
    for (const name of fs.readdirSync(this.tmpDir)) removeTreeSync(path.join(this.tmpDir, name));
  }

  private async unpack(sha256: string, scan: Awaited<ReturnType<typeof scanZip>>, dir: string): Promise<void> {
    const tmp = await fs.promises.mkdtemp(path.join(this.tmpDir, `${sha256.slice(0, 16)}-`));
    try {
      await unpackInto(scan, tmp, this.limits);
      await makeReadOnly(tmp, (rel) => scan.byName.get(rel)?.executable === true);
      // The root stays writable until after the rename: moving a folder needs write access to it (its `..`).
      await fs.promises.rename(tmp, dir);
    } catch (err) {
      await removeTree(tmp);
      const code = (err as NodeJS.ErrnoException).code;
      // A concurrent put of the same bytes won the rename: its tree is identical.
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && fs.existsSync(dir)) return;
      throw err;
    }
    await fs.promises.chmod(dir, 0o555);
  }

  private async writeZip(sha256: string, zip: Buffer): Promise<void> {
    const file = path.join(this.zipsDir, `${sha256}.zip`);
    if (fs.existsSync(file)) return;
    const tmp = path.join(this.tmpDir, `${sha256}.${process.pid}.${Math.random().toString(36).slice(2)}.zip`);
    try {
      await fs.promises.writeFile(tmp, zip, { mode: 0o444 });
      await fs.promises.rename(tmp, file);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
  }
}

function checkSha(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) throw new Error(`CodeStore: not a sha256 hex digest: ${JSON.stringify(sha256)}`);
}

/**
 * The entry-file rule: with candidates, one of them must be a regular file at
 * the package root; otherwise say where one was found (shallowest first).
 */
export function checkEntryFile(entries: readonly ScannedEntry[], candidates: readonly string[]): void {
  if (candidates.length === 0) return;
  const wanted = new Set(candidates);
  let found: ScannedEntry | undefined;
  for (const entry of entries) {
    if (entry.kind !== 'file') continue;
    const slash = entry.name.lastIndexOf('/');
    if (slash === -1 && wanted.has(entry.name)) return;
    if (slash !== -1 && wanted.has(entry.name.slice(slash + 1))) {
      if (!found || depth(entry.name) < depth(found.name)) found = entry;
    }
  }
  if (found) {
    const base = found.name.slice(found.name.lastIndexOf('/') + 1);
    throw new StoreError(
      'ENTRY_FILE_NOT_AT_ROOT',
      `the entry file ${base} must be at the root of the code package; found it at ${found.name}`,
    );
  }
  const names = candidates.length === 1 ? candidates[0] : `${candidates.slice(0, -1).join(', ')} or ${candidates.at(-1)}`;
  throw new StoreError(
    'ENTRY_FILE_MISSING',
    `the entry file ${names} must be at the root of the code package; it is not in the package`,
  );
}

const depth = (name: string): number => name.split('/').length;
