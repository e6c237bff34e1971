/**
 * What a host capability may use of its instance (Instance implements it).
 * A capability sees the calls in flight and can queue entries into the
 * isolate; it never gets the isolate, the context or a reference into it.
 */
import type { ExecutorOutcome, LogLine, VersionSpec } from '../../types';
import type { FetchPolicyResolved } from '../../options';
import type { EntryPoints } from '../entry-points';
import type { ReadonlyIdTable } from '../../id-table';
import type { Inflight } from '../inflight';
import type { Resolver } from '../resolver';
import type { HostTimers } from './timers';

export interface CapabilityScope {
  readonly id: string;
  readonly spec: VersionSpec;
  readonly disposed: boolean;
  /** True during the cold start: timers may fire (top-level await on a timer). */
  readonly initializing: boolean;
  /** The calls in flight, by request id. */
  readonly inflight: ReadonlyIdTable<Inflight>;
  readonly resolver: Resolver;
  readonly fetchPolicy: FetchPolicyResolved;
  readonly timers: HostTimers;
  /** The bootstrap's entry points (set once the capabilities were handed over). */
  readonly api: EntryPoints;
  /** Set while an ES module graph evaluates: called when the bootstrap reports it done. */
  readonly esmReady: (() => void) | null;
  /** Console lines of the cold start (request id ''), handed to the first invocation. */
  initLogs: LogLine[];
  /** Module resolutions that reached the host since the last invocation was admitted. */
  resolveCalls: number;
  /** Queues an entry into the isolate (`rid`: the request a failure of it is reported to). */
  enter(rid: string | null, run: () => Promise<unknown>, owner?: string | null): void;
  /** Records a call's outcome. */
  settle(rid: string, o: ExecutorOutcome): void;
}

/**
 * A scope bound later, once: a spare isolate is bootstrapped with its capabilities before any
 * instance exists (host/spares.ts); the instance that takes the spare binds itself here. Every
 * member reads through to it. No tenant code runs in the isolate before the binding, so a use
 * before it is a host fault, and throws.
 */
export class ScopeSlot implements CapabilityScope {
  private target: CapabilityScope | null = null;

  bind(scope: CapabilityScope): void {
    if (this.target !== null) throw new Error('this isolate belongs to an instance already');
    this.target = scope;
  }

  private get to(): CapabilityScope {
    const t = this.target;
    if (t === null) throw new Error('a capability was used before an instance took the isolate');
    return t;
  }

  get id(): string { return this.to.id; }
  get spec(): VersionSpec { return this.to.spec; }
  get disposed(): boolean { return this.to.disposed; }
  get initializing(): boolean { return this.to.initializing; }
  get inflight(): ReadonlyIdTable<Inflight> { return this.to.inflight; }
  get resolver(): Resolver { return this.to.resolver; }
  get fetchPolicy(): FetchPolicyResolved { return this.to.fetchPolicy; }
  get timers(): HostTimers { return this.to.timers; }
  get api(): EntryPoints { return this.to.api; }
  get esmReady(): (() => void) | null { return this.to.esmReady; }
  get initLogs(): LogLine[] { return this.to.initLogs; }
  set initLogs(v: LogLine[]) { this.to.initLogs = v; }
  get resolveCalls(): number { return this.to.resolveCalls; }
  set resolveCalls(v: number) { this.to.resolveCalls = v; }
  enter(rid: string | null, run: () => Promise<unknown>, owner?: string | null): void { this.to.enter(rid, run, owner); }
  settle(rid: string, o: ExecutorOutcome): void { this.to.settle(rid, o); }
}
