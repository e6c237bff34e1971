/**
 * Module resolution over two read-only roots, following Node's rules for
 * relative paths, index files, package.json `main`/`exports`/`type` and
 * node_modules. Modules are named inside the isolate by virtual paths: the
 * code package is `/var/user`; the function's layers, merged in binding
 * order, are `/opt` — an overlay: `/opt/<p>` is the file `<p>` of the last
 * bound layer that has it (a later layer's file wins), without copying
 * anything. Bare names are searched in `node_modules` up the requiring
 * file's root, then `/var/user/node_modules`, `/opt/node_modules` and `/opt`
 * itself (SCF's `NODE_PATH=/opt:/opt/node_modules`). Nothing resolves
 * outside the roots: `..` is clamped by the virtual path, and every file's
 * realpath must stay inside the layer (or code) directory it was found in
 * (no symlink escapes).
 *
 * Format: `.mjs` ESM, `.cjs` CommonJS, `.json` JSON; a `.js` (or extensionless)
 * file follows the nearest package.json `"type"` (`module` / `commonjs`), and
 * without one it is ESM when its source contains ES module syntax (Node 22's
 * syntax detection, module-format.ts), else CommonJS. Decided once per file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { detectModuleSyntax } from './module-format';
import { COMPAT_MODULES, compatPath, compatSource } from './node-compat';

export type ModuleFormat = 'cjs' | 'esm' | 'json';
export type Resolution = { path: string; format: ModuleFormat } | { error: string; code: string };

const BUILTINS = new Set(builtinModules);
/** Cache entries kept per map: tenant code can ask for endless distinct names; the host must not grow with it. */
const CACHE_MAX = 20_000;
/** Source text kept per version (the rest is re-read on demand). */
const SOURCE_CACHE_BYTES = 64 * 1024 * 1024;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= CACHE_MAX) map.clear();
  map.set(key, value);
}
const CODE_PREFIX = '/var/user';

/** A virtual root; `reals` are searched in order (the overlay: `/opt` lists the layers last-bound first). */
interface Root { prefix: string; reals: string[] }

const LAYER_PREFIX = '/opt';

function realOf(dir: string): string {
  try { return fs.realpathSync(dir); } catch { return path.resolve(dir); }
}

export function builtinError(name: string): string {
  return `Cannot find module '${name}': Node.js built-in modules are not available in the isolate runtime `
    + `(the Node.js process runtime has them; with ISOLA_COMPATIBILITY_FLAGS=nodejs_compat the isolate runtime offers ${COMPAT_MODULES.filter((m) => !m.includes('/')).join(', ')})`;
}

export class Resolver {
  readonly roots: Root[];
  /** Milliseconds spent in the file system (stat/realpath/read) so far. */
  fsMs = 0;
  private readonly statCache = new Map<string, 'file' | 'dir' | null>();
  private readonly pkgCache = new Map<string, Record<string, unknown> | null>();
  private readonly resolveCache = new Map<string, Resolution>();
  private readonly sourceCache = new Map<string, string>();
  private readonly formatCache = new Map<string, ModuleFormat>();
  private sourceBytes = 0;

  /**
   * `layerDirs` in binding order (the first bound first); the last one's files win in `/opt`.
   * `nodeCompat`: the function turned the Node.js compatibility set on (node-compat.ts).
   */
  constructor(codeDir: string, layerDirs: string[], private readonly nodeCompat = false) {
    const t0 = performance.now();
    this.roots = [{ prefix: CODE_PREFIX, reals: [realOf(codeDir)] }];
    if (layerDirs.length > 0) this.roots.push({ prefix: LAYER_PREFIX, reals: layerDirs.map(realOf).reverse() });
    this.fsMs += performance.now() - t0;
  }

  /** The handler's file: `index` → /var/user/index.(js|mjs|cjs). */
  entry(file: string): { path: string; format: ModuleFormat } | null {
    const v = path.posix.resolve(CODE_PREFIX, file);
    if (!this.rootOf(v)) return null;
    const t0 = performance.now();
    try {
      for (const ext of ['.js', '.mjs', '.cjs']) {
        const p = this.fileAt(v + ext);
        if (p) return { path: p, format: this.formatOf(p) };
      }
      return null;
    } finally {
      this.fsMs += performance.now() - t0;
    }
  }

  /** Resolves `specifier` imported/required from virtual path `from` (null: the code root). */
  resolve(from: string | null, specifier: string, mode: 'require' | 'import'): Resolution {
    const base = from === null ? CODE_PREFIX : path.posix.dirname(from);
    const key = `${base}\0${specifier}\0${mode}`;
    let r = this.resolveCache.get(key);
    if (r === undefined) {
      const t0 = performance.now();
      r = this.doResolve(base, specifier, mode, from);
      this.fsMs += performance.now() - t0;
      remember(this.resolveCache, key, r);
    }
    return r;
  }

  /** Source text of a virtual path returned by resolve()/entry(), or null. */
  source(vpath: string): string | null {
    if (this.nodeCompat && vpath.startsWith('/isola/node/')) return compatSource(vpath);
    const hit = this.sourceCache.get(vpath);
    if (hit !== undefined) return hit;
    const real = this.checkedReal(vpath);
    if (real === null) return null;
    const t0 = performance.now();
    let text: string | null;
    try { text = fs.readFileSync(real, 'utf8'); } catch { text = null; }
    this.fsMs += performance.now() - t0;
    if (text !== null && this.sourceBytes + text.length <= SOURCE_CACHE_BYTES) { this.sourceCache.set(vpath, text); this.sourceBytes += text.length; }
    return text;
  }

  private doResolve(base: string, spec: string, mode: 'require' | 'import', from: string | null): Resolution {
    const notFound = (): Resolution => ({ error: `Cannot find module '${spec}'${from ? ` from '${from}'` : ''}`, code: 'MODULE_NOT_FOUND' });
    if (typeof spec !== 'string' || spec === '' || spec.includes('\0')) return notFound();
    // As in Node, a built-in wins over a node_modules package of the same name.
    const compat = this.nodeCompat ? compatPath(spec, from) : null;
    if (compat !== null) return { path: compat, format: 'cjs' };
    if (spec.startsWith('node:')) return { error: builtinError(spec), code: 'ERR_BUILTIN_NOT_AVAILABLE' };
    if (spec === '.' || spec === '..' || spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/')) {
      const v = path.posix.resolve(base, spec);
      if (!this.rootOf(v)) return notFound();
      const p = this.loadAsFile(v) ?? this.loadAsDir(v, mode);
      return p ? { path: p, format: this.formatOf(p) } : notFound();
    }
    const m = /^((?:@[^/]+\/)?[^/]+)(\/.*)?$/.exec(spec);
    if (!m || m[1] === undefined) return notFound();
    const name = m[1];
    const sub = m[2] ?? '';
    for (const nm of this.nodeModulesDirs(base)) {
      const pkgDir = `${nm}/${name}`;
      if (this.kind(pkgDir) !== 'dir') {
        // Node's LOAD_AS_FILE(DIR/X): a plain file on a search path (`/opt/util.js` for require('util')).
        const file = this.loadAsFile(`${nm}/${spec}`);
        if (file) return { path: file, format: this.formatOf(file) };
        continue;
      }
      const pkg = this.pkg(pkgDir);
      if (pkg && pkg.exports !== undefined && pkg.exports !== null) {
        const target = resolveExports(pkg.exports, sub === '' ? '.' : `.${sub}`, mode);
        if (target === null) return { error: `Package subpath '${sub === '' ? '.' : `.${sub}`}' is not defined by "exports" in ${pkgDir}/package.json`, code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' };
        const v = path.posix.resolve(pkgDir, target);
        if (!v.startsWith(pkgDir + '/')) return notFound();
        const p = this.fileAt(v) ?? this.loadAsFile(v);
        if (p) return { path: p, format: this.formatOf(p) };
        return notFound();
      }
      const v = pkgDir + sub;
      const p = this.loadAsFile(v) ?? this.loadAsDir(v, mode);
      if (p) return { path: p, format: this.formatOf(p) };
    }
    if (BUILTINS.has(name) || BUILTINS.has(spec)) return { error: builtinError(spec), code: 'ERR_BUILTIN_NOT_AVAILABLE' };
    return notFound();
  }

  /** node_modules folders to search: walking up inside the root of `base`, then every root's, then layer roots themselves. */
  private nodeModulesDirs(base: string): string[] {
    const out: string[] = [];
    const root = this.rootOf(base);
    if (root) {
      let d = base;
      for (;;) {
        if (!d.endsWith('/node_modules')) out.push(`${d}/node_modules`);
        if (d === root.prefix) break;
        d = path.posix.dirname(d);
      }
    }
    for (const r of this.roots) {
      const nm = `${r.prefix}/node_modules`;
      if (!out.includes(nm)) out.push(nm);
      if (r.prefix !== CODE_PREFIX && !out.includes(r.prefix)) out.push(r.prefix);
    }
    return out;
  }

  private loadAsFile(v: string): string | null {
    return this.fileAt(v) ?? this.fileAt(`${v}.js`) ?? this.fileAt(`${v}.json`) ?? this.fileAt(`${v}.mjs`) ?? this.fileAt(`${v}.cjs`);
  }

  private loadAsDir(v: string, mode: 'require' | 'import'): string | null {
    if (this.kind(v) !== 'dir') return null;
    const pkg = this.pkg(v);
    const main = pkg && typeof pkg.main === 'string' && pkg.main !== '' ? pkg.main : null;
    if (main !== null) {
      const m = path.posix.resolve(v, main);
      if (m.startsWith(v + '/') || m === v) {
        const p = this.loadAsFile(m) ?? (m !== v ? this.indexIn(m) : null);
        if (p) return p;
      }
    }
    void mode;
    return this.indexIn(v);
  }

  private indexIn(v: string): string | null {
    return this.fileAt(`${v}/index.js`) ?? this.fileAt(`${v}/index.json`) ?? this.fileAt(`${v}/index.mjs`) ?? this.fileAt(`${v}/index.cjs`);
  }

  private formatOf(v: string): ModuleFormat {
    if (v.endsWith('.mjs')) return 'esm';
    if (v.endsWith('.cjs')) return 'cjs';
    if (v.endsWith('.json')) return 'json';
    let format = this.formatCache.get(v);
    if (format === undefined) {
      format = this.scopeFormat(v);
      remember(this.formatCache, v, format);
    }
    return format;
  }

  /** A `.js`/other file's format: the package scope's `"type"`, else (`.js` or no extension) syntax detection, else CommonJS. */
  private scopeFormat(v: string): ModuleFormat {
    const root = this.rootOf(v);
    let d = path.posix.dirname(v);
    while (root) {
      if (!d.endsWith('/node_modules')) {
        const pkg = this.pkg(d);
        if (pkg) {
          if (pkg.type === 'module') return 'esm';
          if (pkg.type === 'commonjs') return 'cjs';
          break; // the nearest package.json decides the scope; it has no type: ambiguous
        }
      }
      if (d === root.prefix) break;
      d = path.posix.dirname(d);
    }
    const ext = path.posix.extname(v);
    if (ext !== '.js' && ext !== '') return 'cjs';
    return this.hasModuleSyntax(v) ? 'esm' : 'cjs';
  }

  /** Syntax detection of an ambiguous file (compile-only, cached process-wide by file identity). */
  private hasModuleSyntax(v: string): boolean {
    const real = this.checkedReal(v);
    if (real === null) return false;
    const st = fs.statSync(real, { throwIfNoEntry: false });
    if (!st) return false;
    return detectModuleSyntax(`${real}\0${st.size}\0${st.mtimeMs}\0${st.ino}`, v, () => this.source(v));
  }

  private pkg(dirV: string): Record<string, unknown> | null {
    let hit = this.pkgCache.get(dirV);
    if (hit !== undefined) return hit;
    hit = null;
    const f = this.fileAt(`${dirV}/package.json`);
    if (f) {
      const text = this.source(f);
      try {
        const parsed: unknown = text === null ? null : JSON.parse(text);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) hit = parsed as Record<string, unknown>;
      } catch { hit = null; }
    }
    remember(this.pkgCache, dirV, hit);
    return hit;
  }

  private rootOf(v: string): Root | null {
    for (const r of this.roots) if (v === r.prefix || v.startsWith(r.prefix + '/')) return r;
    return null;
  }

  /**
   * Real path of a virtual path: in the first of its root's directories
   * where it exists with a realpath inside that directory; else null.
   */
  private checkedReal(v: string): string | null {
    const root = this.rootOf(v);
    if (!root) return null;
    const rest = v.slice(root.prefix.length);
    for (const dir of root.reals) {
      let real: string;
      try { real = fs.realpathSync(dir + rest); } catch { continue; }
      if (real === dir || real.startsWith(dir + path.sep)) return real;
    }
    return null;
  }

  private kind(v: string): 'file' | 'dir' | null {
    let k = this.statCache.get(v);
    if (k !== undefined) return k;
    k = null;
    const real = this.checkedReal(v);
    if (real !== null) {
      const st = fs.statSync(real, { throwIfNoEntry: false });
      k = st ? (st.isFile() ? 'file' : st.isDirectory() ? 'dir' : null) : null;
    }
    remember(this.statCache, v, k);
    return k;
  }

  private fileAt(v: string): string | null {
    return this.kind(v) === 'file' ? v : null;
  }
}

/** Resolves package.json "exports" for a subpath ('.' or './x') with require/import conditions. */
export function resolveExports(exp: unknown, sub: string, mode: 'require' | 'import'): string | null {
  const conditions = mode === 'require' ? ['require', 'node', 'default'] : ['import', 'node', 'default'];
  const pick = (t: unknown): string | null => {
    if (typeof t === 'string') return t.startsWith('./') ? t : null;
    if (Array.isArray(t)) { for (const x of t) { const r = pick(x); if (r) return r; } return null; }
    if (typeof t === 'object' && t !== null) {
      for (const [k, v] of Object.entries(t)) if (conditions.includes(k)) { const r = pick(v); if (r) return r; }
    }
    return null;
  };
  if (typeof exp === 'string' || Array.isArray(exp)) return sub === '.' ? pick(exp) : null;
  if (typeof exp !== 'object' || exp === null) return null;
  const keys = Object.keys(exp);
  const isSubpathMap = keys.length > 0 && keys.every((k) => k.startsWith('.'));
  if (!isSubpathMap) return sub === '.' ? pick(exp) : null;
  const map = exp as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(map, sub)) return pick(map[sub]);
  for (const k of keys) {
    const star = k.indexOf('*');
    if (star === -1) continue;
    const pre = k.slice(0, star), post = k.slice(star + 1);
    if (sub.startsWith(pre) && sub.endsWith(post) && sub.length >= k.length - 1) {
      const mid = sub.slice(pre.length, sub.length - post.length);
      const t = pick(map[k]);
      if (t) return t.split('*').join(mid);
    }
  }
  return null;
}
