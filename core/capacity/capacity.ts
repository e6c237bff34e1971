/**
 * The capacity owner: the one place that decides whether a call may run
 * now (platform-semantics §3). Every invocation path — sync Invoke, HTTP,
 * WebSocket, and later async events and timers — enters here before its
 * executor is asked to run anything, and leaves when it is done.
 *
 * Per function version (its key) it keeps the calls in flight and knows the
 * instances the executor has; from those it decides:
 *
 *   memory     a version's instances hold its MemorySize while busy: with N
 *              request slots per instance, the first call of each group of N
 *              takes the memory from admission (account quota, reserved
 *              quota; 432), the last one out of the group gives it back;
 *   scale-out  a call beyond the free slots of the existing instances needs
 *              a new one, which spends a burst token (429 when none is left).
 *
 * Dynamic concurrency (the executor places calls by load, up to `slots` per
 * instance): the memory held is one instance's per busy instance the
 * executor reports, and never less than one per group of `slots` calls; it
 * is re-counted as calls enter and leave.
 *
 * The executor's count can lag behind instances being started, so an
 * instance this owner admitted counts at once for a short while (with N
 * slots, a burst of calls spends one token per N calls, not one per call
 * while the count catches up). Later, provisioned instances will be counted
 * here too: they are instances that exist, so calls they can take spend no
 * burst token.
 */
import type { Admission } from './admission';

/** What the owner needs to know about the version a call runs on. */
export interface CapacityTarget {
  /** The version key (one pool of instances). */
  readonly key: string;
  readonly namespace: string;
  readonly functionName: string;
  /** MemorySize, MB: what each busy instance holds. */
  readonly memoryMb: number;
  /** Request slots per instance (1 = one call at a time; with `dynamic`, the most). */
  readonly slots: number;
  /**
   * Dynamic per-instance concurrency: the executor decides how many instances
   * the calls occupy (more than one per `slots` calls when an instance falls
   * behind), and `busyInstanceCount` reports it.
   */
  readonly dynamic?: boolean;
  /** Instances of this version that exist now, as the executor reports them (O(1)). */
  instanceCount(): number;
  /** Instances of this version running a call now (O(1); dynamic targets). */
  busyInstanceCount?(): number;
}

/** A call admitted to run. `release` is idempotent. */
export interface CapacityTicket {
  /**
   * The call no longer occupies a slot for scale-out decisions (an HTTP
   * response is complete even though the call's outcome has not arrived).
   * Optional: `release` implies it.
   */
  slotFreed(): void;
  /** The call is over: its slot and (when it was the last of its group) its memory go back. */
  release(): void;
}

export type CapacityDecision =
  | { ok: true; ticket: CapacityTicket }
  | { ok: false; outcome: 'throttled' | 'scale_limited'; reason: string };

/** How long an instance count read from the executor is trusted while it says "enough instances". */
const INSTANCE_COUNT_TTL_MS = 1000;

interface VersionState {
  /** Calls admitted and not yet released (memory accounting). */
  calls: number;
  /** Calls occupying a slot (scale-out accounting; ≤ calls). */
  occupying: number;
  /** Memory leases held, one per busy group of `slots` calls. */
  leases: Array<() => void>;
  /** Instances: the executor's count, plus the ones admitted here that may not show yet. */
  instances: number;
  checkedAt: number;
  admittedAt: number;
}

export class CapacityOwner {
  private readonly versions = new Map<string, VersionState>();
  /**
   * Versions with no call in flight whose state is kept because an instance
   * was admitted for them within INSTANCE_COUNT_TTL_MS: the executor may not
   * count it yet (the isolate hosts report their pools on a 10 ms timer, after
   * the cold-started call may already have answered), and a call arriving in
   * that window must not pay a second token for the same instance. Swept
   * once per TTL by `enter`.
   */
  private readonly lingering = new Set<string>();
  private sweptAt = -Infinity;
  /** The latest `now` a call entered with (the owner's clock: callers pass it). */
  private latest = -Infinity;

  constructor(private readonly admission: Admission) {}

  /**
   * Admits one call of `target` at `now` (epoch ms), or says why not:
   * 'throttled' (432: the function's or the account's concurrency, or the
   * function is disabled) or 'scale_limited' (429: it needed a new instance
   * and the burst limit is spent). Synchronous, O(1).
   */
  enter(target: CapacityTarget, now: number): CapacityDecision {
    // The target itself is the admission request (namespace, functionName, memoryMb): nothing is allocated for it.
    const { key, slots } = target;
    if (now > this.latest) this.latest = now;
    if (this.lingering.size > 0 && now - this.sweptAt > INSTANCE_COUNT_TTL_MS) this.sweep(now);
    let state = this.versions.get(key);
    if (!state) {
      state = { calls: 0, occupying: 0, leases: [], instances: 0, checkedAt: -Infinity, admittedAt: -Infinity };
      this.versions.set(key, state);
    }
    // Memory: the first call of a group of `slots` takes one instance's worth; a disabled function refuses every call.
    let lease: (() => void) | undefined;
    if (target.dynamic === true) {
      const refused = this.holdDynamic(target, state, state.calls + 1);
      if (refused) {
        this.holdDynamic(target, state, state.calls); // what this call took goes back
        return this.refuse(key, state, 'throttled', refused);
      }
    } else if (state.calls % slots === 0) {
      const granted = this.admission.tryAcquire(target);
      if (!granted.ok) return this.refuse(key, state, 'throttled', granted.reason);
      lease = granted.release;
    } else {
      const disabled = this.admission.refuseIfDisabled(target);
      if (disabled) return this.refuse(key, state, 'throttled', disabled.reason);
    }
    // Scale-out: beyond the free slots of the instances there are, a new one starts.
    if (state.occupying >= state.instances * slots || now - state.checkedAt > INSTANCE_COUNT_TTL_MS) {
      const reported = target.instanceCount();
      state.instances = now - state.admittedAt <= INSTANCE_COUNT_TTL_MS ? Math.max(reported, state.instances) : reported;
      state.checkedAt = now;
    }
    if (state.occupying >= state.instances * slots) {
      if (!this.admission.admitColdStart(target)) {
        lease?.();
        if (target.dynamic === true) this.holdDynamic(target, state, state.calls);
        return this.refuse(key, state, 'scale_limited', 'scale-out speed limit reached (new instances per minute)');
      }
      state.instances++;
      state.admittedAt = now;
    }
    if (lease) state.leases.push(lease);
    state.calls++;
    state.occupying++;
    return { ok: true, ticket: this.ticket(target, state) };
  }

  /**
   * Dynamic target with `calls` in flight: holds one memory lease per busy
   * instance (at least one per `slots` calls, at most one per call),
   * acquiring or giving back the difference. Returns the refusal reason when
   * the quota cannot cover it (the leases held before stay held).
   */
  private holdDynamic(target: CapacityTarget, state: VersionState, calls: number): string | undefined {
    const busy = target.busyInstanceCount?.() ?? 0;
    const wanted = calls === 0 ? 0 : Math.max(Math.ceil(calls / target.slots), Math.min(busy, calls));
    while (state.leases.length > wanted) state.leases.pop()?.();
    while (state.leases.length < wanted) {
      const granted = this.admission.tryAcquire(target);
      if (!granted.ok) return granted.reason;
      state.leases.push(granted.release);
    }
    return undefined;
  }

  /** Calls in flight per version key (a snapshot, for stats and tests). */
  inFlight(): Record<string, { calls: number; instances: number }> {
    const out: Record<string, { calls: number; instances: number }> = {};
    for (const [key, s] of this.versions) if (s.calls > 0) out[key] = { calls: s.calls, instances: s.instances };
    return out;
  }

  private ticket(target: CapacityTarget, state: VersionState): CapacityTicket {
    const { key, slots } = target;
    let occupying = true;
    let held = true;
    const slotFreed = (): void => {
      if (!occupying) return;
      occupying = false;
      state.occupying--;
    };
    return {
      slotFreed,
      release: () => {
        if (!held) return;
        held = false;
        slotFreed();
        state.calls--;
        // The last call of a group gives its instance's memory back (dynamic: down to the busy instances).
        if (target.dynamic === true) this.holdDynamic(target, state, state.calls);
        else if (state.calls % slots === 0) state.leases.pop()?.();
        this.forgetIfIdle(key, state);
      },
    };
  }

  private refuse(key: string, state: VersionState, outcome: 'throttled' | 'scale_limited', reason: string): CapacityDecision {
    this.forgetIfIdle(key, state);
    return { ok: false, outcome, reason };
  }

  /** Drops an idle version's state, unless an instance admitted for it may still be missing from the executor's count. */
  private forgetIfIdle(key: string, state: VersionState): void {
    if (state.calls !== 0 || this.versions.get(key) !== state) return;
    if (this.latest - state.admittedAt <= INSTANCE_COUNT_TTL_MS) this.lingering.add(key);
    else this.versions.delete(key);
  }

  /** Forgets the lingering versions still idle whose admitted instance the executor counts by now. */
  private sweep(now: number): void {
    this.sweptAt = now;
    for (const key of this.lingering) {
      const state = this.versions.get(key);
      if (state !== undefined && state.calls > 0) { this.lingering.delete(key); continue; }
      if (state !== undefined && now - state.admittedAt <= INSTANCE_COUNT_TTL_MS) continue;
      this.lingering.delete(key);
      if (state !== undefined) this.versions.delete(key);
    }
  }
}
