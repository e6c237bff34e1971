/**
 * The wall-clock watchdog of one instance: one timer (not one per request),
 * armed for the earliest deadline in flight and re-armed when it fires. A call
 * past its deadline times out; if the isolate is executing that call's code
 * (sync loops, promise-chain loops, timer-callback loops, looping getters in a
 * result) it is disposed at once, otherwise the instance is retired and
 * disposed once its other slots drain. isolated-vm's own `timeout` does not
 * cover promises that never settle or leftover microtasks; this does.
 */
import type { ExecutorOutcome } from '../types';
import type { EntryQueue } from './entry-queue';
import type { ReadonlyIdTable } from '../id-table';
import type { Inflight } from './inflight';

/** After a deadline, how long another request's entry may keep the isolate before it counts as a runaway. */
const FOREIGN_ENTRY_GRACE_MS = 100;

/** What the watchdog needs of its instance. */
export interface Watched {
  readonly disposed: boolean;
  readonly slots: number;
  readonly inflight: ReadonlyIdTable<Inflight>;
  readonly entries: EntryQueue;
  /** Ends a call at its deadline: with its outcome if it produced one (its entry never returned), else as a timeout. */
  expire(inf: Inflight): void;
  /** Takes no new work; disposed once the other slots drain. */
  retireAfterFault(): void;
  /** Takes no new work (the pool is told); disposal is the caller's. */
  retire(): void;
  dispose(kind: ExecutorOutcome['kind'], message: string): void;
}

export class Watchdog {
  private timer: NodeJS.Timeout | null = null;
  private at = 0;

  constructor(private readonly inst: Watched) {}

  /** A call with this deadline was admitted: re-arms when it is the earliest. */
  watch(deadline: number, now: number): void {
    if (this.timer === null || deadline < this.at) this.arm(deadline, now);
  }

  clear(): void {
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
  }

  private arm(at: number, now: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.at = at;
    this.timer = setTimeout(this.sweep, Math.max(0, at - now));
    this.timer.unref();
  }

  /** The deadline timer: every call past its deadline times out; re-arms for the earliest one left. */
  private readonly sweep = (): void => {
    this.timer = null;
    const inst = this.inst;
    if (inst.disposed) return;
    const now = Date.now();
    let due: string[] | null = null;
    let next = Infinity;
    for (const inf of inst.inflight.valueList()) {
      if (inf.deadline <= now) (due ??= []).push(inf.rid);
      else if (inf.deadline < next) next = inf.deadline;
    }
    if (due) for (const rid of due) { if (inst.disposed) break; this.onDeadline(rid); }
    if (!inst.disposed && next !== Infinity && (this.timer === null || next < this.at)) this.arm(next, now);
  };

  private onDeadline(rid: string): void {
    const inst = this.inst;
    const inf = inst.inflight.get(rid);
    if (!inf) return;
    inst.expire(inf);
    const entries = inst.entries;
    if (!entries.busy) { inst.retireAfterFault(); return; }
    // The isolate is executing. If it runs this request's entry (or one of unknown owner), it is the
    // runaway: dispose now. If it runs another request's entry, give that entry a moment to return
    // (the usual case with several slots); only if it is still the same entry then, dispose.
    const owners = entries.runningOwners;
    if (owners.length === 0 || owners.includes(rid) || inst.slots === 1) { inst.dispose('timeout', 'time out'); return; }
    inst.retire();
    const job = entries.runningJob;
    setTimeout(() => {
      if (inst.disposed) return;
      if (entries.busy && entries.runningJob === job) inst.dispose('timeout', 'time out');
      else if (inst.inflight.size === 0 && !entries.busy) inst.dispose('internal', 'instance terminated after a fault in another request');
    }, FOREIGN_ENTRY_GRACE_MS).unref();
  }
}
