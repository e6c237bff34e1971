/**
 * When an instance's lone HTTP dispatch may enter its isolate synchronously,
 * on the host's own thread (`applySync`), instead of through isolated-vm's
 * thread pool (`apply`). The async entry costs two thread wake-ups — the
 * pool thread woken to run the isolate, the host's thread woken for the
 * result — ~65 µs of a one-connection request's ~300 µs on this 2-core VM
 * (bench/results/issue-15-perf6.md). Under load the dispatches are batched
 * and those wake-ups are shared; with one request at a time nothing hides
 * them.
 *
 * A synchronous entry blocks the host's event loop while the isolate runs:
 * no frame of another call is read, no watchdog timer fires. So it is taken
 * only when nothing else can be waiting — the host has this one call in
 * flight (the caller checks) — and only by an instance whose entries are
 * short: its last `need` entries in a row each took under FAST_ENTRY_MS of
 * the isolate's CPU time (isolated-vm's `cpuTime`; it counts the time the
 * isolate's thread was descheduled too, so under load a short entry
 * sometimes reads long). Any entry that reads long starts the count again.
 * `need` starts at TRUST_STREAK and doubles after every synchronous entry
 * that read SLOW_SYNC_MS or more: a function that is short for a while and
 * then runs long blocks its quiet host once, and again only after twice as
 * many short entries (at most ~17 times in a million requests, however it
 * alternates); one that reads between FAST_ENTRY_MS and SLOW_SYNC_MS blocks
 * the quiet host that long at most once per TRUST_STREAK requests. A
 * machine's scheduling hiccup costs a few entries through the pool. The entry carries isolated-vm's `timeout` (the
 * call's time left), which ends a runaway on the host's thread as the
 * watchdog would; the instance then disposes the isolate as after any
 * timeout.
 */

/** An entry that costs this much of the isolate's CPU time or more is not "short" (ms). */
export const FAST_ENTRY_MS = 1;
/** A synchronous entry this long or longer doubles the short entries needed before the next (ms). */
export const SLOW_SYNC_MS = 5;
/** Consecutive short entries before an instance's dispatches may enter synchronously (at first). */
export const TRUST_STREAK = 8;
/** `need` stops doubling here (about a million short entries). */
const MAX_NEED = 1 << 20;

export class SyncEntries {
  /** Consecutive entries shorter than FAST_ENTRY_MS. */
  private streak = 0;
  /** Short entries in a row needed before a synchronous one. */
  private need = TRUST_STREAK;

  /** True while the instance's recent entries have been short. */
  get trusted(): boolean {
    return this.streak >= this.need;
  }

  /** After every entry: the isolate CPU time it cost (ms) and whether it was synchronous. */
  note(ms: number, sync: boolean): void {
    if (ms < FAST_ENTRY_MS) {
      this.streak++;
      return;
    }
    this.streak = 0;
    if (sync && ms >= SLOW_SYNC_MS && this.need < MAX_NEED) this.need *= 2;
  }
}
