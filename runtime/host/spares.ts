/**
 * Pre-warmed isolates: for the memory sizes and uses (web or event function,
 * sandbox.ts IsolateUse) used most recently, the host keeps a few isolates
 * with their context, Web globals and bootstrap script already loaded,
 * prepared off the request path with isolated-vm's async calls. A cold start
 * takes one (InitRuntime then only binds the capabilities to the instance and
 * hands the function's settings over: the bootstrap ran already); the spare
 * is replaced once the host is quiet (see REFILL_QUIET_MS). A spare never ran
 * tenant code; a web spare ran SPARE_WARM_UP (primer.ts) once its web script
 * was in. An event spare evaluates the host's shared copy of the web script
 * (sandbox.ts installAsync) and skips the warm-up: an event function never
 * runs the Request/Response path the warm-up and the primed web cache
 * prepare, and what they build stays in the isolate (runtime/README.md,
 * "Idle instance memory").
 */
import fs from 'node:fs';
import ivm from 'isolated-vm';
import { bootstrap, ScopeSlot } from './capabilities';
import type { EntryPoints } from './entry-points';
import type { IsolateUse, SandboxSources } from './sandbox';
import { SPARE_WARM_UP } from './primer';

/**
 * An isolate ready for an instance: web globals in, bootstrap run (its entry points `api`), its
 * capabilities bound to `slot`, which the instance that takes it binds itself to.
 */
export interface Prepared { isolate: ivm.Isolate; context: ivm.Context; api: EntryPoints; slot: ScopeSlot }

/** isolated-vm says the process is in a broken state: say why on stderr and die now (the parent restarts us). */
export function catastrophic(message: string): void {
  try { fs.writeSync(2, `isola-host catastrophic error: ${message}\n`); } catch { /* nothing left to do */ }
  process.kill(process.pid, 'SIGKILL');
}

/**
 * A refill waits until the host has run no call and heard no frame for this long (ms): making an
 * isolate holds the host's thread for 1–15 ms (and preparing it takes a core for a few more), and
 * a request arriving meanwhile waits that long — the one right after a cold start usually did. A
 * call running meanwhile would compete with it for the host's thread and the cores. Requests come
 * in bursts, so the refill goes into a gap.
 */
const REFILL_QUIET_MS = 3;
/** ...but waits at most this long (ms) in all, so spares come back under steady traffic too. */
const REFILL_MAX_WAIT_MS = 250;

/**
 * Runs SPARE_WARM_UP in a spare's context. A failure (web globals that did not load: the cold
 * start's dispatch reports that) only leaves the spare as it was, without the warm-up.
 */
async function warmUp(context: ivm.Context): Promise<void> {
  try { await context.eval(SPARE_WARM_UP, { timeout: 2000 }); } catch { /* see above */ }
}

/** Spares are kept per memory size and use: `${use}:${memoryMb}`. */
type SpareKey = `${IsolateUse}:${number}`;

export class Spares {
  private readonly bySize = new Map<SpareKey, Prepared[]>();
  /** When the host last heard from its parent or ran a call (performance.now()); see noteActivity. */
  private activeAt = 0;
  /** True while the host runs calls (set by busyWhen; default: never). */
  private busy: () => boolean = () => false;
  private readonly lastUse = new Map<SpareKey, number>();
  private readonly refilling = new Set<SpareKey>();
  private closed = false;

  /** `perSize` spares for each of the `maxSizes` most recently used pairs of memory size and use (0 disables). */
  constructor(private readonly sandbox: SandboxSources, private readonly perSize = 2, private readonly maxSizes = 4) {}

  /**
   * A prepared isolate with this memory limit for this use: a spare when one
   * is ready, else made now. Call replenish() once the cold start and its
   * first entry are over (refilling during them would compete for the CPU,
   * and making an isolate blocks the host's thread for 1–15 ms).
   */
  take(memoryMb: number, use: IsolateUse): Prepared {
    const key: SpareKey = `${use}:${memoryMb}`;
    this.lastUse.set(key, Date.now());
    const list = this.bySize.get(key);
    let p = list?.pop();
    while (p && p.isolate.isDisposed) p = list?.pop();
    if (p) return p;
    const isolate = new ivm.Isolate(this.sandbox.isolateOptions(memoryMb, catastrophic));
    try {
      const context = isolate.createContextSync();
      const slot = new ScopeSlot();
      return { isolate, context, api: bootstrap(this.sandbox.install(isolate, context, use), slot), slot };
    } catch (e) {
      isolate.dispose();
      throw e;
    }
  }

  /** The host received frames now (called per chunk read from the parent): a refill waits for a quiet moment. */
  noteActivity(): void {
    this.activeAt = performance.now();
  }

  /** `busy()`: the host runs calls now (a refill waits until it does not). */
  busyWhen(busy: () => boolean): void {
    this.busy = busy;
  }

  /**
   * Resolves once the host has been quiet (no call running, no frame heard) for REFILL_QUIET_MS,
   * or after REFILL_MAX_WAIT_MS. Now counts as activity: the answer of the entry that asked for
   * the refill is still to leave.
   */
  private async quiet(): Promise<void> {
    const until = performance.now() + REFILL_MAX_WAIT_MS;
    this.activeAt = Math.max(this.activeAt, performance.now());
    for (;;) {
      const now = performance.now();
      if (this.busy()) this.activeAt = now;
      const calm = now - this.activeAt;
      if (calm >= REFILL_QUIET_MS || now >= until) return;
      await new Promise((r) => setTimeout(r, Math.max(1, Math.min(REFILL_QUIET_MS - calm, until - now))).unref());
    }
  }

  /** Number of spare isolates held now. */
  get size(): number {
    let n = 0;
    for (const l of this.bySize.values()) n += l.length;
    return n;
  }

  close(): void {
    this.closed = true;
    for (const l of this.bySize.values()) for (const p of l) { try { p.isolate.dispose(); } catch { /* gone */ } }
    this.bySize.clear();
  }

  /** Tops the spares of this size and use up, off the request path. */
  replenish(memoryMb: number, use: IsolateUse): void {
    const key: SpareKey = `${use}:${memoryMb}`;
    if (this.perSize <= 0 || this.closed || this.refilling.has(key)) return;
    // Keep spares only for the most recently used sizes.
    if (this.lastUse.size > this.maxSizes) {
      const oldest = [...this.lastUse.entries()].sort((a, b) => a[1] - b[1])[0];
      if (oldest) {
        this.lastUse.delete(oldest[0]);
        for (const p of this.bySize.get(oldest[0]) ?? []) { try { p.isolate.dispose(); } catch { /* gone */ } }
        this.bySize.delete(oldest[0]);
      }
    }
    this.refilling.add(key);
    const run = async (): Promise<void> => {
      try {
        for (;;) {
          await this.quiet();
          if (this.closed || (this.bySize.get(key)?.length ?? 0) >= this.perSize || !this.lastUse.has(key)) break;
          const isolate = new ivm.Isolate(this.sandbox.isolateOptions(memoryMb, catastrophic));
          try {
            const context = await isolate.createContext();
            const boot = await this.sandbox.installAsync(isolate, context, use);
            if (use === 'web') await warmUp(context);
            // The bootstrap's run (~0.5 ms, a synchronous call) leaves the cold start with it.
            const slot = new ScopeSlot();
            const api = bootstrap(boot, slot);
            const list = this.bySize.get(key) ?? [];
            list.push({ isolate, context, api, slot });
            this.bySize.set(key, list);
          } catch {
            isolate.dispose();
            return;
          }
        }
      } finally {
        this.refilling.delete(key);
      }
    };
    void run();
  }
}
