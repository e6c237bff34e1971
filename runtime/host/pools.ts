/**
 * Pools inside one isolate host: per version key, the instances of that
 * version, a shared resolver (file/resolution cache of the read-only code
 * tree) and idle reclaim after keepAliveMs — except for the provisioned
 * instances of a version (`provision`): that many are started ahead of any
 * call, kept however long they idle, and replaced when they die.
 */
import type { ColdStart, VersionSpec, ExecutorOutcome } from '../types';
import type { FromHost, HostConfig, PoolSnapshot } from '../protocol';
import { failure } from '../protocol';
import { IdTable } from '../id-table';
import { HttpExchange, type HttpHead } from './http-exchange';
import { Instance } from './instance';
import { Resolver } from './resolver';
import { nodeCompatEnabled } from './node-compat';
import type { Spares } from './spares';

interface Pool {
  spec: VersionSpec;
  resolver: Resolver;
  instances: Set<Instance>;
  idleTimers: Map<Instance, NodeJS.Timeout>;
  /** Provisioned instances to keep (0 = none: every instance is reclaimed after idling). */
  pinned: number;
  /** The last failed start of a provisioned instance, until they are all up again. */
  provisionError: string | null;
  /** A provisioned start waiting out its back-off after a failure. */
  provisionRetry: NodeJS.Timeout | null;
  /** The parent's answer to a scale-out token request under way (growOrWait), else null. */
  growing: Promise<boolean> | null;
}


/** Wait before starting a provisioned instance again after its start failed. */
const PROVISION_RETRY_MS = 2000;

export class Pools {
  private readonly pools = new Map<string, Pool>();
  private readonly byRequest = new IdTable<Instance>();
  private readonly canceled = new Set<string>();
  /** Requests waiting for an instance that were asked to stop gracefully: signalled once they run. */
  private readonly terminating = new Set<string>();
  /** Requests waiting for an instance (a cancel for one of them is remembered in `canceled`). */
  private readonly placing = new Set<string>();
  private readonly exchanges = new IdTable<HttpExchange>();
  private closing = false;

  /**
   * `grow(rid)`: asks the parent for a scale-out token for an instance added under dynamic
   * concurrency (the call `rid` waits for the answer); default: always granted.
   */
  constructor(private readonly config: HostConfig, private readonly spares: Spares, private readonly onChange: () => void,
    private readonly out: (m: FromHost) => void = () => undefined,
    private readonly grow: (rid: string) => Promise<boolean> = () => Promise.resolve(true)) {}

  /** Runs one event invocation: a warm instance with a free slot, else a cold start. */
  invoke(rid: string, spec: VersionSpec, event: string): Promise<ExecutorOutcome> {
    return this.place(rid, spec, (inst, cold) => inst.run(rid, event, cold));
  }

  /**
   * Runs one HTTP invocation; its response goes out as `hstart`/`hchunk` frames, then its outcome
   * as `result` — or, when the response was complete in one piece and the call ended ok, both in
   * one `hfinal` frame.
   */
  async invokeHttp(rid: string, spec: VersionSpec, head: HttpHead): Promise<void> {
    const ex = new HttpExchange(rid, head, this.out);
    this.exchanges.set(rid, ex);
    let outcome: ExecutorOutcome;
    try {
      outcome = await this.place(rid, spec, (inst, cold) => inst.runHttp(rid, ex, cold));
    } catch (e) {
      outcome = failure('internal', `isolate host fault: ${(e as Error).message}`);
    } finally {
      this.exchanges.delete(rid);
      ex.detach();
    }
    const fin = ex.takeFinal();
    if (fin !== null && outcome.kind === 'ok') { this.out({ t: 'hfinal', id: rid, s: fin.s, h: fin.h, b: fin.b, outcome }); return; }
    if (fin !== null) this.out({ t: 'hstart', id: rid, s: fin.s, h: fin.h, b: fin.b, e: true });
    this.out({ t: 'result', id: rid, outcome });
  }

  /** `hbody` / `hack` frames of an HTTP invocation. */
  httpBody(rid: string, c: Uint8Array | null, end: boolean): void { this.exchanges.get(rid)?.onBody(c, end); }
  httpAck(rid: string, n: number): void { this.exchanges.get(rid)?.onAck(n); }
  /** The exchange of an HTTP invocation in flight (WebSocket frames). */
  exchange(rid: string): HttpExchange | undefined { return this.exchanges.get(rid); }

  private async place(rid: string, spec: VersionSpec, go: (inst: Instance, cold: ColdStart | undefined) => Promise<ExecutorOutcome>): Promise<ExecutorOutcome> {
    this.placing.add(rid);
    try {
      return await this.placeAndRun(rid, spec, go);
    } finally {
      this.placing.delete(rid);
      this.canceled.delete(rid);
      this.terminating.delete(rid);
    }
  }

  private async placeAndRun(rid: string, spec: VersionSpec, go: (inst: Instance, cold: ColdStart | undefined) => Promise<ExecutorOutcome>): Promise<ExecutorOutcome> {
    const bad = checkSpec(spec);
    if (bad) return failure('internal', `invalid function spec: ${bad}`);
    if (this.closing) return failure('internal', 'isolate host is shutting down');
    const pool = this.poolOf(spec);
    let inst = firstAvailable(pool);
    let fresh = false;
    if (!inst) {
      // Every instance behind (dynamic concurrency) but with free slots: another one spends a scale-out token.
      const placed = leastBusy(pool) !== undefined ? await this.growOrWait(rid, pool) : { inst: this.startNew(pool), fresh: true };
      inst = placed.inst;
      fresh = placed.fresh;
      // growOrWait held a slot of the instance it chose across its await; the steps below take their own.
      if (!fresh) inst.reserved--;
    }
    let cold: ColdStart | undefined;
    if (fresh) {
      const r = await inst.starting!;
      inst.reserved--;
      inst.starting = null;
      if ('error' in r) {
        pool.instances.delete(inst);
        this.dropIfEmpty(pool);
        this.onChange();
        return { ...r.error, logs: r.error.logs.map((l) => ({ ...l, requestId: rid })) };
      }
      cold = r.cold;
    } else if (inst.starting) {
      // Share a cold start already under way (its instance has a free slot for us).
      inst.reserved++;
      const r = await inst.starting;
      inst.reserved--;
      if ('error' in r) return { ...r.error, logs: [] };
    }
    if (this.canceled.delete(rid)) { this.stateChanged(pool, inst); return failure('canceled', 'request canceled', inst.id); }
    if (inst.disposed) return this.placeAndRun(rid, spec, go);
    this.clearIdle(pool, inst);
    this.byRequest.set(rid, inst);
    try {
      const running = go(inst, cold);
      // Queued after the dispatch entry, so the handler's context exists when it arrives.
      if (this.terminating.delete(rid)) inst.terminate(rid);
      return await running;
    } finally {
      this.byRequest.delete(rid);
    }
  }

  /** A new instance of the pool, its cold start under way and one slot reserved for the caller. */
  private startNew(pool: Pool): Instance {
    const inst = this.newInstance(pool);
    inst.starting = inst.start();
    inst.reserved++;
    return inst;
  }

  /**
   * Dynamic concurrency, every instance of `pool` behind: asks the parent for a scale-out token
   * (one request at a time per pool; the calls arriving meanwhile wait for its answer and look
   * again, finding the new instance). Granted: a new instance. Refused: the call waits on the
   * least busy instance, which has a free slot — the spec's burst limit caps new instances, and
   * this call needs none. The new instance is created in the same microtask as the answer, so the
   * calls waiting see it. The instance returned has a slot reserved for the caller.
   */
  private async growOrWait(rid: string, pool: Pool): Promise<{ inst: Instance; fresh: boolean }> {
    for (;;) {
      if (pool.growing === null) break;
      await pool.growing;
      const ready = firstAvailable(pool);
      if (ready) { ready.reserved++; return { inst: ready, fresh: false }; }
      if (leastBusy(pool) === undefined) return { inst: this.startNew(pool), fresh: true };
    }
    const growing = this.grow(rid);
    pool.growing = growing;
    const ok = await growing;
    pool.growing = null;
    if (ok) return { inst: this.startNew(pool), fresh: true };
    const inst = firstAvailable(pool) ?? leastBusy(pool);
    if (inst === undefined) return { inst: this.startNew(pool), fresh: true };
    inst.reserved++;
    return { inst, fresh: false };
  }

  /** Calls placed or running on this host now. */
  get busy(): boolean {
    return this.byRequest.size > 0 || this.placing.size > 0;
  }

  /** A graceful stop of a running event invocation (nothing when it is not running here). */
  terminate(rid: string): void {
    const inst = this.byRequest.get(rid);
    if (inst) inst.terminate(rid);
    else if (this.placing.has(rid)) this.terminating.add(rid);
  }

  /**
   * Keeps `count` provisioned instances of `spec` (see the file comment):
   * starts the missing ones now; `count` 0 lets the idle reclaim take them.
   */
  provision(spec: VersionSpec, count: number): void {
    const bad = checkSpec(spec);
    if (bad || this.closing) return;
    const pool = this.poolOf(spec);
    pool.pinned = Math.max(0, Math.floor(count));
    if (pool.pinned === 0) {
      pool.provisionError = null;
      if (pool.provisionRetry) { clearTimeout(pool.provisionRetry); pool.provisionRetry = null; }
      // The ones kept past their idle time go back to the usual reclaim.
      for (const i of pool.instances) if (i.active === 0 && !pool.idleTimers.has(i)) this.stateChanged(pool, i);
      this.dropIfEmpty(pool);
    }
    this.topUp(pool);
    this.onChange();
  }

  cancel(rid: string): void {
    const inst = this.byRequest.get(rid);
    if (inst) inst.cancel(rid);
    else if (this.placing.has(rid)) this.canceled.add(rid);
  }

  /** Per version key: instances busy and idle. */
  snapshot(): { pools: Record<string, PoolSnapshot>; instances: number } {
    const pools: Record<string, PoolSnapshot> = {};
    let instances = 0;
    for (const [key, p] of this.pools) {
      let busy = 0, idle = 0, ready = 0;
      for (const i of p.instances) {
        if (i.disposed) continue;
        if (i.active > 0) busy++; else idle++;
        if (i.starting === null) ready++;
      }
      instances += busy + idle;
      pools[key] = p.pinned > 0 ? { busy, idle, pinned: p.pinned, ready: Math.min(ready, p.pinned), error: p.provisionError } : { busy, idle };
    }
    return { pools, instances };
  }

  /** Stops taking work and waits (bounded) for in-flight invocations, then disposes everything. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    for (const p of this.pools.values()) if (p.provisionRetry) clearTimeout(p.provisionRetry);
    const until = Date.now() + graceMs;
    while (this.byRequest.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    for (const p of this.pools.values()) for (const i of p.instances) i.dispose('internal', 'isolate host is shutting down');
    this.spares.close();
  }

  private stateChanged(pool: Pool, inst: Instance): void {
    if (inst.disposed) {
      this.clearIdle(pool, inst);
      pool.instances.delete(inst);
      // A provisioned instance that died (timeout, memory, a failed start) is replaced.
      this.topUp(pool);
      this.dropIfEmpty(pool);
    } else if (inst.active === 0 && !pool.idleTimers.has(inst)) {
      const t = setTimeout(() => {
        pool.idleTimers.delete(inst);
        if (inst.active !== 0) return;
        // Provisioned instances are never reclaimed for idling: while the pool is not above its pinned count, this one stays (checked again later).
        if (this.liveCount(pool) <= pool.pinned) { this.stateChanged(pool, inst); return; }
        inst.dispose('internal', 'instance reclaimed after idling');
      }, this.config.keepAliveMs);
      t.unref();
      pool.idleTimers.set(inst, t);
    } else if (inst.active > 0) {
      this.clearIdle(pool, inst);
    }
    this.onChange();
  }

  private clearIdle(pool: Pool, inst: Instance): void {
    const t = pool.idleTimers.get(inst);
    if (t) { clearTimeout(t); pool.idleTimers.delete(inst); }
  }

  private poolOf(spec: VersionSpec): Pool {
    let pool = this.pools.get(spec.key);
    if (!pool) {
      pool = {
        spec, resolver: new Resolver(spec.codeDir, spec.layerDirs ?? [], nodeCompatEnabled(spec.env)), instances: new Set(), idleTimers: new Map(),
        pinned: 0, provisionError: null, provisionRetry: null, growing: null,
      };
      this.pools.set(spec.key, pool);
    }
    return pool;
  }

  private newInstance(pool: Pool): Instance {
    const inst = new Instance(pool.spec, pool.resolver, {
      spares: this.spares,
      fetchPolicy: this.config.fetchPolicy,
      onStateChange: (i) => this.stateChanged(pool, i),
      out: this.out,
    });
    pool.instances.add(inst);
    return inst;
  }

  /** Instances of the pool that are not disposed (starting, idle or busy). */
  private liveCount(pool: Pool): number {
    let n = 0;
    for (const i of pool.instances) if (!i.disposed) n++;
    return n;
  }

  /** Starts provisioned instances until the pool has its pinned count (no call waits for them). */
  private topUp(pool: Pool): void {
    if (this.closing || pool.provisionRetry !== null) return;
    for (let missing = pool.pinned - this.liveCount(pool); missing > 0; missing--) {
      const inst = this.newInstance(pool);
      inst.starting = inst.start();
      void inst.starting.then((r) => {
        inst.starting = null;
        if ('error' in r) {
          pool.instances.delete(inst);
          pool.provisionError = r.error.errorMessage ?? r.error.kind;
          // A start that failed is retried after a back-off, so a function that cannot start does not spin the host.
          if (pool.provisionRetry === null && !this.closing) {
            pool.provisionRetry = setTimeout(() => { pool.provisionRetry = null; this.topUp(pool); }, PROVISION_RETRY_MS);
            pool.provisionRetry.unref();
          }
          this.dropIfEmpty(pool);
          this.onChange();
          return;
        }
        if (this.liveCount(pool) >= pool.pinned) pool.provisionError = null;
        this.stateChanged(pool, inst);
      });
    }
  }

  private dropIfEmpty(pool: Pool): void {
    if (pool.pinned === 0 && pool.instances.size === 0 && this.pools.get(pool.spec.key) === pool) this.pools.delete(pool.spec.key);
  }
}

/** The first instance of `pool` that takes a call now. */
function firstAvailable(pool: Pool): Instance | undefined {
  for (const i of pool.instances) if (i.available) return i;
  return undefined;
}

/** The live instance of `pool` with the fewest calls that still has a free slot (behind or not), if any. */
function leastBusy(pool: Pool): Instance | undefined {
  let best: Instance | undefined;
  for (const i of pool.instances) {
    if (i.retired || i.disposed || i.active + i.reserved >= i.slots) continue;
    if (best === undefined || i.active + i.reserved < best.active + best.reserved) best = i;
  }
  return best;
}

function checkSpec(s: VersionSpec): string | null {
  if (typeof s.key !== 'string' || s.key === '') return 'key';
  if (typeof s.codeDir !== 'string' || !s.codeDir.startsWith('/')) return 'codeDir must be an absolute path';
  if (!Array.isArray(s.layerDirs ?? []) || !(s.layerDirs ?? []).every((d) => typeof d === 'string' && d.startsWith('/'))) return 'layerDirs';
  if (typeof s.handler !== 'string' || s.handler === '') return 'handler';
  for (const k of ['memoryMb', 'timeoutMs', 'initTimeoutMs'] as const) if (typeof s[k] !== 'number' || !(s[k] > 0)) return k;
  if (typeof s.env !== 'object' || s.env === null) return 'env';
  return null;
}
