/**
 * Provisioned instances count against the concurrency quota at run time
 * (platform-semantics §3): an admission in front of the capacity owner's.
 *
 * For each provisioned version it holds `count × memory` MB of the quota
 * from the real admission (a standing hold, whether the instances are busy
 * or idle), and the capacity owner's memory leases for that version's first
 * `count` busy instances are covered by that hold instead of taking the
 * memory a second time. Everything else passes through unchanged, so the
 * capacity owner (core/capacity) needs no knowledge of provisioning.
 *
 * A hold the quota cannot give right now (other functions use it) is asked
 * for again every 10 s; until then the version's calls take leases as usual.
 */
import type { Admission, AdmissionRequest, AdmissionResult, AdmissionStats, Granted, Refused } from '../capacity';

/** How often a hold the quota refused is asked for again (ms). */
const HOLD_RETRY_MS = 10_000;

interface Hold {
  namespace: string;
  functionName: string;
  memoryMb: number;
  count: number;
  /** The standing hold's release, null while the quota refused it. */
  release: (() => void) | null;
  /** Leases of the capacity owner covered by the hold now (≤ count). */
  covered: number;
}

export class ProvisionedAdmission implements Admission {
  private readonly holds = new Map<string, Hold>();
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly inner: Admission) {}

  /**
   * Version `key` (of `fn`, `memoryMb` per instance) has `count` provisioned
   * instances now (0 = none): the standing hold follows.
   */
  setProvisioned(key: string, fn: { namespace: string; functionName: string; memoryMb: number }, count: number): void {
    let hold = this.holds.get(key);
    hold?.release?.();
    if (count <= 0) {
      this.holds.delete(key);
      this.syncRetry();
      return;
    }
    // The same object when it changes: the covered leases handed out release into it.
    if (hold === undefined) {
      hold = { namespace: fn.namespace, functionName: fn.functionName, memoryMb: fn.memoryMb, count, release: null, covered: 0 };
      this.holds.set(key, hold);
    }
    hold.count = count;
    hold.release = null;
    this.take(hold);
    this.syncRetry();
  }

  /** MB held for provisioned instances now (for tests and stats). */
  heldMb(): number {
    let mb = 0;
    for (const h of this.holds.values()) if (h.release) mb += h.count * h.memoryMb;
    return mb;
  }

  tryAcquire(request: AdmissionRequest & { key?: string }): AdmissionResult {
    const hold = this.holds.size === 0 || request.key === undefined ? undefined : this.holds.get(request.key);
    if (hold === undefined || hold.release === null || hold.covered >= hold.count) return this.inner.tryAcquire(request);
    const disabled = this.inner.refuseIfDisabled(request);
    if (disabled) return disabled;
    hold.covered++;
    let held = true;
    const granted: Granted = {
      ok: true,
      release: () => {
        if (!held) return;
        held = false;
        hold.covered--;
      },
    };
    return granted;
  }

  admitColdStart(fn?: { namespace: string; functionName: string }): boolean {
    return this.inner.admitColdStart(fn);
  }

  refuseIfDisabled(fn: { namespace: string; functionName: string }): Refused | undefined {
    return this.inner.refuseIfDisabled(fn);
  }

  stats(): AdmissionStats {
    return this.inner.stats();
  }

  /** Gives every hold back and stops retrying; idempotent. */
  close(): void {
    for (const h of this.holds.values()) h.release?.();
    this.holds.clear();
    this.syncRetry();
  }

  private take(hold: Hold): void {
    const granted = this.inner.tryAcquire({ namespace: hold.namespace, functionName: hold.functionName, memoryMb: hold.count * hold.memoryMb });
    hold.release = granted.ok ? granted.release : null;
  }

  private syncRetry(): void {
    const missing = [...this.holds.values()].some((h) => h.release === null);
    if (missing && this.retry === null) {
      this.retry = setInterval(() => {
        for (const h of this.holds.values()) if (h.release === null) this.take(h);
        this.syncRetry();
      }, HOLD_RETRY_MS);
      this.retry.unref();
    } else if (!missing && this.retry !== null) {
      clearInterval(this.retry);
      this.retry = null;
    }
  }
}
