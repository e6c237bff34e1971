/**
 * Phase 2 of unpacking a code package: write the entries that `scanZip`
 * accepted into an empty directory that nobody else writes to.
 *
 * Order: folders, then files (streamed, one at a time), then symlinks last —
 * so while files are written no symlink exists in the tree and nothing can be
 * written through one. Files are created with O_EXCL.
 *
 * While streaming, the bytes are counted and checked against the total limit
 * and the ratio limit (headers are not trusted; yauzl's validateEntrySizes
 * additionally fails a stream that yields more or fewer bytes than declared)
 * and the CRC-32 is verified.
 *
 * Symlink policy: a symlink is kept (created as a symlink) only if its target
 * is relative, stays inside the root lexically and — checked with realpath
 * after every link exists, so chains of links are resolved by the kernel —
 * resolves to an existing file or folder inside the package that is not the
 * link's own folder or one of its ancestors (no loops). Anything else is
 * rejected, naming the link.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type yauzl from 'yauzl';
import { isStoreError, type StoreError } from './errors';
import { entryError, MAX_LINK_TARGET, RATIO_MIN_BYTES, type ScannedEntry, type ZipLimits, type ZipScan } from './zip-scan';

/**
 * Writes the scanned entries under `root` (an existing empty folder).
 * Rejects with a StoreError about the entry at fault, or with Node's own
 * error for a platform failure (disk full, permissions).
 */
export async function unpackInto(scan: ZipScan, root: string, limits: ZipLimits): Promise<{ unpackedSize: number }> {
  const budget = { written: 0 };
  const links: { entry: ScannedEntry; target: string }[] = [];
  for (const entry of scan.entries) {
    if (entry.kind === 'dir') await wrapFs(entry, fs.promises.mkdir(path.join(root, entry.name), { recursive: true }));
  }
  for (const entry of scan.entries) {
    if (entry.kind === 'file') {
      const dest = path.join(root, entry.name);
      await wrapFs(entry, fs.promises.mkdir(path.dirname(dest), { recursive: true }));
      await extractFile(scan.zipfile, entry, dest, budget, limits);
    } else if (entry.kind === 'symlink') {
      links.push({ entry, target: await readLinkTarget(scan.zipfile, entry, budget, limits) });
    }
  }
  for (const { entry, target } of links) {
    const at = path.join(root, entry.name);
    await wrapFs(entry, fs.promises.mkdir(path.dirname(at), { recursive: true }));
    await wrapFs(entry, fs.promises.symlink(target, at));
  }
  if (links.length > 0) await checkLinks(root, links);
  return { unpackedSize: budget.written };
}

async function extractFile(
  zipfile: yauzl.ZipFile,
  entry: ScannedEntry,
  dest: string,
  budget: { written: number },
  limits: ZipLimits,
): Promise<void> {
  const source = await openEntry(zipfile, entry);
  const out = fs.createWriteStream(dest, { flags: 'wx', mode: 0o600 });
  try {
    await pipeline(source, new EntryGuard(entry, budget, limits), out);
  } catch (err) {
    throw asEntryError(entry, err);
  }
}

async function readLinkTarget(
  zipfile: yauzl.ZipFile,
  entry: ScannedEntry,
  budget: { written: number },
  limits: ZipLimits,
): Promise<string> {
  const source = await openEntry(zipfile, entry);
  const chunks: Buffer[] = [];
  try {
    await pipeline(source, new EntryGuard(entry, budget, limits), async function* (chunksIn: AsyncIterable<Buffer>) {
      let length = 0;
      for await (const chunk of chunksIn) {
        length += chunk.length;
        if (length > MAX_LINK_TARGET) throw entryError('ZIP_BAD_SYMLINK', entry.name, 'is a symlink with a target that is too long');
        chunks.push(chunk);
      }
    });
  } catch (err) {
    throw asEntryError(entry, err);
  }
  const raw = Buffer.concat(chunks);
  const target = raw.toString('utf8');
  const outside = `is a symlink pointing outside the code package (${JSON.stringify(target)})`;
  if (target === '' || raw.includes(0)) throw entryError('ZIP_BAD_SYMLINK', entry.name, 'is a symlink with an empty or NUL-containing target');
  if (target.includes('\\')) throw entryError('ZIP_BAD_SYMLINK', entry.name, `is a symlink with a backslash in its target (${JSON.stringify(target)})`);
  if (target.startsWith('/') || /^[a-zA-Z]:/.test(target)) throw entryError('ZIP_BAD_SYMLINK', entry.name, outside);
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(entry.name), target));
  if (resolved === '..' || resolved.startsWith('../')) throw entryError('ZIP_BAD_SYMLINK', entry.name, outside);
  return target;
}

/** Resolves every link with realpath (the kernel follows chains) and checks where it lands. */
async function checkLinks(root: string, links: { entry: ScannedEntry; target: string }[]): Promise<void> {
  const realRoot = await fs.promises.realpath(root);
  for (const { entry, target } of links) {
    let real: string;
    try {
      real = await fs.promises.realpath(path.join(root, entry.name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ELOOP' ? 'forms a symlink loop' : 'points to nothing in the code package';
      throw entryError('ZIP_BAD_SYMLINK', entry.name, `is a symlink that ${why} (${JSON.stringify(target)})`);
    }
    // Parents of a link are real folders (scan guarantees it), so this is the link's own folder.
    const home = path.join(realRoot, path.dirname(entry.name));
    const loop = real === realRoot || (real.startsWith(realRoot + path.sep) && (home === real || home.startsWith(real + path.sep)));
    if (!loop && !real.startsWith(realRoot + path.sep)) {
      throw entryError('ZIP_BAD_SYMLINK', entry.name, `is a symlink pointing outside the code package (${JSON.stringify(target)})`);
    }
    if (loop) {
      throw entryError('ZIP_BAD_SYMLINK', entry.name, `is a symlink to a folder that contains it, which makes a loop (${JSON.stringify(target)})`);
    }
  }
}

function openEntry(zipfile: yauzl.ZipFile, entry: ScannedEntry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zipfile.openReadStream(entry.raw, (err, stream) => (err ? reject(asEntryError(entry, err)) : resolve(stream)));
  });
}

/** Counts bytes as they stream (total limit, actual ratio) and verifies the CRC-32 at the end. */
class EntryGuard extends Transform {
  private bytes = 0;
  private crc = 0;

  constructor(
    private readonly entry: ScannedEntry,
    private readonly budget: { written: number },
    private readonly limits: ZipLimits,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.budget.written += chunk.length;
    if (this.budget.written > this.limits.maxUnpackedBytes) {
      done(entryError('ZIP_TOO_LARGE', this.entry.name, `takes the unpacked code package over the limit of ${this.limits.maxUnpackedBytes} bytes`));
      return;
    }
    const compressed = Math.max(1, this.entry.raw.compressedSize);
    if (this.bytes >= RATIO_MIN_BYTES && this.bytes > this.limits.maxCompressionRatio * compressed) {
      done(entryError('ZIP_RATIO_TOO_HIGH', this.entry.name, `inflates beyond the compression ratio limit of ${this.limits.maxCompressionRatio}:1 (zip bomb?)`));
      return;
    }
    this.crc = zlib.crc32(chunk, this.crc);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.crc >>> 0 !== this.entry.raw.crc32 >>> 0) {
      done(entryError('ZIP_ENTRY_CORRUPT', this.entry.name, 'is corrupt (CRC-32 mismatch)'));
      return;
    }
    done();
  }
}

/** A failure while unpacking `entry`: ours as is, Node's platform errors as is, anything else blamed on the entry. */
function asEntryError(entry: ScannedEntry, err: unknown): StoreError | Error {
  if (isStoreError(err)) return err;
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code) && !FS_ENTRY_ERRORS.has(e.code)) {
    return e; // a platform failure (disk full, permissions): not the caller's fault
  }
  return entryError('ZIP_ENTRY_CORRUPT', entry.name, `is corrupt or cannot be unpacked (${e?.message ?? String(err)})`);
}

/** fs error codes that a crafted entry can cause; others are platform failures. */
const FS_ENTRY_ERRORS = new Set(['EEXIST', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ELOOP', 'EINVAL']);

async function wrapFs<T>(entry: ScannedEntry, op: Promise<T>): Promise<T> {
  try {
    return await op;
  } catch (err) {
    throw asEntryError(entry, err);
  }
}
