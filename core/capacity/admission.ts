/**
 * Concurrency admission (platform-semantics §3): the account quota, reserved
 * quotas and the scale-out ("burst") limit, decided in memory on the request
 * path. Concurrency is accounted in MB: a running invocation (or a busy
 * multi-slot instance) holds its version's memory size until released.
 *
 *   account quota A (default 128,000 MB)
 *   ├── reserved R_f per function f: f may use at most R_f, and nobody else may use it
 *   └── shared pool A − ΣR_f, never below the floor (12,800 MB): every function without a reservation
 *
 * Everything here is synchronous, O(1) per call and free of I/O; the
 * reserved values and the quota are pushed in by the ConcurrencyService
 * (core/capacity/concurrency.ts), which owns their storage.
 */
import { resolveOptions } from '../../lib';

/** What is asked to run: one invocation (or one multi-slot instance) of a function version. */
export interface AdmissionRequest {
  namespace: string;
  functionName: string;
  /** The version's MemorySize, MB: what the lease holds. */
  memoryMb: number;
  /** Public function id (`lam-…`); informational only, the key is namespace + name. */
  functionId?: string;
}

/** Which limit refused a request. */
export type RefusalLimit = 'disabled' | 'reserved' | 'account';

export interface Granted {
  ok: true;
  /** Gives the memory back; idempotent (a second call does nothing). */
  release(): void;
}

export interface Refused {
  ok: false;
  limit: RefusalLimit;
  /** Human-readable detail for the log; callers answer the spec's fixed body, not this. */
  reason: string;
}

export type AdmissionResult = Granted | Refused;

/** A throttle, as reported to the observer (logs, metrics). */
export interface ThrottleEvent {
  /** 'throttled' (432: a concurrency quota) or 'scale_limited' (429: the burst limit). */
  outcome: 'throttled' | 'scale_limited';
  namespace?: string;
  functionName?: string;
  reason: string;
}

/** Sees every throttle as it happens; must not throw or block (it runs on the request path). */
export interface AdmissionObserver {
  throttled(event: ThrottleEvent): void;
}

export const noopAdmissionObserver: AdmissionObserver = Object.freeze({ throttled() {} });

export interface FunctionAdmissionStats {
  namespace: string;
  functionName: string;
  /** Reserved MB, or null when the function shares the unreserved pool. */
  reservedMb: number | null;
  inUseMb: number;
  /** Leases currently held (running invocations or busy instances). */
  leases: number;
  throttled432: number;
  throttled429: number;
}

/** A snapshot (fresh objects; later changes do not show through). */
export interface AdmissionStats {
  accountMb: number;
  floorMb: number;
  /** Sum of all reservations. */
  reservedMb: number;
  /** What functions without a reservation can use together: max(floor, account − reserved). */
  sharedCapacityMb: number;
  sharedInUseMb: number;
  inUseMb: number;
  leases: number;
  /** Every function with a reservation or admitted/throttled since start (a deleted function is dropped). */
  functions: FunctionAdmissionStats[];
  throttled: { concurrency432: number; burst429: number };
  coldStarts: { admitted: number; burstPerMinute: number; tokens: number };
}

/**
 * What the invocation path needs from admission. Implemented by
 * AdmissionController; `unlimitedAdmission` admits everything (tests, tools).
 */
export interface Admission {
  /** Takes `memoryMb` of the function's limit, or refuses (a throttle, 432). Synchronous, O(1). */
  tryAcquire(request: AdmissionRequest): AdmissionResult;
  /** One new instance may start now (true), or the burst limit says no (false, counted as a throttle, 429). */
  admitColdStart(fn?: { namespace: string; functionName: string }): boolean;
  /** A 432 (counted as a throttle) when the function is disabled (reserved 0), else undefined. Synchronous, O(1). */
  refuseIfDisabled(fn: { namespace: string; functionName: string }): Refused | undefined;
  stats(): AdmissionStats;
}

export interface AdmissionOptions {
  accountMb: number;
  floorMb: number;
  /** New instances per minute; 0 = no limit. */
  burstPerMinute: number;
  /** Clock in ms (injected by tests); default Date.now. */
  now?: () => number;
  observer?: AdmissionObserver;
}

interface Entry {
  namespace: string;
  functionName: string;
  reserved: number | null;
  inUse: number;
  leases: number;
  throttled432: number;
  throttled429: number;
}

const GRANTED: Granted = Object.freeze({ ok: true, release() {} });
const keyOf = (namespace: string, functionName: string) => `${namespace}\u0000${functionName}`;

/**
 * The admission controller. One per platform (built by startPlatform); the
 * ConcurrencyService keeps its quota and reservations current.
 */
export class AdmissionController implements Admission {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly observer: AdmissionObserver;
  private readonly floorMb: number;
  private accountMb: number;
  private reservedMb = 0;
  private sharedInUse = 0;
  private inUse = 0;
  private leases = 0;
  private throttled432 = 0;
  private throttled429 = 0;
  // Token bucket: `burstPerMinute` tokens, refilled continuously at that rate.
  private readonly burstPerMinute: number;
  private tokens: number;
  private refilledAt: number;
  private coldStarts = 0;

  constructor(input: AdmissionOptions) {
    const options = resolveOptions<AdmissionOptions>(
      {
        accountMb: { type: 'number', min: 0 },
        floorMb: { type: 'number', min: 0 },
        burstPerMinute: { type: 'number', min: 0 },
        now: { type: 'function', default: Date.now },
        observer: { type: 'custom', expected: 'an object with a throttled() method', check: (o) => typeof (o as AdmissionObserver | null)?.throttled === 'function', default: noopAdmissionObserver },
      },
      input,
    );
    this.accountMb = options.accountMb;
    this.floorMb = options.floorMb;
    this.burstPerMinute = options.burstPerMinute;
    this.now = options.now!;
    this.observer = options.observer!;
    this.tokens = options.burstPerMinute;
    this.refilledAt = this.now();
  }

  /** Sets the account quota (PutTotalConcurrencyConfig). Leases already held are kept; new ones see the new quota. */
  setAccountQuota(mb: number): void {
    if (!Number.isFinite(mb) || mb < 0) throw new RangeError(`Expected the account quota to be a non-negative number, got ${mb}`);
    this.accountMb = mb;
  }

  /**
   * Sets (MB) or clears (null) a function's reservation. Reservations that
   * would eat into the floor are the ConcurrencyService's to refuse; here the
   * shared pool simply never drops below the floor.
   */
  setReserved(namespace: string, functionName: string, mb: number | null): void {
    if (mb !== null && (!Number.isFinite(mb) || mb < 0)) throw new RangeError(`Expected reserved memory to be a non-negative number or null, got ${mb}`);
    const key = keyOf(namespace, functionName);
    let entry = this.entries.get(key);
    if (!entry) {
      if (mb === null) return;
      entry = newEntry(namespace, functionName);
      this.entries.set(key, entry);
    }
    this.reservedMb += (mb ?? 0) - (entry.reserved ?? 0);
    entry.reserved = mb;
  }

  /**
   * Forgets a deleted function: its reservation goes, leases still held are
   * released against the old entry (a recreated function starts clean).
   */
  forget(namespace: string, functionName: string): void {
    const key = keyOf(namespace, functionName);
    const entry = this.entries.get(key);
    if (!entry) return;
    this.reservedMb -= entry.reserved ?? 0;
    entry.reserved = null;
    this.entries.delete(key);
  }

  /** Replaces every reservation at once (start-up). */
  loadReservations(rows: Iterable<{ namespace: string; functionName: string; reservedMb: number | null }>): void {
    for (const entry of this.entries.values()) entry.reserved = null;
    this.reservedMb = 0;
    for (const row of rows) this.setReserved(row.namespace, row.functionName, row.reservedMb);
  }

  tryAcquire(request: AdmissionRequest): AdmissionResult {
    const { namespace, functionName, memoryMb } = request;
    const key = keyOf(namespace, functionName);
    let entry = this.entries.get(key);
    const reserved = entry ? entry.reserved : null;
    if (!(memoryMb > 0 && memoryMb <= Number.MAX_SAFE_INTEGER)) throw new RangeError(`Expected memoryMb to be a positive number, got ${memoryMb}`);
    if (reserved === 0) return this.refuse(entry!, 'disabled', disabledReason(functionName));
    if (reserved !== null) {
      if (entry!.inUse + memoryMb > reserved) {
        return this.refuse(entry!, 'reserved', `reserved concurrency of ${functionName} exhausted: ${entry!.inUse} MB in use + ${memoryMb} MB > ${reserved} MB`);
      }
    } else {
      const capacity = this.sharedCapacity();
      if (this.sharedInUse + memoryMb > capacity) {
        entry ??= this.entryFor(key, namespace, functionName);
        return this.refuse(entry, 'account', `account concurrency exhausted: ${this.sharedInUse} MB in use + ${memoryMb} MB > ${capacity} MB unreserved`);
      }
    }
    entry ??= this.entryFor(key, namespace, functionName);
    return { ok: true, release: this.hold(entry, memoryMb, reserved === null) };
  }

  admitColdStart(fn?: { namespace: string; functionName: string }): boolean {
    if (this.burstPerMinute === 0) {
      this.coldStarts++;
      return true;
    }
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.coldStarts++;
      return true;
    }
    this.throttled429++;
    if (fn) this.entryFor(keyOf(fn.namespace, fn.functionName), fn.namespace, fn.functionName).throttled429++;
    this.notify({
      outcome: 'scale_limited',
      namespace: fn?.namespace,
      functionName: fn?.functionName,
      reason: `scale-out limit of ${this.burstPerMinute} new instances per minute reached`,
    });
    return false;
  }

  /**
   * An instance the executor adds under dynamic concurrency (the version's others are behind,
   * not full: no call needed it, so the capacity owner did not pay for it) may start now: spends
   * a burst token like a cold start (true), or says no without counting a throttle (false: no
   * call is refused, the executor keeps it on an instance with a free slot). Wired into the
   * isolate runtime's `scaleOut` option by the platform.
   */
  admitScaleOut(): boolean {
    if (this.burstPerMinute === 0) {
      this.coldStarts++;
      return true;
    }
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    this.coldStarts++;
    return true;
  }

  refuseIfDisabled(fn: { namespace: string; functionName: string }): Refused | undefined {
    const entry = this.entries.get(keyOf(fn.namespace, fn.functionName));
    return entry?.reserved === 0 ? this.refuse(entry, 'disabled', disabledReason(fn.functionName)) : undefined;
  }

  stats(): AdmissionStats {
    this.refill();
    const functions: FunctionAdmissionStats[] = [];
    for (const e of this.entries.values()) {
      functions.push({
        namespace: e.namespace,
        functionName: e.functionName,
        reservedMb: e.reserved,
        inUseMb: e.inUse,
        leases: e.leases,
        throttled432: e.throttled432,
        throttled429: e.throttled429,
      });
    }
    return {
      accountMb: this.accountMb,
      floorMb: this.floorMb,
      reservedMb: this.reservedMb,
      sharedCapacityMb: this.sharedCapacity(),
      sharedInUseMb: this.sharedInUse,
      inUseMb: this.inUse,
      leases: this.leases,
      functions,
      throttled: { concurrency432: this.throttled432, burst429: this.throttled429 },
      coldStarts: { admitted: this.coldStarts, burstPerMinute: this.burstPerMinute, tokens: Math.floor(this.tokens) },
    };
  }

  private sharedCapacity(): number {
    return Math.max(this.floorMb, this.accountMb - this.reservedMb);
  }

  private hold(entry: Entry, memoryMb: number, shared: boolean): () => void {
    entry.inUse += memoryMb;
    entry.leases++;
    this.inUse += memoryMb;
    this.leases++;
    if (shared) this.sharedInUse += memoryMb;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      entry.inUse -= memoryMb;
      entry.leases--;
      this.inUse -= memoryMb;
      this.leases--;
      // The pool charged at acquisition is the one credited, whatever the reservation is now.
      if (shared) this.sharedInUse -= memoryMb;
    };
  }

  private refuse(entry: Entry, limit: RefusalLimit, reason: string): Refused {
    entry.throttled432++;
    this.throttled432++;
    this.notify({ outcome: 'throttled', namespace: entry.namespace, functionName: entry.functionName, reason });
    return { ok: false, limit, reason };
  }

  private notify(event: ThrottleEvent): void {
    try {
      this.observer.throttled(event);
    } catch (err) {
      // An observer bug must not turn a throttle into a platform error.
      console.error('[admission] throttle observer failed:', err);
    }
  }

  private entryFor(key: string, namespace: string, functionName: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = newEntry(namespace, functionName);
      this.entries.set(key, entry);
    }
    return entry;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = now - this.refilledAt;
    if (elapsed <= 0) return;
    this.tokens = Math.min(this.burstPerMinute, this.tokens + (elapsed * this.burstPerMinute) / 60_000);
    this.refilledAt = now;
  }
}

/** Admits everything and counts nothing: for tools and tests that run functions without quotas. */
export const unlimitedAdmission: Admission = Object.freeze({
  tryAcquire: (): Granted => GRANTED,
  admitColdStart: () => true,
  refuseIfDisabled: () => undefined,
  stats: (): AdmissionStats => ({
    accountMb: Infinity,
    floorMb: 0,
    reservedMb: 0,
    sharedCapacityMb: Infinity,
    sharedInUseMb: 0,
    inUseMb: 0,
    leases: 0,
    functions: [],
    throttled: { concurrency432: 0, burst429: 0 },
    coldStarts: { admitted: 0, burstPerMinute: 0, tokens: 0 },
  }),
});

function newEntry(namespace: string, functionName: string): Entry {
  return { namespace, functionName, reserved: null, inUse: 0, leases: 0, throttled432: 0, throttled429: 0 };
}

function disabledReason(functionName: string): string {
  return `function ${functionName} is disabled (reserved concurrency 0 MB)`;
}
