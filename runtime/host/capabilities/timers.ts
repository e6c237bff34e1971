/**
 * `timer(id, ms, repeat, requestId)`: the isolate's setTimeout/setInterval
 * (ms < 0 clears). The host keeps the Node timers (at most LIMITS.maxTimers
 * per instance) and enters the isolate (`fireTimer`) when one is due.
 *
 * Between invocations an instance is frozen: a timer that comes due while no
 * invocation is active (and no cold start runs) is deferred to the next
 * invocation, once; an interval is paused meanwhile, so idle instances cause
 * no wake-ups.
 */
import ivm from 'isolated-vm';
import { LIMITS } from '../limits';
import type { CapabilityScope } from './scope';

/** The capability handed to the bootstrap: the timers of the scope's instance, looked up per call (the scope may be bound later: scope.ts). */
export function timerCapability(scope: CapabilityScope): ivm.Callback {
  return new ivm.Callback((id: unknown, ms: unknown, repeat: unknown, timerRid: unknown) => scope.timers.request(id, ms, repeat, timerRid), { ignored: true });
}

export class HostTimers {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /** Timers that came due while frozen: id → re-arm function for a paused interval (null for a timeout). */
  private readonly deferred = new Map<number, (() => void) | null>();

  constructor(private readonly scope: CapabilityScope) {}


  /** Timers that came due while the instance was frozen run now (once each). Called as an invocation starts. */
  fireDeferred(): void {
    if (!this.deferred.size) return;
    const due = [...this.deferred];
    this.deferred.clear();
    for (const [, rearm] of due) rearm?.();
    const scope = this.scope;
    for (const [id] of due) scope.enter(null, () => scope.api.fireTimer.apply(undefined, [id], { timeout: scope.spec.timeoutMs + 50 }));
  }

  /** Cancels every timer (the instance is disposed). */
  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.deferred.clear();
  }

  /** A call of the capability (timerCapability): sets or clears timer `id`. */
  readonly request = (id: unknown, ms: unknown, repeat: unknown, timerRid: unknown): void => {
    const scope = this.scope;
    const owner = typeof timerRid === 'string' ? timerRid : null;
    if (typeof id !== 'number' || typeof ms !== 'number' || scope.disposed) return;
    const old = this.timers.get(id);
    if (ms < 0) {
      if (old) { clearTimeout(old); this.timers.delete(id); }
      this.deferred.delete(id);
      return;
    }
    if (old || this.timers.size >= LIMITS.maxTimers) return;
    const fire = (): void => {
      if (!repeat) this.timers.delete(id);
      if (scope.disposed) return;
      if (scope.inflight.size === 0 && !scope.initializing) {
        // Frozen between invocations: remember it; an interval is paused so idle instances cost no wake-ups.
        if (repeat) {
          const h = this.timers.get(id);
          if (h) clearInterval(h);
          this.deferred.set(id, () => { this.timers.set(id, setInterval(fire, delay)); });
        } else {
          this.deferred.set(id, null);
        }
        return;
      }
      scope.enter(null, () => scope.api.fireTimer.apply(undefined, [id], { timeout: scope.spec.timeoutMs + 50 }), owner);
    };
    const delay = Math.min(Math.max(1, ms), 2_147_483_647);
    this.timers.set(id, repeat ? setInterval(fire, delay) : setTimeout(fire, delay));
  };
}
