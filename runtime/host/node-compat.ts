/**
 * The Node.js compatibility set (issue 18), opt-in per function like workerd's
 * `nodejs_compat`: with the flag on, `node:x` and bare `x` resolve, for the
 * modules of the set, to pure-JavaScript implementations shipped with the
 * runtime (npm packages, runtime/sandbox/node/) and run inside the isolate like
 * any CommonJS module — so a module's code is read and compiled only when a
 * function first requires it, never at cold start.
 *
 * The switch is the function's environment variable `ISOLA_COMPATIBILITY_FLAGS`
 * (comma-separated flags; today only `nodejs_compat`): environment variables
 * are already part of a version's configuration (copied by PublishVersion,
 * shown by GetFunction, settable through the SCF API and its SDK), so no API
 * or store change is needed and an old client can set it. Unknown flags are
 * refused at cold start (sandbox/boot/70-modules.js), never ignored.
 *
 * Virtual layout inside the isolate: `/isola/node/<root>/<file>`, where a root
 * is one folder on the host (an npm package's folder, or runtime/sandbox/node/
 * as `isola`). Relative requires inside a root resolve within it (multi-file
 * packages such as readable-stream), never out of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { assetPath, type AssetName } from '../../lib';
import { sandboxDir } from './sandbox';

export const COMPAT_ENV = 'ISOLA_COMPATIBILITY_FLAGS';
export const NODEJS_COMPAT = 'nodejs_compat';

/** Virtual folder the set's modules are named under inside the isolate. */
const PREFIX = '/isola/node/';
/** The root of the set's own modules (runtime/sandbox/node/): they get the bootstrap's compat internals. */
export const OWN_ROOT = PREFIX + 'isola/';

/** The folder of an npm package the set ships (lib/assets.ts: node_modules in an npm install, the embedded copy in the single executable). */
const npmDir = (asset: AssetName) => (): string => assetPath(asset);

/**
 * Virtual root → its folder on the host. npm packages (dependencies in
 * package.json, so the lockfile pins them and their licences ship in
 * node_modules) where a well-kept pure-JavaScript one exists;
 * runtime/sandbox/node/ for the rest.
 */
const ROOTS: Record<string, () => string> = {
  isola: () => path.join(sandboxDir(), 'node'),
  buffer: npmDir('npm-buffer'),                   // buffer 6 (feross): Node's Buffer API on Uint8Array
  'base64-js': npmDir('npm-base64-js'),
  ieee754: npmDir('npm-ieee754'),
  events: npmDir('npm-events'),                   // events 3 (browserify): Node's EventEmitter
  'path-browserify': npmDir('npm-path-browserify'), // path-browserify 1: Node 10's path.posix
  'readable-stream': npmDir('npm-readable-stream'), // readable-stream 4: Node 18's streams
  string_decoder: npmDir('npm-string_decoder'),   // string_decoder 1.3: Node's
  'safe-buffer': npmDir('npm-safe-buffer'),
};

/** Module name → virtual path. Public: importable by tenant code as `x` and `node:x`. */
const PUBLIC: Record<string, string> = {
  assert: OWN_ROOT + 'assert.js',
  'assert/strict': OWN_ROOT + 'assert-strict.js',
  async_hooks: OWN_ROOT + 'async-hooks.js',
  buffer: PREFIX + 'buffer/index.js',
  crypto: OWN_ROOT + 'crypto.js',
  events: PREFIX + 'events/events.js',
  path: PREFIX + 'path-browserify/index.js',
  'path/posix': PREFIX + 'path-browserify/index.js',
  process: OWN_ROOT + 'process.js',
  querystring: OWN_ROOT + 'querystring.js',
  stream: OWN_ROOT + 'stream.js',
  'stream/promises': PREFIX + 'readable-stream/lib/stream/promises.js',
  string_decoder: PREFIX + 'string_decoder/lib/string_decoder.js',
  timers: OWN_ROOT + 'timers.js',
  'timers/promises': OWN_ROOT + 'timers-promises.js',
  url: OWN_ROOT + 'url.js',
  util: OWN_ROOT + 'util.js',
};
/** The modules tenant code can import with the flag on. */
export const COMPAT_MODULES: readonly string[] = Object.keys(PUBLIC);

/** Dependencies of the set's modules, resolvable only from inside the set. */
const PRIVATE: Record<string, string> = {
  'base64-js': PREFIX + 'base64-js/index.js',
  ieee754: PREFIX + 'ieee754/index.js',
  'safe-buffer': PREFIX + 'safe-buffer/index.js',
  'readable-stream': PREFIX + 'readable-stream/lib/ours/browser.js',
};

/** Whether a function's environment turns the Node.js compatibility set on. */
export function nodeCompatEnabled(env: Record<string, unknown>): boolean {
  const flags = env[COMPAT_ENV];
  return typeof flags === 'string' && flags.split(',').some((f) => f.trim() === NODEJS_COMPAT);
}

const own = (o: Record<string, string>, k: string): string | undefined => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

/** The host file of a virtual path under /isola/node/, or null (outside the roots, or no such file). */
function realFile(vpath: string): string | null {
  if (!vpath.startsWith(PREFIX)) return null;
  const rest = vpath.slice(PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return null;
  const root = ROOTS[rest.slice(0, slash)];
  const rel = path.posix.normalize(rest.slice(slash + 1));
  if (root === undefined || rel.startsWith('..') || rel.startsWith('/')) return null;
  const file = path.join(root(), rel);
  try { return fs.statSync(file).isFile() ? file : null; } catch { return null; }
}

const relativeCache = new Map<string, string | null>();

/** `./x` / `../x` from a file of the set: the virtual path in the same root (Node's LOAD_AS_FILE, then index.js), or null. */
function resolveRelative(specifier: string, from: string): string | null {
  const key = from + '\0' + specifier;
  const hit = relativeCache.get(key);
  if (hit !== undefined) return hit;
  const v = path.posix.resolve(path.posix.dirname(from), specifier);
  const rootOf = (p: string): string => p.slice(0, p.indexOf('/', PREFIX.length) + 1);
  let found: string | null = null;
  if (v.startsWith(rootOf(from))) {
    for (const c of [v, v + '.js', v + '.json', v + '/index.js']) if (realFile(c) !== null) { found = c; break; }
  }
  relativeCache.set(key, found);
  return found;
}

/**
 * `node:buffer` / `buffer` → the set's virtual path, or null when the set has
 * no such module. From a file of the set, its private dependencies and
 * relative paths resolve too (a trailing `/`, as in `require('process/')`, is
 * the package itself).
 */
export function compatPath(specifier: string, from: string | null): string | null {
  const name = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  const pub = own(PUBLIC, name);
  if (pub !== undefined) return pub;
  if (from === null || !from.startsWith(PREFIX) || specifier.startsWith('node:')) return null;
  if (name.startsWith('./') || name.startsWith('../')) return resolveRelative(name, from);
  const bare = name.endsWith('/') ? name.slice(0, -1) : name;
  return own(PUBLIC, bare) ?? own(PRIVATE, bare) ?? null;
}

/** Named exports an ES module import of each public module gets (Node's names). */
const EXPORT_NAMES: Record<string, string[]> = {
  assert: ['AssertionError', 'ok', 'equal', 'notEqual', 'strictEqual', 'notStrictEqual', 'deepEqual', 'notDeepEqual', 'deepStrictEqual', 'notDeepStrictEqual', 'throws', 'doesNotThrow', 'rejects', 'doesNotReject', 'match', 'doesNotMatch', 'fail', 'ifError', 'strict'],
  async_hooks: ['AsyncLocalStorage', 'AsyncResource'],
  buffer: ['Buffer', 'SlowBuffer', 'INSPECT_MAX_BYTES', 'kMaxLength'],
  crypto: ['createHash', 'createHmac', 'getHashes', 'randomBytes', 'randomFillSync', 'randomInt', 'randomUUID', 'getRandomValues', 'timingSafeEqual', 'webcrypto', 'subtle'],
  events: ['EventEmitter', 'once', 'defaultMaxListeners'],
  path: ['resolve', 'normalize', 'isAbsolute', 'join', 'relative', 'dirname', 'basename', 'extname', 'format', 'parse', 'sep', 'delimiter', 'posix'],
  process: ['env', 'nextTick', 'version', 'versions', 'platform', 'cwd'],
  querystring: ['parse', 'stringify', 'decode', 'encode', 'escape', 'unescape'],
  stream: ['Stream', 'Readable', 'Writable', 'Duplex', 'Transform', 'PassThrough', 'pipeline', 'finished', 'addAbortSignal', 'compose', 'promises'],
  'stream/promises': ['pipeline', 'finished'],
  string_decoder: ['StringDecoder'],
  timers: ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'promises'],
  'timers/promises': ['setTimeout', 'setImmediate', 'setInterval', 'scheduler'],
  url: ['URL', 'URLSearchParams', 'parse', 'format', 'resolve', 'fileURLToPath', 'pathToFileURL', 'domainToASCII', 'domainToUnicode', 'urlToHttpOptions'],
  util: ['format', 'formatWithOptions', 'inspect', 'promisify', 'callbackify', 'inherits', 'deprecate', 'isDeepStrictEqual', 'types', 'TextEncoder', 'TextDecoder'],
};
EXPORT_NAMES['assert/strict'] = EXPORT_NAMES.assert as string[];
EXPORT_NAMES['path/posix'] = EXPORT_NAMES.path as string[];

/** The named exports of a public module's virtual path ([] for anything else). */
export function compatExportNames(vpath: string): string[] {
  for (const [name, v] of Object.entries(PUBLIC)) if (v === vpath) return EXPORT_NAMES[name] ?? [];
  return [];
}

const sources = new Map<string, string | null>();

/** Source text of a virtual path under /isola/node/ (read once per host process), or null. */
export function compatSource(vpath: string): string | null {
  let text = sources.get(vpath);
  if (text === undefined) {
    const file = realFile(vpath);
    text = file === null ? null : fs.readFileSync(file, 'utf8');
    sources.set(vpath, text);
  }
  return text;
}
