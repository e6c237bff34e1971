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
 * What an isolate is prepared for, which decides the code caches it starts from: a web function's
 * (its first request runs the Request/Headers/Response path, compiled ahead by the primer) or an
 * event function's (plain caches: it never runs that path, and an isolate started from the primed
 * caches holds that compiled code all the same, ~0.09 MB per idle instance; runtime/README.md,
 * "Idle instance memory").
 */
export type IsolateUse = 'web' | 'event';

/** The use of a function's isolates: web for HTTP functions (WebSocket ones included), event for the others. */
export function isolateUse(type: 'Event' | 'HTTP'): IsolateUse {
  return type === 'HTTP' ? 'web' : 'event';
}

/**
 * Evaluates its argument, one of the host's shared source copies, as a global script: indirect
 * eval keeps the string it is given as the script's source, so every isolate refers to the one
 * copy. The web files and the bootstrap declare nothing at their top level (each web file is an
 * IIFE, the bootstrap a function expression), so eval code behaves as the scripts do.
 */
const EVAL_SHARED = '(0, eval)($0)';

/**
 * One copy of a source that isolates can share. isolated-vm copies the source of every script it
 * compiles (compileScript: ~222 KB per isolate), but a string copied in from an ExternalCopy of
 * 1 KB or more becomes a V8 external string over the copy's bytes, shared by every isolate. The
 * sourceURL names the script in stack traces as compileScript's filename did.
 */
function sharedSource(src: Source): ivm.ExternalCopy<string> {
  return new ivm.ExternalCopy(ascii(`${src.code}\n//# sourceURL=${src.filename}\n`));
}

interface Source { filename: string; code: string; caches: Partial<Record<IsolateUse, ivm.ExternalCopy<ArrayBuffer>>> }

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
  /**
   * The web script and the bootstrap as one copy each held by the host, which every event spare
   * evaluates (installAsync): see sharedSource().
   */
  private shared: ivm.ExternalCopy<string>[] = [];

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
      web = inputs.web.map((w) => ({ filename: `isola:web/${w.name}`, code: ascii(compact(w.code)), caches: {} }));
      bootstrap = { filename: 'isola:bootstrap.js', code: ascii(compact(inputs.bootstrap)), caches: {} };
    } else {
      web = min.web.map((w) => ({ filename: `isola:web/${w.name}`, code: ascii(w.code), caches: {} }));
      bootstrap = { filename: 'isola:bootstrap.js', code: ascii(min.bootstrap), caches: {} };
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
    if (good.length) this.web.push({ filename: 'isola:web.js', code: ascii(BRIDGE_PRELUDE + good.map((g) => `${g.code}\n;`).join('\n')), caches: {} });
    this.makeCaches('web', true);
    this.makeCaches('event', false);
    this.shared = [...this.web, this.bootstrap].map(sharedSource);
  }

  /**
   * Produces the code caches for `use` in a scratch isolate. With `primed`, the request
   * path runs there first (primer.ts) and the caches are made from the
   * scripts as V8 holds them afterwards, functions compiled on that path
   * included: a new isolate's first request then compiles none of that code.
   * When the primer fails the caches are made without it (slower first
   * requests, nothing else changes) and stderr says why.
   */
  private makeCaches(use: IsolateUse, primed: boolean): void {
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
          this.makeCaches(use, false);
          return;
        }
      }
      // Same source and origin in the same isolate: V8 hands back the script compiled above (its
      // compilation cache), with what the primer compiled since; web and boot stay alive until then.
      for (const src of [...this.web, this.bootstrap]) {
        const script = iso.compileScriptSync(src.code, { filename: src.filename, produceCachedData: true });
        const cached = (script as unknown as { cachedData?: ivm.ExternalCopy<ArrayBuffer> }).cachedData;
        if (cached) src.caches[use] = cached;
        script.release();
      }
      web?.release();
      boot.release();
    } finally {
      if (!iso.isDisposed) iso.dispose();
    }
  }

  /**
   * What a spare runs (off the request path), with isolated-vm's async calls (its thread pool, not
   * the host's event loop). A web isolate starts like install(); an event isolate evaluates the
   * host's shared copies of the sources instead (sharedSource(): ~0.13 MB less per idle instance,
   * ~8 ms more to prepare since no code cache applies, and an event function's first call
   * compiles what it runs either way; runtime/README.md, "Idle instance memory").
   */
  async installAsync(isolate: ivm.Isolate, context: ivm.Context, use: IsolateUse): Promise<ivm.Reference<unknown>> {
    if (this.snapshot) return this.install(isolate, context, use);
    if (use === 'event' && this.shared.length > 0) {
      const boot = this.shared[this.shared.length - 1]!;
      for (const src of this.shared.slice(0, -1)) await context.evalClosure(EVAL_SHARED, [src.copyInto()], { timeout: 2000 });
      return (await context.evalClosure(`return ${EVAL_SHARED}`, [boot.copyInto()], { result: { reference: true }, timeout: 2000 })) as ivm.Reference<unknown>;
    }
    for (const src of this.web) {
      const script = await isolate.compileScript(src.code, { filename: src.filename, cachedData: src.caches[use] });
      try { await script.run(context, { timeout: 2000 }); } finally { script.release(); }
    }
    const boot = await isolate.compileScript(this.bootstrap.code, { filename: this.bootstrap.filename, cachedData: this.bootstrap.caches[use] });
    const ref = (await boot.run(context, { reference: true, timeout: 2000 })) as ivm.Reference<unknown>;
    boot.release();
    return ref;
  }

  /**
   * Runs the web files in `context` from the code caches for `use`; returns a reference to the
   * bootstrap function. Used when no spare is ready (on the request path: code caches are the
   * fastest start, the isolate then holds its own copy of the sources).
   */
  install(isolate: ivm.Isolate, context: ivm.Context, use: IsolateUse): ivm.Reference<unknown> {
    if (this.snapshot) {
      const ref = context.global.getSync(BOOT_GLOBAL, { reference: true }) as ivm.Reference<unknown>;
      context.global.deleteSync(BOOT_GLOBAL);
      return ref;
    }
    for (const src of this.web) {
      const script = isolate.compileScriptSync(src.code, { filename: src.filename, cachedData: src.caches[use] });
      try { script.runSync(context, { timeout: 2000 }); } catch (e) {
        if (isolate.isDisposed) throw e;
        // A broken web file must not take every function down: skip it (logged once per host by warm()).
      } finally { script.release(); }
    }
    const boot = isolate.compileScriptSync(this.bootstrap.code, { filename: this.bootstrap.filename, cachedData: this.bootstrap.caches[use] });
    const ref = boot.runSync(context, { reference: true, timeout: 2000 }) as ivm.Reference<unknown>;
    boot.release();
    return ref;
  }
}
