/**
 * The code every isolate starts with: runtime/sandbox/web/*.js (Web globals,
 * file-name order, the folder may be empty or partial, preceded by the host
 * bridge capture prelude) then runtime/sandbox/bootstrap.js (host-backed
 * globals and entry points) with its parts, runtime/sandbox/boot/*.js
 * (file-name order), handed to it. Both are one script each.
 * Sources are read once per host; V8 code caches are produced once per host
 * and reused by every new isolate so cold starts skip parsing/compiling.
 */
import fs from 'node:fs';
import path from 'node:path';
import ivm from 'isolated-vm';
import { minifiedInputs, sandboxInputs } from './sandbox-files';
import { primeRequestPath } from './primer';
import { assetPath } from '../../lib';

export { bootstrapSource, capabilityParam } from './sandbox-files';

const BOOT_GLOBAL = '__isolaBootstrap';

/**
 * Runs before the web files: 99-seal.js hands the host bridge to this capture
 * function, which parks it on `__isolaHostBridge`; the bootstrap takes and
 * deletes it before any tenant code runs (web/README.md, "Host bridge").
 */
const BRIDGE_PRELUDE = `Object.defineProperty(globalThis, '__isolaCaptureHostBridge', { configurable: true, value(bridge) {
  Object.defineProperty(globalThis, '__isolaHostBridge', { value: bridge, configurable: true });
} });\n`;

/**
 * Every isolate holds its own copy of the script sources (isolated-vm copies
 * the string into each isolate it compiles in, and V8 keeps it for lazy
 * compilation). One character outside Latin-1 (a '–' in a comment) made the
 * whole ~240 KB of web + bootstrap source UTF-16, twice the bytes, in every
 * instance; and a string that once was two-byte stays so in V8 even when it
 * only holds ASCII, hence the rebuild from bytes. A \\uXXXX escape means the
 * same as the character in strings, regular expressions and identifiers, and
 * is harmless in comments. Measured: about 0.2 MB less RSS per idle instance.
 */
export function ascii(code: string): string {
  const escaped = code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  // V8 keeps a string two-byte once it was (String.prototype.replace, concatenation): rebuild it from bytes.
  return Buffer.from(escaped, 'latin1').toString('latin1');
}

/**
 * Drops what V8 would otherwise keep in every isolate's copy of the source
 * (see ascii()): indentation and whole-line comments (`//` lines, `/* … *\/`
 * blocks that start and end a line), about 18 % of the web files. Lines stay
 * where they were (stack traces keep their line numbers); code and trailing
 * comments are untouched. A file with a line that could continue a string or
 * template literal on the next line (an odd number of backticks, or a
 * trailing backslash) is returned as is, since its line breaks may be inside
 * a literal. Used for the web files (warm() still checks each one) and the
 * assembled bootstrap (about 35 % of it: its parts are mostly commented).
 */
export function compact(code: string): string {
  const lines = code.split('\n');
  if (lines.some((l) => l.split('`').length % 2 === 0 || l.trimEnd().endsWith('\\'))) return code;
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (inBlock) {
      const end = line.indexOf('*/');
      if (end >= 0 && end === line.length - 2) { inBlock = false; lines[i] = ''; continue; }
      if (end >= 0) { inBlock = false; lines[i] = line; continue; } // code after the comment: keep the line as is
      lines[i] = '';
      continue;
    }
    if (line.startsWith('//')) { lines[i] = ''; continue; }
    if (line.startsWith('/*')) {
      const end = line.indexOf('*/', 2);
      if (end < 0) {
        // A block opening here: blank it only if it closes at the end of a later line with nothing after it.
        let j = i + 1;
        while (j < lines.length && !(lines[j] as string).includes('*/')) j++;
        const close = j < lines.length ? (lines[j] as string).trim() : '';
        if (close.indexOf('*/') === close.length - 2 && close.length >= 2) { inBlock = true; lines[i] = ''; continue; }
      } else if (end === line.length - 2) { lines[i] = ''; continue; }
    }
    lines[i] = line;
  }
  return lines.join('\n');
}

/**
 * What an isolate is prepared for: a web function's (its first request runs the
 * Request/Headers/Response path) or an event function's (never runs that path).
 */
export type IsolateUse = 'web' | 'event';

/** The use of a function's isolates: web for HTTP functions (WebSocket ones included), event for the others. */
export function isolateUse(type: 'Event' | 'HTTP'): IsolateUse {
  return type === 'HTTP' ? 'web' : 'event';
}

/**
 * Evaluates its argument, the host's shared copy of the web script, as a global script: indirect
 * eval keeps the string it is given as the script's source, so every isolate refers to the one
 * copy. The web files declare nothing at their top level (each is an IIFE), so eval code behaves
 * as the script does.
 */
const EVAL_SHARED = '(0, eval)($0)';

/**
 * Run in an event spare after its web script (off the request path): the hand-over calls these
 * host-bridge setters (boot/52-web-capabilities.js), and from an evaluated script (no code
 * cache) each was compiled then, +0.03–0.1 ms of InitRuntime. Called with no function, each
 * throws its TypeError before it sets anything (web/README.md, "Host bridge": a non-function
 * throws, the first function given wins), and is compiled.
 */
const COMPILE_BRIDGE_SETTERS = `{
  const bridge = globalThis.__isolaHostBridge;
  if (bridge) for (const name of ['setDomainToASCII', 'setEncodingLookup', 'setMultiByteSource']) {
    try { bridge[name](undefined); } catch { /* the TypeError expected */ }
  }
}`;

interface Source {
  filename: string;
  code: string;
  /** The code cache (primed: see makeCaches). */
  cache?: ivm.ExternalCopy<ArrayBuffer>;
  /**
   * The web script's cache made right after compiling it (top level only): what an event isolate
   * made when no spare is ready starts from, without the primer's Request/Response code (~0.09 MB
   * per idle instance that an event function never runs).
   */
  plainCache?: ivm.ExternalCopy<ArrayBuffer>;
}

/**
 * One copy of a source that isolates can share. isolated-vm copies the source of every script it
 * compiles (compileScript: the web script is ~195 KB per isolate), but a string copied in from an
 * ExternalCopy of 1 KB or more becomes a V8 external string over the copy's bytes, shared by
 * every isolate. The sourceURL names the script in stack traces as compileScript's filename did.
 */
function sharedSource(src: Source): ivm.ExternalCopy<string> {
  return new ivm.ExternalCopy(ascii(`${src.code}\n//# sourceURL=${src.filename}\n`));
}

/**
 * Makes `src.plainCache` (compiled in a scratch isolate, top level only) with isolated-vm's async
 * compile, off the host's thread: done at host start this way it adds nothing to the start
 * (made synchronously it added ~30 ms to every host start and restart).
 */
async function makePlainCache(src: Source): Promise<void> {
  const iso = new ivm.Isolate({ memoryLimit: 64 });
  try {
    const script = await iso.compileScript(src.code, { filename: src.filename, produceCachedData: true });
    src.plainCache = (script as unknown as { cachedData?: ivm.ExternalCopy<ArrayBuffer> }).cachedData;
  } catch {
    // Event isolates made without a spare then start from the primed cache (more memory, same behaviour).
  } finally {
    iso.dispose();
  }
}

/** runtime/sandbox: in the source tree, or the single executable's copy (lib/assets.ts). */
export function sandboxDir(): string {
  const dir = assetPath('runtime-sandbox');
  if (!fs.existsSync(path.join(dir, 'bootstrap.js'))) throw new Error(`runtime/sandbox not found (looked in ${dir})`);
  return dir;
}

export class SandboxSources {
  readonly web: Source[];
  readonly bootstrap: Source;
  /** V8 startup snapshot holding the web globals and the bootstrap function (null: fall back to code caches). */
  snapshot: ivm.ExternalCopy<ArrayBuffer> | null = null;
  /** The web script as one copy held by the host, which event spares evaluate (installAsync; see sharedSource()). */
  private sharedWeb: ivm.ExternalCopy<string> | null = null;
  /** Settles once the web script's plain cache is made (or could not be: event isolates then use the primed one). */
  plainCacheMade: Promise<void> = Promise.resolve();

  private constructor(web: Source[], bootstrap: Source) {
    this.web = web;
    this.bootstrap = bootstrap;
  }

  /** Reads the sandbox files and produces their code caches in a scratch isolate. */
  static load(): SandboxSources {
    const dir = sandboxDir();
    const inputs = sandboxInputs(dir);
    const min = minifiedInputs(dir, inputs);
    let web: Source[];
    let bootstrap: Source;
    if (typeof min === 'string') {
      process.stderr.write(`isola-host: minified sandbox sources not used (~0.03 MB more per instance): ${min}\n`);
      web = inputs.web.map((w) => ({ filename: `isola:web/${w.name}`, code: ascii(compact(w.code)) }));
      bootstrap = { filename: 'isola:bootstrap.js', code: ascii(compact(inputs.bootstrap)) };
    } else {
      web = min.web.map((w) => ({ filename: `isola:web/${w.name}`, code: ascii(w.code) }));
      bootstrap = { filename: 'isola:bootstrap.js', code: ascii(min.bootstrap) };
    }
    const s = new SandboxSources(web, bootstrap);
    s.warm();
    // TODO(perf): the startup snapshot saves ~2 ms per cold start, but on Node 20 / isolated-vm 5.0.4
    // functions compiled lazily after deserialisation lose closure variables of the web files
    // ("B is not defined" in new Response()): opt-in only until that is understood.
    if (process.env.ISOLA_SNAPSHOT === '1') s.makeSnapshot();
    return s;
  }

  /**
   * Builds the startup snapshot (opt-in, see load()): about 2 ms less per cold
   * start than running the files from code caches. The bootstrap function is parked on a global
   * that install() takes and deletes before any tenant code runs.
   */
  private makeSnapshot(): void {
    try {
      const snap = ivm.Isolate.createSnapshot([
        ...this.web.map((w) => ({ code: w.code, filename: w.filename })),
        { code: `globalThis.${BOOT_GLOBAL} = ${this.bootstrap.code};`, filename: this.bootstrap.filename },
      ]);
      // Check it restores before trusting it.
      const iso = new ivm.Isolate({ memoryLimit: 32, snapshot: snap });
      try {
        const ctx = iso.createContextSync();
        if (ctx.evalSync(`typeof globalThis.${BOOT_GLOBAL}`) !== 'function') throw new Error('bootstrap missing from the snapshot');
      } finally { iso.dispose(); }
      this.snapshot = snap;
    } catch (e) {
      process.stderr.write(`isola-host: startup snapshot unavailable, using code caches: ${(e as Error).message}\n`);
      this.snapshot = null;
    }
  }

  /** Options for a new isolate (adds the snapshot when there is one). */
  isolateOptions(memoryLimitMb: number, onCatastrophicError: (m: string) => void): ivm.IsolateOptions {
    const o: ivm.IsolateOptions = { memoryLimit: memoryLimitMb, onCatastrophicError };
    if (this.snapshot) o.snapshot = this.snapshot;
    return o;
  }

  /**
   * Checks each web file on its own (a broken one is skipped and reported),
   * then joins the good ones into one script — one compile and one code cache
   * instead of one per file saves about 1.3 ms per cold start.
   */
  private warm(): void {
    const iso = new ivm.Isolate({ memoryLimit: 64 });
    const good: Source[] = [];
    try {
      const ctx = iso.createContextSync();
      for (const src of this.web) {
        try {
          const script = iso.compileScriptSync(src.code, { filename: src.filename });
          script.runSync(ctx, { timeout: 2000 });
          script.release();
          good.push(src);
        } catch (e) {
          process.stderr.write(`isola-host: sandbox file ${src.filename} failed to load, skipped: ${(e as Error).message}\n`);
        }
      }
    } finally {
      iso.dispose();
    }
    this.web.length = 0;
    if (good.length) this.web.push({ filename: 'isola:web.js', code: ascii(BRIDGE_PRELUDE + good.map((g) => `${g.code}\n;`).join('\n')) });
    this.makeCaches(true);
    if (this.web[0]) {
      this.sharedWeb = sharedSource(this.web[0]);
      this.plainCacheMade = makePlainCache(this.web[0]);
    }
  }

  /**
   * Produces the code caches in a scratch isolate. With `primed`, the request
   * path runs there first (primer.ts) and the caches are made from the
   * scripts as V8 holds them afterwards, functions compiled on that path
   * included: a new isolate's first request then compiles none of that code.
   * When the primer fails the caches are made without it (slower first
   * requests, nothing else changes) and stderr says why.
   */
  private makeCaches(primed: boolean): void {
    const iso = new ivm.Isolate({ memoryLimit: 64 });
    try {
      const web = this.web[0] ? iso.compileScriptSync(this.web[0].code, { filename: this.web[0].filename }) : null;
      const boot = iso.compileScriptSync(this.bootstrap.code, { filename: this.bootstrap.filename });
      if (primed) {
        try {
          primeRequestPath(iso, web, boot);
        } catch (e) {
          process.stderr.write(`isola-host: the request path primer failed, code caches made without it: ${(e as Error).message}\n`);
          iso.dispose();
          this.makeCaches(false);
          return;
        }
      }
      // Same source and origin in the same isolate: V8 hands back the script compiled above (its
      // compilation cache), with what the primer compiled since; web and boot stay alive until then.
      for (const src of [...this.web, this.bootstrap]) {
        const script = iso.compileScriptSync(src.code, { filename: src.filename, produceCachedData: true });
        const cached = (script as unknown as { cachedData?: ivm.ExternalCopy<ArrayBuffer> }).cachedData;
        if (cached) src.cache = cached;
        script.release();
      }
      web?.release();
      boot.release();
    } finally {
      if (!iso.isDisposed) iso.dispose();
    }
  }

  /**
   * What a spare runs (off the request path): install() with isolated-vm's async calls (its thread
   * pool, not the host's event loop), except that an event isolate evaluates the host's shared
   * copy of the web script (sharedSource()) instead of compiling its own from the code cache:
   * ~0.16 MB less per isolate than from the primed caches (bench/isolate-memory.js), ~6–8 ms more
   * of a thread-pool thread to prepare the spare, and none of the web
   * code the primer compiled, which an event function does not run (it compiles what it uses on
   * first use, as it would from a plain cache). The bootstrap comes from its primed cache for
   * both (it is small, and its hand-over and init code is what every cold start runs).
   */
  async installAsync(isolate: ivm.Isolate, context: ivm.Context, use: IsolateUse): Promise<ivm.Reference<unknown>> {
    if (this.snapshot) return this.install(isolate, context, use);
    if (use === 'event' && this.sharedWeb !== null) {
      await context.evalClosure(EVAL_SHARED, [this.sharedWeb.copyInto()], { timeout: 2000 });
      await context.eval(COMPILE_BRIDGE_SETTERS, { timeout: 2000 });
    } else {
      for (const src of this.web) {
        const script = await isolate.compileScript(src.code, { filename: src.filename, cachedData: src.cache });
        try { await script.run(context, { timeout: 2000 }); } finally { script.release(); }
      }
    }
    const boot = await isolate.compileScript(this.bootstrap.code, { filename: this.bootstrap.filename, cachedData: this.bootstrap.cache });
    const ref = (await boot.run(context, { reference: true, timeout: 2000 })) as ivm.Reference<unknown>;
    boot.release();
    return ref;
  }

  /**
   * Runs the web files in `context`; returns a reference to the bootstrap function. Used when no
   * spare is ready (on the request path: the code caches are the fastest start); an event
   * isolate's web script starts from its plain cache (Source.plainCache).
   */
  install(isolate: ivm.Isolate, context: ivm.Context, use: IsolateUse): ivm.Reference<unknown> {
    if (this.snapshot) {
      const ref = context.global.getSync(BOOT_GLOBAL, { reference: true }) as ivm.Reference<unknown>;
      context.global.deleteSync(BOOT_GLOBAL);
      return ref;
    }
    for (const src of this.web) {
      const script = isolate.compileScriptSync(src.code, { filename: src.filename, cachedData: (use === 'event' && src.plainCache) || src.cache });
      try { script.runSync(context, { timeout: 2000 }); } catch (e) {
        if (isolate.isDisposed) throw e;
        // A broken web file must not take every function down: skip it (logged once per host by warm()).
      } finally { script.release(); }
    }
    const boot = isolate.compileScriptSync(this.bootstrap.code, { filename: this.bootstrap.filename, cachedData: this.bootstrap.cache });
    const ref = boot.runSync(context, { reference: true, timeout: 2000 }) as ivm.Reference<unknown>;
    boot.release();
    return ref;
  }
}
