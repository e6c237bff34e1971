/**
 * Provisioned instances of one pool (event or web): keeps `target`
 * instances started ahead of any call, starts the missing ones, replaces one
 * that died (after the pool's crash back-off) and retries a failed start
 * after a pause, remembering its error for `provisioned()`. The pool says
 * how to start one instance and how many it has.
 */
import type { ProvisionProgress } from '../../executor';

/** Wait before starting a provisioned instance again after its start failed. */
const PROVISION_RETRY_MS = 2000;

export interface ProvisioningDeps {
  /** Instances the pool has now (starting, busy, idle). */
  size(): number;
  /** Starts one instance without a call waiting; resolves null when it started, else why not. */
  startOne(): Promise<string | null>;
  /** Epoch ms before which the pool's crash back-off wants no new start (0 = none). */
  backoffUntil(): number;
}

export class Provisioning {
  /** The instances asked for (0 = none). */
  target = 0;
  private error: string | null = null;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly deps: ProvisioningDeps) {}

  /** Keeps `count` provisioned instances (0 = none); the missing ones start now. */
  set(count: number): void {
    this.target = Math.max(0, Math.floor(count));
    if (this.target === 0) {
      this.error = null;
      if (this.retry !== null) { clearTimeout(this.retry); this.retry = null; }
    }
    this.topUp();
  }

  /** Progress, given how many of the pool's instances are started (busy or idle). */
  progress(ready: number): ProvisionProgress {
    return { target: this.target, ready: Math.min(ready, this.target), error: ready >= this.target ? null : this.error };
  }

  /** An instance of the pool is gone: a provisioned one is replaced (after the crash back-off when they keep dying). */
  lost(): void {
    if (this.deps.size() < this.target) this.schedule(Math.max(0, this.deps.backoffUntil() - Date.now()));
  }

  private topUp(): void {
    for (let missing = this.target - this.deps.size(); missing > 0; missing--) {
      void this.deps.startOne().then((failed) => {
        if (failed === null) {
          if (this.deps.size() >= this.target) this.error = null;
          return;
        }
        this.error = failed;
        // A failed start waits the longer pause (lost() may have asked for an immediate replacement).
        if (this.retry !== null) { clearTimeout(this.retry); this.retry = null; }
        this.schedule(Math.max(PROVISION_RETRY_MS, this.deps.backoffUntil() - Date.now()));
      });
    }
  }

  private schedule(delayMs: number): void {
    if (this.retry !== null || this.target === 0) return;
    this.retry = setTimeout(() => { this.retry = null; this.topUp(); }, delayMs);
    this.retry.unref();
  }
}
