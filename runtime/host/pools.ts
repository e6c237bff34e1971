/**
 * Pools inside one isolate host: per version key, the instances of that
 * version, a shared resolver (file/resolution cache of the read-only code
 * tree) and idle reclaim after keepAliveMs.
 */
import type { ColdStart, VersionSpec, ExecutorOutcome } from '../types';
import type { FromHost, HostConfig } from '../protocol';
import { failure } from '../protocol';
import { HttpExchange, type HttpHead } from './http-exchange';
import { Instance } from './instance';
import { Resolver } from './resolver';
import { nodeCompatEnabled } from './node-compat';
import type { Spares } from './spares';

interface Pool { spec: VersionSpec; resolver: Resolver; instances: Set<Instance>; idleTimers: Map<Instance, NodeJS.Timeout> }

export class Pools {
  private readonly pools = new Map<string, Pool>();
  private readonly byRequest = new Map<string, Instance>();
  private readonly canceled = new Set<string>();
  /** Requests waiting for an instance that were asked to stop gracefully: signalled once they run. */
  private readonly terminating = new Set<string>();
  /** Requests waiting for an instance (a cancel for one of them is remembered in `canceled`). */
  private readonly placing = new Set<string>();
  private readonly exchanges = new Map<string, HttpExchange>();
  private closing = false;

  constructor(private readonly config: HostConfig, private readonly spares: Spares, private readonly onChange: () => void,
    private readonly out: (m: FromHost) => void = () => undefined) {}

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
    let pool = this.pools.get(spec.key);
    if (!pool) {
      pool = { spec, resolver: new Resolver(spec.codeDir, spec.layerDirs ?? [], nodeCompatEnabled(spec.env)), instances: new Set(), idleTimers: new Map() };
      this.pools.set(spec.key, pool);
    }
    let inst: Instance | undefined;
    for (const i of pool.instances) if (i.available) { inst = i; break; }
    let cold: ColdStart | undefined;
    if (!inst) {
      const p = pool;
      inst = new Instance(spec, pool.resolver, {
        spares: this.spares,
        fetchPolicy: this.config.fetchPolicy,
        onStateChange: (i) => this.stateChanged(p, i),
        out: this.out,
      });
      pool.instances.add(inst);
      inst.starting = inst.start();
      inst.reserved++;
      const r = await inst.starting;
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

  /** A graceful stop of a running event invocation (nothing when it is not running here). */
  terminate(rid: string): void {
    const inst = this.byRequest.get(rid);
    if (inst) inst.terminate(rid);
    else if (this.placing.has(rid)) this.terminating.add(rid);
  }

  cancel(rid: string): void {
    const inst = this.byRequest.get(rid);
    if (inst) inst.cancel(rid);
    else if (this.placing.has(rid)) this.canceled.add(rid);
  }

  /** Per version key: instances busy and idle. */
  snapshot(): { pools: Record<string, { busy: number; idle: number }>; instances: number } {
    const pools: Record<string, { busy: number; idle: number }> = {};
    let instances = 0;
    for (const [key, p] of this.pools) {
      let busy = 0, idle = 0;
      for (const i of p.instances) { if (i.disposed) continue; if (i.active > 0) busy++; else idle++; }
      instances += busy + idle;
      pools[key] = { busy, idle };
    }
    return { pools, instances };
  }

  /** Stops taking work and waits (bounded) for in-flight invocations, then disposes everything. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    const until = Date.now() + graceMs;
    while (this.byRequest.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    for (const p of this.pools.values()) for (const i of p.instances) i.dispose('internal', 'isolate host is shutting down');
    this.spares.close();
  }

  private stateChanged(pool: Pool, inst: Instance): void {
    if (inst.disposed) {
      this.clearIdle(pool, inst);
      pool.instances.delete(inst);
      this.dropIfEmpty(pool);
    } else if (inst.active === 0 && !pool.idleTimers.has(inst)) {
      const t = setTimeout(() => {
        pool.idleTimers.delete(inst);
        if (inst.active === 0) inst.dispose('internal', 'instance reclaimed after idling');
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

  private dropIfEmpty(pool: Pool): void {
    if (pool.instances.size === 0 && this.pools.get(pool.spec.key) === pool) this.pools.delete(pool.spec.key);
  }
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
