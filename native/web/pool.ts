/**
 * The instances of one web function version. A request takes a slot on a
 * live instance (starting or ready) with one free — the fullest first, so
 * traffic packs onto few instances and the rest can idle out — else a new
 * instance starts. `instanceConcurrency` slots per instance (1 = one request
 * at a time, up to 100). An instance with no request for the keep-alive is
 * reclaimed. A version whose instances keep failing to start is started
 * again only after the RestartPolicy back-off.
 *
 * Provisioned instances (`provision`): that many are started ahead of any
 * request, never reclaimed for idling (the reclaim skips an instance while
 * the pool is not above that count), and replaced when one dies.
 */
import type { ColdStart, InstanceCounts, ProvisionProgress, VersionSpec } from '../../executor';
import { RestartPolicy } from '../supervision';
import { ReclaimTimers } from '../process/reclaim';
import { WebInstance, type Failure, type WebInstanceDeps } from './instance';

/** Wait before starting a provisioned instance again after its start failed. */
const PROVISION_RETRY_MS = 2000;

export type Placement = { inst: WebInstance; coldStart?: ColdStart } | { failed: Failure; inst: WebInstance | null };

export class WebPool {
  readonly instances = new Set<WebInstance>();
  private readonly reclaimTimers = new ReclaimTimers<WebInstance>();
  private readonly crashes = new RestartPolicy({ windowMs: 5000, maxExits: 3, backoffMs: 500 });
  private startAfter = 0;
  private pinned = 0;
  private provisionError: string | null = null;
  private provisionRetry: NodeJS.Timeout | null = null;

  constructor(private readonly spec: VersionSpec, private readonly deps: WebInstanceDeps, private readonly keepAliveMs: number) {}

  /** A slot on a ready instance (the caller must `release` it), or why none could be had. */
  async acquire(): Promise<Placement> {
    let inst = this.withFreeSlot();
    let fresh = false;
    if (inst === null) {
      const wait = this.startAfter - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inst = this.withFreeSlot();
      if (inst === null) {
        inst = new WebInstance(this.spec, this.deps, (i) => this.gone(i));
        this.instances.add(inst);
        fresh = true;
      }
    }
    inst.reserved++;
    this.reclaimTimers.disarm(inst);
    const started = await inst.started;
    if ('failed' in started) {
      inst.reserved--;
      // A start that failed before its first await reported itself dead before it was added.
      this.gone(inst);
      if (fresh) this.crashed();
      return { failed: started.failed, inst };
    }
    if (inst.state !== 'ready') {
      inst.reserved--;
      return { failed: inst.exited ?? { kind: 'internal', errorMessage: 'the instance was stopped' }, inst };
    }
    return fresh ? { inst, coldStart: started.coldStart } : { inst };
  }

  /** The request on `inst` ended; `crashed` = the process died under it. */
  release(inst: WebInstance, crashed: boolean): void {
    inst.reserved--;
    inst.lastUsed = Date.now();
    if (crashed) this.crashed();
    this.armReclaim(inst);
  }

  /** Keeps `count` provisioned instances (0 = none); the missing ones start now. */
  provision(count: number): void {
    this.pinned = Math.max(0, Math.floor(count));
    if (this.pinned === 0) {
      this.provisionError = null;
      if (this.provisionRetry !== null) { clearTimeout(this.provisionRetry); this.provisionRetry = null; }
      return;
    }
    this.topUp();
  }

  provisioned(): ProvisionProgress {
    let ready = 0;
    for (const i of this.instances) if (i.state === 'ready') ready++;
    return { target: this.pinned, ready: Math.min(ready, this.pinned), error: ready >= this.pinned ? null : this.provisionError };
  }

  /** An instance with no request: reclaimed after the keep-alive, unless the pool would fall below its provisioned count. */
  private armReclaim(inst: WebInstance): void {
    if (inst.reserved > 0 || inst.state !== 'ready') return;
    this.reclaimTimers.arm(inst, this.keepAliveMs, () => {
      if (inst.reserved !== 0) return;
      if (this.instances.size <= this.pinned) { this.armReclaim(inst); return; }
      void inst.dispose();
    });
  }

  /** Starts provisioned instances, without a request waiting, until there are `pinned`. */
  private topUp(): void {
    for (let missing = this.pinned - this.instances.size; missing > 0; missing--) {
      const inst = new WebInstance(this.spec, this.deps, (i) => this.gone(i));
      this.instances.add(inst);
      void inst.started.then((started) => {
        if ('coldStart' in started) {
          if (this.instances.size >= this.pinned) this.provisionError = null;
          this.armReclaim(inst);
          return;
        }
        this.gone(inst);
        this.crashed();
        this.provisionError = started.failed.errorMessage;
        // A failed start waits the longer back-off (gone() may have asked for an immediate replacement).
        if (this.provisionRetry !== null) { clearTimeout(this.provisionRetry); this.provisionRetry = null; }
        this.scheduleTopUp(Math.max(PROVISION_RETRY_MS, this.startAfter - Date.now()));
      });
    }
  }

  private scheduleTopUp(delayMs: number): void {
    if (this.provisionRetry !== null || this.pinned === 0) return;
    this.provisionRetry = setTimeout(() => { this.provisionRetry = null; this.topUp(); }, delayMs);
    this.provisionRetry.unref();
  }

  counts(): InstanceCounts {
    let busy = 0;
    let idle = 0;
    for (const i of this.instances) {
      if (i.reserved > 0) busy++;
      else idle++;
    }
    return { busy, idle };
  }

  /** Ends every request in flight as `internal` and kills every instance now. */
  killAll(message: string): void {
    this.provision(0);
    for (const i of [...this.instances]) i.abort('internal', message);
  }

  async stopAll(killAfterMs: number): Promise<void> {
    this.provision(0);
    await Promise.all([...this.instances].map((i) => i.dispose(killAfterMs)));
  }

  private withFreeSlot(): WebInstance | null {
    let best: WebInstance | null = null;
    for (const i of this.instances) {
      if (i.state === 'dead' || i.reserved >= this.spec.instanceConcurrency) continue;
      if (best === null || i.reserved > best.reserved) best = i;
    }
    return best;
  }

  private crashed(): void {
    const delay = this.crashes.exited();
    if (delay > 0) this.startAfter = Date.now() + delay;
  }

  private gone(inst: WebInstance): void {
    this.instances.delete(inst);
    this.reclaimTimers.disarm(inst);
    // A provisioned instance that died is replaced (after the crash back-off when it keeps dying).
    if (this.instances.size < this.pinned) this.scheduleTopUp(Math.max(0, this.startAfter - Date.now()));
  }
}
