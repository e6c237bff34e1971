/**
 * The sandbox's source files as the host reads them: the web files
 * (runtime/sandbox/web/*.js, file-name order) and the bootstrap assembled from
 * bootstrap.js and its parts (boot/*.js); and their minified copies in
 * runtime/sandbox/min/ (made by bin/build-sandbox-min.js, committed).
 *
 * Why minified copies: every isolate holds its own copy of these sources (V8
 * keeps a script's source for lazy compilation and Function.prototype.toString),
 * ~261 KB per instance compacted as written; minified, ~226 KB (runtime/README.md,
 * "Idle instance memory"). They are used only when the sha256 of the sources
 * they were made from (the first line of min/bootstrap.js, a comment: a `.js`
 * file, so the single executable's assets carry it) matches the sources read
 * now, so an edit to a web file never runs stale code: until the copies are
 * rebuilt the host uses the sources as written and says so on stderr.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CAPABILITY_NAMES } from './capabilities';
import { ENTRY_POINTS } from './entry-points';

/** The minified copies' folder inside runtime/sandbox. */
export const MIN_DIR = 'min';
/** The first line of min/bootstrap.js: this, then the sha256 of the sources the copies were made from. */
export const MIN_HASH_LINE = '// made by bin/build-sandbox-min.js from sources with sha256 ';
/** bin/build-sandbox-min.js binds the bootstrap function to this name while minifying (a bare expression would be dropped). */
export const BOOT_MIN_PREFIX = 'var __isolaMin=';

export interface SandboxInputs {
  web: Array<{ name: string; code: string }>;
  /** The assembled bootstrap function's source (see bootstrapSource). */
  bootstrap: string;
  /** sha256 over the web files' names and sources and the assembled bootstrap. */
  hash: string;
}

/**
 * The bootstrap function (see sandbox/bootstrap.js): its parameters are the
 * config and the capabilities in the registry's order (`log` → `hostLog`), it
 * returns the entry points by name, and bootstrap.js and the parts
 * (sandbox/boot/*.js, blocks) share its scope. One scope and plain bindings
 * rather than a kernel object, part factories or a frozen capabilities
 * object: in a fresh isolate every new object shape and every freeze has a
 * price, and those cost 50–90 µs per cold start (measured), the hand-over
 * being the whole of InitRuntime when a spare isolate is ready.
 */
export function bootstrapSource(prologue: string, parts: string[]): string {
  const params = CAPABILITY_NAMES.map(capabilityParam).join(', ');
  return `(function bootstrap(configJson, ${params}) {\n'use strict';\n${prologue}\n${parts.join('\n')}\nreturn { ${ENTRY_POINTS.join(', ')} };\n})`;
}

/** The bootstrap's parameter for a capability: `log` → `hostLog`. */
export function capabilityParam(name: string): string {
  return `host${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

const jsFiles = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.js')).sort() : []);

/** Reads the sandbox's sources in `dir` (runtime/sandbox) as written. */
export function sandboxInputs(dir: string): SandboxInputs {
  const webDir = path.join(dir, 'web');
  const web = jsFiles(webDir).map((name) => ({ name, code: fs.readFileSync(path.join(webDir, name), 'utf8') }));
  const partsDir = path.join(dir, 'boot');
  const parts = jsFiles(partsDir).map((n) => fs.readFileSync(path.join(partsDir, n), 'utf8'));
  const bootstrap = bootstrapSource(fs.readFileSync(path.join(dir, 'bootstrap.js'), 'utf8'), parts);
  const h = crypto.createHash('sha256');
  for (const w of web) h.update(`${w.name}\0${w.code}\0`);
  h.update(bootstrap);
  return { web, bootstrap, hash: h.digest('hex') };
}

/**
 * The minified copies of `inputs` (same file names), or why they cannot be used: missing (a tree
 * without them), or made from other sources (stale: run bin/build-sandbox-min.js).
 */
export function minifiedInputs(dir: string, inputs: SandboxInputs): { web: SandboxInputs['web']; bootstrap: string } | string {
  const min = path.join(dir, MIN_DIR);
  const bootFile = path.join(min, 'bootstrap.js');
  if (!fs.existsSync(bootFile)) return `${min} is missing`;
  const boot = fs.readFileSync(bootFile, 'utf8');
  const eol = boot.indexOf('\n');
  if (boot.slice(0, eol) !== MIN_HASH_LINE + inputs.hash) return `${min} was made from other sources (run node bin/build-sandbox-min.js)`;
  const web = inputs.web.map((w) => ({ name: w.name, code: fs.readFileSync(path.join(min, 'web', w.name), 'utf8') }));
  return { web, bootstrap: boot.slice(eol + 1).trimEnd() };
}
