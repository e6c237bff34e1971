/**
 * Phase 1 of unpacking a code package: read the zip's central directory with
 * yauzl and validate every entry as hostile input, before a byte is written.
 *
 * Rejected here (a StoreError, store/errors.ts, naming the entry; its code
 * says which rule):
 * not a zip / truncated central directory; more than `maxFiles` entries
 * (checked from the end record before any entry is read); NUL bytes,
 * backslashes, absolute paths (`/x`, `C:x`) and any `..` component in a name
 * (stricter than "escapes the root": no real packager emits `..`, and with
 * symlinks a lexically harmless `a/../b` is not harmless); duplicate names
 * after normalisation (`./a`, `a`, `a//` are the same); encrypted entries and
 * compression methods other than stored/deflate; special files (fifo, device,
 * socket); declared total size over `maxUnpackedBytes`; a declared
 * per-entry ratio above `maxCompressionRatio` for entries of 1 MiB or more;
 * an entry whose parent path is a file or a symlink in the same archive (so
 * nothing can be written through a symlink).
 *
 * Names are decoded by us (`decodeStrings: false`) so that the error names
 * the entry rather than yauzl's generic message.
 */
import yauzl from 'yauzl';
import { isStoreError, StoreError, type StoreErrorCode } from './errors';

/** Entries smaller than this (uncompressed) are exempt from the ratio check: text compresses well. */
export const RATIO_MIN_BYTES = 1024 * 1024;
/** Longest symlink target accepted (bytes). */
export const MAX_LINK_TARGET = 4096;

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;

export interface ZipLimits {
  maxUnpackedBytes: number;
  maxFiles: number;
  maxCompressionRatio: number;
}

export type EntryKind = 'file' | 'dir' | 'symlink';

export interface ScannedEntry {
  /** Normalised path relative to the package root, `/`-separated, no trailing slash. */
  name: string;
  kind: EntryKind;
  executable: boolean;
  /** Declared uncompressed size (enforced while streaming by yauzl's validateEntrySizes). */
  size: number;
  raw: yauzl.Entry;
}

export interface ZipScan {
  /** Open (autoClose off): the caller must `close()` it. */
  zipfile: yauzl.ZipFile;
  entries: ScannedEntry[];
  byName: Map<string, ScannedEntry>;
  /** Sum of declared uncompressed sizes of files and symlinks. */
  totalBytes: number;
  /** Files plus symlinks (directories are not counted). */
  fileCount: number;
}

/** An error about one entry; the name is JSON-quoted so control characters stay visible. */
export const entryError = (code: StoreErrorCode, name: string, reason: string): StoreError =>
  new StoreError(code, `code package entry ${JSON.stringify(name)} ${reason}`);

/** Reads and validates the central directory of `zip`; rejects with a StoreError. */
export async function scanZip(zip: Buffer, limits: ZipLimits): Promise<ZipScan> {
  const zipfile = await openZip(zip);
  try {
    if (zipfile.entryCount > limits.maxFiles) {
      throw new StoreError('ZIP_TOO_MANY_ENTRIES', `the code package has ${zipfile.entryCount} entries; at most ${limits.maxFiles} are allowed`);
    }
    const scan: ZipScan = { zipfile, entries: [], byName: new Map(), totalBytes: 0, fileCount: 0 };
    await new Promise<void>((resolve, reject) => {
      zipfile.on('error', (err: Error) => reject(isStoreError(err) ? err : notAZip(err)));
      zipfile.on('end', () => resolve());
      zipfile.on('entry', (entry: yauzl.Entry) => {
        try {
          addEntry(scan, entry, limits);
        } catch (err) {
          reject(err);
          return;
        }
        zipfile.readEntry();
      });
      zipfile.readEntry();
    });
    checkParents(scan);
    // Later reads report errors through callbacks; keep a listener so a stray 'error' never crashes.
    zipfile.on('error', () => {});
    return scan;
  } catch (err) {
    zipfile.close();
    throw err;
  }
}

function openZip(zip: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      zip,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: true },
      (err, zipfile) => (err ? reject(notAZip(err)) : resolve(zipfile)),
    );
  });
}

function notAZip(err: Error): StoreError {
  return new StoreError('ZIP_INVALID', `the code package is not a valid zip file (${err.message})`, { cause: err });
}

function addEntry(scan: ZipScan, entry: yauzl.Entry, limits: ZipLimits): void {
  const rawName = entry.fileName as unknown as Buffer;
  const shown = rawName.toString('utf8');
  if (rawName.includes(0)) throw entryError('ZIP_BAD_ENTRY_NAME', shown, 'has a NUL byte in its name');
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, rawName, entry.extraFields, true);
  if (name.includes('\0')) throw entryError('ZIP_BAD_ENTRY_NAME', name, 'has a NUL byte in its name');
  const normalized = normalizeEntryPath(name);

  if (entry.isEncrypted()) throw entryError('ZIP_UNSUPPORTED_ENTRY', name, 'is encrypted; encrypted zip entries are not supported');
  const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
  const type = mode & S_IFMT;
  let kind: EntryKind;
  if (type === S_IFLNK) {
    if (name.endsWith('/')) throw entryError('ZIP_BAD_SYMLINK', name, 'is a symlink with a directory name');
    kind = 'symlink';
  } else if (name.endsWith('/') || type === S_IFDIR || (type === 0 && (entry.externalFileAttributes & 0x10) !== 0)) {
    kind = 'dir';
  } else if (type === 0 || type === S_IFREG) {
    kind = 'file';
  } else {
    throw entryError('ZIP_UNSUPPORTED_ENTRY', name, `is a special file (mode ${mode.toString(8)}); only files, folders and symlinks are allowed`);
  }
  if (kind !== 'dir' && entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw entryError('ZIP_UNSUPPORTED_ENTRY', name, `uses compression method ${entry.compressionMethod}; only stored and deflate are supported`);
  }
  if (scan.byName.has(normalized)) throw entryError('ZIP_DUPLICATE_ENTRY', name, 'appears more than once in the code package');

  const size = entry.uncompressedSize;
  if (kind === 'dir') {
    if (size > 0) throw entryError('ZIP_ENTRY_CORRUPT', name, 'is a folder entry that carries data');
  } else {
    scan.totalBytes += size;
    scan.fileCount += 1;
    if (scan.totalBytes > limits.maxUnpackedBytes) {
      throw entryError('ZIP_TOO_LARGE', name, `takes the unpacked code package over the limit of ${limits.maxUnpackedBytes} bytes`);
    }
    if (size >= RATIO_MIN_BYTES && size > limits.maxCompressionRatio * entry.compressedSize) {
      const ratio = Math.round(size / Math.max(1, entry.compressedSize));
      throw entryError(
        'ZIP_RATIO_TOO_HIGH',
        name,
        `has a compression ratio of ${ratio}:1, above the limit of ${limits.maxCompressionRatio}:1 (zip bomb?)`,
      );
    }
    if (kind === 'symlink' && (size === 0 || size > MAX_LINK_TARGET)) {
      throw entryError('ZIP_BAD_SYMLINK', name, `is a symlink with a target of ${size} bytes`);
    }
  }
  const scanned: ScannedEntry = { name: normalized, kind, executable: (mode & 0o111) !== 0, size, raw: entry };
  scan.entries.push(scanned);
  scan.byName.set(normalized, scanned);
}

/** Validates an entry name and returns it normalised (no `.`/empty components, no trailing slash). */
export function normalizeEntryPath(name: string): string {
  if (name.includes('\\')) throw entryError('ZIP_BAD_ENTRY_NAME', name, 'has a backslash in its name; use / as the path separator');
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) throw entryError('ZIP_BAD_ENTRY_NAME', name, 'has an absolute path');
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw entryError('ZIP_BAD_ENTRY_NAME', name, 'has a ".." component: paths must stay inside the package root');
  if (parts.length === 0) throw entryError('ZIP_BAD_ENTRY_NAME', name, 'has an empty path');
  if (parts.some((p) => Buffer.byteLength(p) > 255)) throw entryError('ZIP_BAD_ENTRY_NAME', name, 'has a path component over 255 bytes');
  return parts.join('/');
}

/** An entry's ancestors must be folders: never a file, never a symlink (no writing through links). */
function checkParents(scan: ZipScan): void {
  for (const entry of scan.entries) {
    let at = entry.name.indexOf('/');
    while (at !== -1) {
      const parent = scan.byName.get(entry.name.slice(0, at));
      if (parent && parent.kind === 'symlink') {
        throw entryError('ZIP_PATH_CONFLICT', entry.name, `would be written through the symlink ${JSON.stringify(parent.name)}`);
      }
      if (parent && parent.kind === 'file') {
        throw entryError('ZIP_PATH_CONFLICT', entry.name, `is inside ${JSON.stringify(parent.name)}, which is a file`);
      }
      at = entry.name.indexOf('/', at + 1);
    }
  }
}
