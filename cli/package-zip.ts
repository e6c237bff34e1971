/**
 * Packs a function directory into a zip for CreateFunction/UpdateFunctionCode.
 *
 * - Files are added in sorted path order with a fixed timestamp, so packing an
 *   unchanged directory twice yields the same bytes (and the same code hash).
 * - File modes are kept (an executable `scf_bootstrap` stays executable).
 * - Symbolic links: a link to a directory inside the package (not ignored,
 *   not an ancestor of the link) is stored as a relative link, so layouts
 *   such as pnpm's node_modules keep resolving; any other link is followed and
 *   its content stored (so an entry file may be a link). Dangling links and
 *   links back up the tree are skipped; sockets, FIFOs and devices too.
 *   Empty directories are not stored.
 * - Paths are filtered with gitignore rules: the built-in DEFAULT_IGNORES,
 *   then the directory's own `.isolaignore` (so `!pattern` there can re-include
 *   a default).
 */
import fs from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import { ZipFile } from 'yazl';

export const IGNORE_FILE = '.isolaignore';
export const DEFAULT_IGNORES: readonly string[] = Object.freeze(['.git', '.isola', '.DS_Store', IGNORE_FILE]);

/** Every entry gets this time so the archive bytes depend on content only. */
const FIXED_MTIME = new Date(Date.UTC(2000, 0, 1));

export interface PackedCode {
  zip: Buffer;
  /** Files (and kept links) stored; 0 for a ready-made zip, whose entries are not inspected. */
  files: number;
  /** Total size of the stored files before compression. */
  unpackedBytes: number;
  /** Paths left out by the ignore rules (directories as `dir/`), for messages. */
  ignored: string[];
}

/** Loads the ignore rules for `dir`: the defaults plus its `.isolaignore`. */
export function loadIgnore(dir: string): ignore.Ignore {
  // Case-sensitive, as git is on Linux.
  const ig = ignore({ ignorecase: false }).add(DEFAULT_IGNORES as string[]);
  let text: string | undefined;
  try {
    text = fs.readFileSync(path.join(dir, IGNORE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== undefined) ig.add(text);
  return ig;
}

interface Entry {
  /** Path inside the zip, `/`-separated. */
  name: string;
  /** A file: where to read it. */
  realPath?: string;
  /** A kept directory link: its relative target. */
  linkTarget?: string;
  mode: number;
}

const isInside = (root: string, p: string) => p === root || p.startsWith(root + path.sep);

/** Lists the files `dir` would contribute, sorted, after the ignore rules. */
export function listPackageFiles(dir: string): { entries: Entry[]; ignored: string[] } {
  const root = fs.realpathSync(path.resolve(dir));
  const ig = loadIgnore(root);
  const entries: Entry[] = [];
  const ignored: string[] = [];

  /** The relative target to keep for a directory link, or undefined to follow it. */
  const keptLinkTarget = (abs: string, relDir: string): string | undefined => {
    const lexical = path.resolve(path.dirname(abs), fs.readlinkSync(abs));
    const real = fs.realpathSync(abs);
    if (!isInside(root, lexical) || !isInside(root, real) || real === root) return undefined;
    const realRel = path.relative(root, real).split(path.sep).join('/');
    if (ig.ignores(`${realRel}/`)) return undefined;
    // The link's folder must not lie inside its target (the server refuses loops).
    const linkFolder = path.join(root, relDir);
    if (isInside(real, linkFolder)) return undefined;
    return path.relative(path.dirname(abs), lexical).split(path.sep).join('/');
  };

  const walk = (absDir: string, relDir: string, ancestors: Set<string>) => {
    const names = fs.readdirSync(absDir).sort();
    for (const name of names) {
      const rel = relDir ? `${relDir}/${name}` : name;
      const abs = path.join(absDir, name);
      let stat: fs.Stats;
      try {
        stat = fs.statSync(abs); // follows links
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ELOOP') continue; // dangling or looping link
        throw err;
      }
      if (stat.isDirectory()) {
        if (ig.ignores(`${rel}/`)) {
          ignored.push(`${rel}/`);
          continue;
        }
        const real = fs.realpathSync(abs);
        if (ancestors.has(real)) continue; // a link back up the tree
        if (fs.lstatSync(abs).isSymbolicLink()) {
          const target = keptLinkTarget(abs, relDir);
          if (target !== undefined) {
            entries.push({ name: rel, linkTarget: target, mode: 0o120777 });
            continue;
          }
        }
        walk(abs, rel, new Set(ancestors).add(real));
      } else if (stat.isFile()) {
        if (ig.ignores(rel)) {
          ignored.push(rel);
          continue;
        }
        entries.push({ name: rel, realPath: abs, mode: 0o100000 | (stat.mode & 0o7777) });
      }
    }
  };
  walk(root, '', new Set([root]));
  // The walk is depth-first ('a/b' before 'a-b'); store in plain byte order of full paths.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { entries, ignored };
}

/** Zips a directory (see the module comment for the rules). */
export async function packDirectory(dir: string): Promise<PackedCode> {
  const { entries, ignored } = listPackageFiles(dir);
  if (entries.length === 0) {
    throw new Error(`nothing to deploy: ${dir} has no files left after the ignore rules`);
  }
  const zip = new ZipFile();
  let unpackedBytes = 0;
  for (const entry of entries) {
    if (entry.linkTarget !== undefined) {
      zip.addBuffer(Buffer.from(entry.linkTarget), entry.name, { mtime: FIXED_MTIME, mode: entry.mode, compress: false });
    } else {
      // Read whole (not streamed) so a file that changes size or cannot be
      // read fails here, naming it, instead of midway through the archive.
      let data: Buffer;
      try {
        data = fs.readFileSync(entry.realPath!);
      } catch (err) {
        throw new Error(`cannot read ${entry.realPath}: ${(err as Error).message}`);
      }
      unpackedBytes += data.length;
      zip.addBuffer(data, entry.name, { mtime: FIXED_MTIME, mode: entry.mode, compress: true });
    }
  }
  zip.end();
  const buffer = await collect(zip);
  return { zip: buffer, files: entries.length, unpackedBytes, ignored };
}

/** Reads a ready-made zip, checking that it looks like one. */
export function readZipFile(file: string): PackedCode {
  const zip = fs.readFileSync(file);
  const magic = zip.subarray(0, 4).toString('latin1');
  if (magic !== 'PK\x03\x04' && magic !== 'PK\x05\x06') {
    throw new Error(`${file} is not a zip archive`);
  }
  return { zip, files: 0, unpackedBytes: 0, ignored: [] };
}

/** Packs `target`: a directory is zipped, a `.zip` file is taken as is. */
export async function packTarget(target: string): Promise<PackedCode> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new Error(`${target} does not exist`);
  }
  if (stat.isDirectory()) return packDirectory(target);
  if (stat.isFile()) return readZipFile(target);
  throw new Error(`${target} is neither a directory nor a zip file`);
}

function collect(zip: ZipFile): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.on('error', reject);
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
