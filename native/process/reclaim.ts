/**
 * Keep-alive of idle instances, shared by the process pools (event and web):
 * one timer per idle instance that reclaims it after the keep-alive, and the
 * per-version counts the executors' stats report.
 */
import type { InstanceCounts } from '../../executor';

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
