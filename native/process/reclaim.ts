/**
 * What the process pools (event and web) share about their instances'
 * lives: one timer per idle instance that reclaims it after the keep-alive,
 * the crash back-off, and the per-version counts the executors' stats report.
 */
import type { InstanceCounts } from '../../executor';
import { RestartPolicy } from '../supervision';

export class ReclaimTimers<T> {
  private readonly timers = new Map<T, NodeJS.Timeout>();

  /** Calls `reclaim` after `ms` unless `disarm(inst)` comes first (the timer does not hold the process open). */
  arm(inst: T, ms: number, reclaim: () => void): void {
    this.disarm(inst);
    const timer = setTimeout(() => {
      this.timers.delete(inst);
      reclaim();
    }, ms);
    timer.unref();
    this.timers.set(inst, timer);
  }

  disarm(inst: T): void {
    const timer = this.timers.get(inst);
    if (timer !== undefined) { clearTimeout(timer); this.timers.delete(inst); }
  }
}

/** Busy/idle counts per version key, leaving out keys with no instance (ExecutorStats.instances). */
export function countsByKey(pools: ReadonlyMap<string, { counts(): InstanceCounts }>): Record<string, InstanceCounts> {
  const instances: Record<string, InstanceCounts> = {};
  for (const [key, pool] of pools) {
    const counts = pool.counts();
    if (counts.busy + counts.idle > 0) instances[key] = counts;
  }
  return instances;
}

/**
 * The crash back-off of one pool: a version whose instances keep dying
 * (start failures, exits) is started again only after native's
 * RestartPolicy back-off, so a crash-looping function cannot spin the machine.
 */
export class CrashBackoff {
  private readonly policy = new RestartPolicy({ windowMs: 5000, maxExits: 3, backoffMs: 500 });
  /** Epoch ms before which no new instance should start (0 = none). */
  startAfter = 0;

  /** An instance died (or failed to start). */
  crashed(): void {
    const delay = this.policy.exited();
    if (delay > 0) this.startAfter = Date.now() + delay;
  }

  /** Waits out the back-off, if any. */
  async wait(): Promise<void> {
    const wait = this.startAfter - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
