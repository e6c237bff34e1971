/**
 * The cold start of an instance, in the three phases reported as
 * `outcome.coldStart`: PullCode (resolving and reading the entry file, timed by
 * the resolver), InitRuntime (a prepared isolate from the spares, bootstrapped
 * already, bound to the instance and given the function's settings) and InitFunction (the module's top
 * level, under the init timeout: CommonJS is loaded inside the isolate, an ES
 * module graph is compiled here on the host side and evaluated there).
 */
import { compatExportNames } from './node-compat';
import type ivm from 'isolated-vm';
import type { ColdStart, ExecutorOutcome } from '../types';
import { failure, userError } from '../protocol';
import { configure } from './capabilities';
import type { Instance } from './instance';
import type { Spares } from './spares';
import { isolateUse } from './sandbox';

export type StartResult = { error: ExecutorOutcome } | { cold: ColdStart };

/**
 * Starts `inst`: resolves to the phase timings, or to the failure outcome (its
 * logs are the top-level console lines, with request id ''). A failed start
 * disposes the instance.
 */
export async function coldStart(inst: Instance, spares: Spares): Promise<StartResult> {
  const spec = inst.spec;
  const resolver = inst.resolver;
  const t0 = performance.now();
  const fs0 = resolver.fsMs;
  const dot = spec.handler.lastIndexOf('.');
  const file = dot > 0 ? spec.handler.slice(0, dot) : spec.handler;
  const exportName = dot > 0 ? spec.handler.slice(dot + 1) : '';
  const entry = exportName ? resolver.entry(file) : null;
  if (entry === null) return { error: failure('handler_missing', exportName ? `module missing: ${file}` : `handler missing: ${spec.handler}`, inst.id) };
  if (entry.format === 'esm' || entry.format === 'cjs') resolver.source(entry.path);
  const pull1 = resolver.fsMs - fs0;

  const t1 = performance.now();
  const memoryMb = Math.max(8, Math.floor(spec.memoryMb));
  const use = isolateUse(spec.type);
  try {
    const prepared = spares.take(memoryMb, use);
    inst.isolate = prepared.isolate;
    inst.context = prepared.context;
    prepared.slot.bind(inst);
    inst.api = prepared.api;
    configure(prepared.api, spec);
  } catch (e) {
    inst.dispose();
    return { error: failure(inst.memoryKill ? 'oom' : 'internal', `runtime initialisation failed: ${(e as Error).message}`, inst.id) };
  }
  const t2 = performance.now();

  const fs1 = resolver.fsMs;
  let initErr: ExecutorOutcome | null = null;
  inst.initializing = true;
  const watchdog = setTimeout(() => {
    initErr = failure('timeout', `init time out (${spec.initTimeoutMs} ms)`, inst.id);
    inst.dispose();
  }, spec.initTimeoutMs);
  try {
    const label = `${file}.${exportName}`;
    let res: unknown;
    if (entry.format === 'esm') {
      res = await initEsm(inst, entry.path, exportName, label);
    } else {
      res = await inst.api.initCjs.apply(undefined, [entry.path, entry.format, exportName, label], { timeout: spec.initTimeoutMs });
    }
    inst.heap.sample(inst.isolate, inst.inflight);
    if (typeof res === 'string' && res !== '') {
      const r = JSON.parse(res) as { missing?: string; thrown?: { name: string; message: string; stack: string } };
      if (r.missing) initErr = failure('handler_missing', r.missing, inst.id);
      else if (r.thrown) initErr = userError(r.thrown, inst.id);
    }
  } catch (e) {
    initErr ??= inst.entryFailure(e, true);
  } finally {
    clearTimeout(watchdog);
    inst.initializing = false;
  }
  if (initErr) {
    spares.replenish(memoryMb, use);
    inst.dispose();
    const o: ExecutorOutcome = initErr;
    o.logs = inst.initLogs;
    return { error: o };
  }
  // Not now: making an isolate blocks the host's thread for 1–15 ms (new ivm.Isolate is synchronous), which
  // delayed the first response by as much; the instance refills once its first entry is over.
  inst.deferSpareRefill(memoryMb, use);
  const t3 = performance.now();
  const fsInit = resolver.fsMs - fs1;
  const cold: ColdStart = {
    pullCodeMs: round(pull1 + fsInit),
    initRuntimeMs: round(t2 - t1),
    initFunctionMs: round(Math.max(0, t3 - t2 - fsInit)),
    totalMs: round(t3 - t0),
  };
  return { cold };
}

/**
 * Sources up to this size are compiled with isolated-vm's synchronous calls: each asynchronous
 * call is a hop to the isolate's thread and back (tens to hundreds of µs on a loaded machine),
 * more than compiling a small module; a large one would hold the host's thread, so it goes async.
 */
const SYNC_COMPILE_MAX_CHARS = 64 * 1024;

/**
 * ESM entry: compile the graph on the host side, instantiate, evaluate, hand the namespace to the
 * bootstrap. The steps that run no tenant code on a fresh isolate (compiling small sources, linking
 * the graph compiled beforehand, the bootstrap's bookkeeping, the two globals) are synchronous
 * calls; the module's evaluation and the handler lookup (they run tenant code) stay asynchronous.
 * The graph is walked and compiled before instantiating (by each module's static import list), so
 * that a large source can compile asynchronously while the instantiation itself, which then only
 * looks modules up, is one synchronous call instead of a hop to the isolate's thread (~0.3 ms of
 * a cold start here).
 */
async function initEsm(inst: Instance, entryPath: string, exportName: string, label: string): Promise<unknown> {
  const isolate = inst.isolate;
  const resolver = inst.resolver;
  const initTimeoutMs = inst.spec.initTimeoutMs;
  const byPath = new Map<string, ivm.Module>();
  const pathOf = new Map<ivm.Module, string>();
  const compile = async (vpath: string, format: string): Promise<ivm.Module> => {
    const key = `${format}:${vpath}`;
    const hit = byPath.get(key);
    if (hit) return hit;
    let m: ivm.Module;
    if (format === 'esm') {
      const src = resolver.source(vpath);
      if (src === null) throw new Error(`Cannot find module '${vpath}'`);
      m = src.length <= SYNC_COMPILE_MAX_CHARS ? isolate.compileModuleSync(src, { filename: vpath }) : await isolate.compileModule(src, { filename: vpath });
    } else {
      // The Node.js compatibility modules also get the named exports Node gives them (`import { Buffer } from 'node:buffer'`).
      const named = compatExportNames(vpath);
      const body = named.length === 0
        ? `export default globalThis.__isola_cjs(${JSON.stringify(vpath)}, ${JSON.stringify(format)});`
        : `const m = globalThis.__isola_cjs(${JSON.stringify(vpath)}, ${JSON.stringify(format)}); export default m; export const { ${named.join(', ')} } = m;`;
      m = isolate.compileModuleSync(body, { filename: `${vpath}?commonjs` });
    }
    byPath.set(key, m);
    pathOf.set(m, vpath);
    return m;
  };
  // Each module's imports, resolved and compiled: specifier → module.
  const linked = new Map<ivm.Module, Map<string, ivm.Module>>();
  const link = async (m: ivm.Module): Promise<void> => {
    if (linked.has(m)) return;
    const deps = new Map<string, ivm.Module>();
    linked.set(m, deps);
    for (const specifier of m.dependencySpecifiers) {
      const r = resolver.resolve(pathOf.get(m) ?? null, specifier, 'import');
      if ('error' in r) throw new Error(r.error);
      const dep = await compile(r.path, r.format);
      deps.set(specifier, dep);
      await link(dep);
    }
  };
  const root = await compile(entryPath, 'esm');
  // The wrapper's body runs only once the whole graph, top-level await included, has evaluated:
  // it hands the namespace to the bootstrap, which signals the host ('init' done).
  const wrapper = isolate.compileModuleSync(`import * as ns from ${JSON.stringify(entryPath)};\nglobalThis.__isola_esm_ready(ns);`, { filename: 'isola:esm-entry' });
  try {
    await link(root);
    wrapper.instantiateSync(inst.context, (specifier, referrer) => {
      if (referrer === wrapper) return root;
      const dep = linked.get(referrer)?.get(specifier);
      if (dep === undefined) throw new Error(`Cannot find module '${specifier}'`);
      return dep;
    });
  } catch (e) {
    // A linking failure (a module not found, a name not exported) is the tenant's: its log gets
    // the message, not the host's stack frames (they would show the server's paths).
    // (isolated-vm's errors keep their stack however it is assigned, so a new error carries it.)
    const thrown = typeof e === 'object' && e !== null ? (e as Error) : null;
    const name = thrown ? String(thrown.name ?? 'Error') : 'Error';
    const message = thrown ? String(thrown.message) : String(e);
    const clean = new Error(message);
    clean.name = name;
    clean.stack = `${name}: ${message}`;
    throw clean;
  }
  const ready = new Promise<void>((resolve) => { inst.esmReady = resolve; });
  inst.api.beginInit.applySync(undefined, []);
  const g = inst.context.global;
  g.setSync('__isola_cjs', inst.api.cjsForEsm.derefInto());
  g.setSync('__isola_esm_ready', inst.api.esmReady.derefInto());
  try {
    await wrapper.evaluate({ timeout: initTimeoutMs });
    // Top-level await still pending (e.g. on a timer): wait; the init watchdog bounds this.
    await Promise.race([ready, new Promise((r) => setTimeout(r, initTimeoutMs + 100))]);
  } finally {
    inst.esmReady = null;
    if (!inst.isolate.isDisposed) {
      try {
        g.deleteSync('__isola_cjs');
        g.deleteSync('__isola_esm_ready');
      } catch { /* disposed meanwhile */ }
    }
  }
  return inst.api.initEsm.apply(undefined, [exportName, label], { timeout: initTimeoutMs });
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
