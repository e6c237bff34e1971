'use strict';
/**
 * Zips for tests (and the benches, bench/lib/zip.js). `yazlZip` packs
 * `{ name: text }` with yazl, the library the CLI packs with: a package as a
 * real client sends it.
 *
 * `makeZip` is a raw zip writer: local headers, data and a central directory
 * written by hand so tests can craft archives that real zip tools refuse to
 * produce (`../` names, absolute paths, symlinks, lying sizes, duplicate
 * names, encrypted flags, bad CRCs) — and also plain function packages.
 *
 *   makeZip({ 'index.js': 'exports.main = () => 1', 'lib/util.js': '...' })
 *   makeZip([
 *     { name: 'scf_bootstrap', data: '#!/bin/sh\n...', mode: 0o755 },
 *     { name: 'lib/' },                                   // folder entry
 *     { name: 'link', symlink: 'lib/util.js' },           // symlink entry
 *     { name: 'big.bin', data: buf, method: 'store' },    // stored, not deflated
 *     { name: 'bomb', data: small, declaredSize: 10 },    // lying uncompressed size
 *   ])
 *   zipDir('/path/to/fixture')                            // every file under a folder, modes kept
 *
 * Entry fields: name (string or Buffer of raw bytes), data (string | Buffer,
 * default empty), mode (unix permission bits, file type added if missing;
 * default 0o644 files, 0o755 folders), symlink (target; makes a symlink
 * entry), method ('deflate' | 'store' | 0 | 8 | other number; default deflate
 * for files), declaredSize (uncompressed size written in the headers),
 * compressed (precomputed raw-deflate payload, with `size` and `crc` of the
 * original), crc (override), encrypted (sets the encryption flag bit).
 */
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const yazl = require('yazl');

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function makeZip(entries) {
  const list = Array.isArray(entries)
    ? entries
    : Object.entries(entries).map(([name, data]) => (name.endsWith('/') ? { name } : { name, data }));
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const entry of list) {
    const nameBuf = Buffer.isBuffer(entry.name) ? entry.name : Buffer.from(entry.name, 'utf8');
    const isDir = !entry.symlink && nameBuf.at(-1) === 0x2f;
    let data = entry.symlink !== undefined ? Buffer.from(entry.symlink) : toBuffer(entry.data);
    let mode = entry.mode ?? (entry.symlink !== undefined ? 0o777 : isDir ? 0o755 : 0o644);
    if ((mode & 0o170000) === 0) mode |= entry.symlink !== undefined ? S_IFLNK : isDir ? S_IFDIR : S_IFREG;

    let method;
    let payload;
    let size = data.length;
    let crc = zlib.crc32(data);
    if (entry.compressed) {
      method = 8;
      payload = entry.compressed;
      size = entry.size;
      crc = entry.crc;
    } else {
      method = methodOf(entry.method, isDir || data.length === 0);
      payload = method === 8 ? zlib.deflateRawSync(data) : data;
    }
    if (entry.crc !== undefined) crc = entry.crc;
    if (entry.declaredSize !== undefined) size = entry.declaredSize;
    const flags = 0x800 | (entry.encrypted ? 1 : 0);
    const dosAttr = isDir ? 0x10 : 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date 1980-01-01
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(payload.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBuf, payload);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(payload.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attrs
    central.writeUInt32LE(((mode << 16) | dosAttr) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + payload.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(list.length, 8);
  end.writeUInt16LE(list.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Zips every file, folder and symlink under `dir` (paths relative to it), keeping unix modes. */
function zipDir(dir) {
  const entries = [];
  const walk = (abs, rel) => {
    for (const name of fs.readdirSync(abs).sort()) {
      const childAbs = path.join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(childAbs);
      if (st.isSymbolicLink()) entries.push({ name: childRel, symlink: fs.readlinkSync(childAbs) });
      else if (st.isDirectory()) {
        entries.push({ name: `${childRel}/`, mode: st.mode & 0o7777 });
        walk(childAbs, childRel);
      } else entries.push({ name: childRel, data: fs.readFileSync(childAbs), mode: st.mode & 0o7777 });
    }
  };
  walk(dir, '');
  return makeZip(entries);
}

/** `{ name: text }` zipped by yazl; resolves with the archive. */
function yazlZip(files) {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text), name);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks = [];
    zip.outputStream.on('data', (c) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

function methodOf(method, empty) {
  if (method === undefined) return empty ? 0 : 8;
  if (method === 'store') return 0;
  if (method === 'deflate') return 8;
  return method;
}

function toBuffer(data) {
  if (data === undefined || data === null) return Buffer.alloc(0);
  return Buffer.isBuffer(data) ? data : Buffer.from(String(data));
}

module.exports = { makeZip, zipDir, yazlZip };
