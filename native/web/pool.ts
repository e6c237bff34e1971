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
import { Provisioning } from '../process/provisioning';
import { CrashBackoff, ReclaimTimers } from '../process/reclaim';
import { WebInstance, type Failure, type WebInstanceDeps } from './instance';

export type Placement = { inst: WebInstance; coldStart?: ColdStart } | { failed: Failure; inst: WebInstance | null };

export class WebPool {
  readonly instances = new Set<WebInstance>();
  private readonly reclaimTimers = new ReclaimTimers<WebInstance>();
  private readonly backoff = new CrashBackoff();
  private readonly provisioning = new Provisioning({
    size: () => this.instances.size,
    backoffUntil: () => this.backoff.startAfter,
    startOne: async () => {
      const inst = new WebInstance(this.spec, this.deps, (i) => this.gone(i));
      this.instances.add(inst);
      const started = await inst.started;
      if ('coldStart' in started) {
        this.armReclaim(inst);
        return null;
      }
      // A start that failed before its first await reported itself dead before it was added.
      this.gone(inst);
      this.backoff.crashed();
      return started.failed.errorMessage;
    },
  });

  constructor(private readonly spec: VersionSpec, private readonly deps: WebInstanceDeps, private readonly keepAliveMs: number) {}

  /** A slot on a ready instance (the caller must `release` it), or why none could be had. */
  async acquire(): Promise<Placement> {
    let inst = this.withFreeSlot();
    let fresh = false;
    if (inst === null) {
      await this.backoff.wait();
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
      if (fresh) this.backoff.crashed();
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
    if (crashed) this.backoff.crashed();
    this.armReclaim(inst);
  }

  /** Keeps `count` provisioned instances (0 = none); the missing ones start now. */
  provision(count: number): void {
    this.provisioning.set(count);
  }

  provisioned(): ProvisionProgress {
    let ready = 0;
    for (const i of this.instances) if (i.state === 'ready') ready++;
    return this.provisioning.progress(ready);
  }

  /** An instance with no request: reclaimed after the keep-alive, unless the pool would fall below its provisioned count. */
  private armReclaim(inst: WebInstance): void {
    if (inst.reserved > 0 || inst.state !== 'ready') return;
    this.reclaimTimers.arm(inst, this.keepAliveMs, () => {
      if (inst.reserved !== 0) return;
      if (this.instances.size <= this.provisioning.target) { this.armReclaim(inst); return; }
      void inst.dispose();
    });
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

  private gone(inst: WebInstance): void {
    this.instances.delete(inst);
    this.reclaimTimers.disarm(inst);
    this.provisioning.lost();
  }
}
