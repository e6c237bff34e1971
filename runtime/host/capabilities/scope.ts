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
