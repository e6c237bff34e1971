/**
 * The Node.js compatibility set (issue 18), opt-in per function like workerd's
 * `nodejs_compat`: with the flag on, `node:x` and bare `x` resolve, for the
 * modules of the set (buffer, events, path, util), to pure-JavaScript
 * implementations shipped with the runtime (npm packages, runtime/sandbox/node/) and
 * run inside the isolate like any CommonJS module — so a module's code is read
 * and compiled only when a function first requires it, never at cold start.
 *
 * The switch is the function's environment variable `ISOLA_COMPATIBILITY_FLAGS`
 * (comma-separated flags; today only `nodejs_compat`): environment variables
 * are already part of a version's configuration (copied by PublishVersion,
 * shown by GetFunction, settable through the SCF API and its SDK), so no API
 * or store change is needed and an old client can set it. Unknown flags are
 * refused at cold start (sandbox/boot/70-modules.js), never ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { assetPath, type AssetName } from '../../lib';
import { sandboxDir } from './sandbox';

export const COMPAT_ENV = 'ISOLA_COMPATIBILITY_FLAGS';
export const NODEJS_COMPAT = 'nodejs_compat';

/** Virtual folder the set's modules are named under inside the isolate. */
const PREFIX = '/isola/node/';

/**
 * Where each module's code is. npm packages (dependencies in package.json, so
 * the lockfile pins them and their licences ship in node_modules) where a
 * well-kept pure-JavaScript one exists; runtime/sandbox/node/ for the rest.
 */
const ownFile = (file: string) => (): string => path.join(sandboxDir(), 'node', file);
// Resolved by lib/assets.ts: require.resolve in an npm install, the embedded copy in the single executable.
const npmFile = (asset: AssetName) => (): string => assetPath(asset);

/** Module name → its file. Public: importable by tenant code. */
const PUBLIC: Record<string, () => string> = {
  buffer: npmFile('npm-buffer'),  // buffer 6 (feross): Node's Buffer API on Uint8Array
  events: npmFile('npm-events'),  // events 3 (browserify): Node's EventEmitter
  path: npmFile('npm-path'),      // path-browserify 1: Node 10's path.posix
  util: ownFile('util.js'),
};
/** The modules tenant code can import with the flag on. */
export const COMPAT_MODULES: readonly string[] = Object.keys(PUBLIC);

/** Dependencies of the public modules, resolvable only from inside the set. */
const PRIVATE: Record<string, () => string> = {
  'base64-js': npmFile('npm-base64-js'),  // buffer's own dependencies
  ieee754: npmFile('npm-ieee754'),
};

/** Whether a function's environment turns the Node.js compatibility set on. */
export function nodeCompatEnabled(env: Record<string, unknown>): boolean {
  const flags = env[COMPAT_ENV];
  return typeof flags === 'string' && flags.split(',').some((f) => f.trim() === NODEJS_COMPAT);
}

/** `node:buffer` / `buffer` → the set's virtual path, or null when the set has no such module. */
export function compatPath(specifier: string, from: string | null): string | null {
  const name = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  if (Object.prototype.hasOwnProperty.call(PUBLIC, name)) return PREFIX + name;
  if (from !== null && from.startsWith(PREFIX) && Object.prototype.hasOwnProperty.call(PRIVATE, name)) return PREFIX + name;
  return null;
}

/** Named exports an ES module import of each public module gets (Node's names). */
const EXPORT_NAMES: Record<string, string[]> = {
  buffer: ['Buffer', 'SlowBuffer', 'INSPECT_MAX_BYTES', 'kMaxLength'],
  events: ['EventEmitter', 'once', 'defaultMaxListeners'],
  path: ['resolve', 'normalize', 'isAbsolute', 'join', 'relative', 'dirname', 'basename', 'extname', 'format', 'parse', 'sep', 'delimiter', 'posix'],
  util: ['format', 'formatWithOptions', 'inspect', 'promisify', 'callbackify', 'inherits', 'deprecate', 'isDeepStrictEqual', 'types', 'TextEncoder', 'TextDecoder'],
};

/** The named exports of a virtual path under /isola/node/ ([] for anything else). */
export function compatExportNames(vpath: string): string[] {
  return vpath.startsWith(PREFIX) ? EXPORT_NAMES[vpath.slice(PREFIX.length)] ?? [] : [];
}

const sources = new Map<string, string>();

/** Source text of a virtual path under /isola/node/ (read once per host process), or null. */
export function compatSource(vpath: string): string | null {
  if (!vpath.startsWith(PREFIX)) return null;
  const name = vpath.slice(PREFIX.length);
  const file = Object.prototype.hasOwnProperty.call(PUBLIC, name) ? PUBLIC[name] : Object.prototype.hasOwnProperty.call(PRIVATE, name) ? PRIVATE[name] : undefined;
  if (file === undefined) return null;
  let text = sources.get(name);
  if (text === undefined) {
    text = fs.readFileSync(file(), 'utf8');
    sources.set(name, text);
  }
  return text;
}
