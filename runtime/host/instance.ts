/**
 * One instance: an isolate + context bound to one function version, with N
 * request slots. Lives inside an isolate host process.
 *
 * This file keeps the calls: admission to a slot, how each call's outcome is
 * settled and finalised, cancel, retirement and disposal. The rest is in its
 * own modules: the cold start (cold-start.ts); the entry queue every entry into
 * the isolate goes through (entry-queue.ts, with HTTP dispatches batched by
 * http-dispatch.ts and WebSocket events by ws-queue.ts); the wall-clock
 * watchdog (watchdog.ts); heap readings (heap.ts); and the host capabilities
 * handed to the bootstrap (capabilities/).
 *
 * An instance that saw a timeout, an out-of-memory or a cancel is never reused.
 */
import crypto from 'node:crypto';
import ivm from 'isolated-vm';
import type { ColdStart, VersionSpec, ExecutorOutcome, LogLine } from '../types';
import { IdTable } from '../id-table';
import { failure } from '../protocol';
import type { FromHost } from '../protocol';
import type { FetchPolicyResolved } from '../options';
import { HostTimers, type CapabilityScope } from './capabilities';
import { coldStart, type StartResult } from './cold-start';
import type { EntryPoints } from './entry-points';
import { EntryQueue, type EntryOwner, type Job } from './entry-queue';
import { HeapSampler } from './heap';
import { dispatchJob, httpBatcher } from './http-dispatch';
import type { HttpExchange } from './http-exchange';
import { keepsInstance, type Inflight } from './inflight';
import type { Resolver } from './resolver';
import type { IsolateUse } from './sandbox';
import type { Spares } from './spares';
import { Watchdog, type Watched } from './watchdog';
import { WsQueue } from './ws-queue';

const OOM_MESSAGE = 'memory limit exceeded';

/**
 * Dynamic concurrency: an instance whose isolate is this far behind (entries waiting, or one
 * running this long) takes no new request; the pool places it on another instance or starts
 * one. Long enough that a loaded machine's scheduling hiccups do not start isolates that
 * cannot help, short enough that synchronous work per request spreads over instances (which
 * run on isolated-vm's threads in parallel) before callers feel it.
 */
export const DYNAMIC_LAG_MS = 10;

export interface InstanceDeps {
  spares: Spares;
  fetchPolicy: FetchPolicyResolved;
  /** Called when the instance becomes idle, busy, or disposed (pool bookkeeping). */
  onStateChange(inst: Instance): void;
  /** Sends a frame to the parent (HTTP response frames). */
  out(m: FromHost): void;
}

let seq = 0;

export class Instance implements CapabilityScope, EntryOwner, Watched {
  readonly id = `${process.pid.toString(36)}-${(++seq).toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
  readonly spec: VersionSpec;
  readonly slots: number;
  /** Dynamic concurrency: `slots` is a ceiling; a new request is taken only while the isolate keeps up. */
  readonly dynamic: boolean;
  retired = false;
  disposed = false;
  lastActive = Date.now();
  /** Slots promised to requests that wait for this instance's cold start. */
  reserved = 0;
  /** Set while the cold start runs; resolves to its result. */
  starting: Promise<StartResult> | null = null;
  /** Set by the cold start. */
  isolate!: ivm.Isolate;
  context!: ivm.Context;
  api!: EntryPoints;
  readonly inflight = new IdTable<Inflight>();
  readonly entries: EntryQueue;
  readonly timers: HostTimers;
  readonly heap = new HeapSampler();
  initLogs: LogLine[] = [];
  resolveCalls = 0;
  /** True during the cold start: timers may fire (top-level await). */
  initializing = false;
  esmReady: (() => void) | null = null;
  /** isolated-vm disposed the isolate for its memory limit: every failure is then 'oom'. */
  memoryKill = false;
  private readonly watchdog: Watchdog;
  private readonly ws: WsQueue;
  /**
   * Calls settled while an entry ran (their `pending` outcome is finalised after it): a list, so
   * the pump does not scan every call in flight after each entry.
   */
  private settledWhileBusy: Inflight[] = [];
  /** The memory size whose spare isolates to top up after this instance's first entry (null: none due). */
  private spareRefill: { memoryMb: number; use: IsolateUse } | null = null;

  constructor(spec: VersionSpec, readonly resolver: Resolver, private readonly deps: InstanceDeps) {
    this.spec = spec;
    this.slots = Math.max(1, Math.floor(spec.instanceConcurrency || 1));
    this.dynamic = spec.dynamicConcurrency === true && this.slots > 1;
    this.entries = new EntryQueue(this, httpBatcher(this));
    this.timers = new HostTimers(this);
    this.watchdog = new Watchdog(this);
    this.ws = new WsQueue(this);
  }

  get active(): number { return this.inflight.size; }
  get available(): boolean {
    if (this.retired || this.disposed || this.inflight.size + this.reserved >= this.slots) return false;
    return !this.dynamic || this.inflight.size === 0 || this.entries.lagMs() < DYNAMIC_LAG_MS;
  }
  get fetchPolicy(): FetchPolicyResolved { return this.deps.fetchPolicy; }

  /** Cold start (cold-start.ts): the phase timings, or the failure outcome. */
  start(): Promise<StartResult> {
    return coldStart(this, this.deps.spares);
  }

  /** Runs one invocation on this instance (a slot must be free). */
  run(rid: string, event: string, cold?: ColdStart): Promise<ExecutorOutcome> {
    return new Promise<ExecutorOutcome>((resolve) => {
      const inf = this.admit(rid, resolve, cold);
      const info = JSON.stringify({ deadline: inf.deadline });
      this.enter(rid, () => this.api.dispatch.apply(undefined, [rid, event, info], { timeout: this.spec.timeoutMs + 50 }));
      this.timers.fireDeferred();
    });
  }

  /**
   * Runs one HTTP request through the module's fetch handler (a slot must be
   * free). The response leaves through `ex` as frames; resolves with the
   * outcome once the response is complete and ctx.waitUntil work settled.
   */
  runHttp(rid: string, ex: HttpExchange, cold?: ColdStart): Promise<ExecutorOutcome> {
    return new Promise<ExecutorOutcome>((resolve) => {
      const inf = this.admit(rid, resolve, cold);
      inf.http = ex;
      const timeout = { timeout: this.spec.timeoutMs + 50 };
      ex.attach({
        deliver: (c, end) => {
          const bytes = c === null ? null : new ivm.ExternalCopy(c.buffer, { transferList: [c.buffer] }).copyInto({ release: true, transferIn: true });
          this.enter(rid, () => this.api.httpBody.apply(undefined, [rid, bytes, end], timeout));
        },
        grant: (n) => this.enter(rid, () => this.api.httpCredit.apply(undefined, [rid, n], timeout)),
        ws: (d, code, reason) => this.queueWs(rid, d, code, reason),
      });
      this.enterJob(dispatchJob(this.api, rid, ex.head));
      this.timers.fireDeferred();
    });
  }

  /**
   * Ends an invocation early because its caller went away (499). An event
   * invocation retires the instance; an HTTP request does not (clients going
   * away is routine): its body streams are errored/cancelled in the isolate
   * and code it left running finds its request gone.
   */
  cancel(rid: string): void {
    const inf = this.inflight.get(rid);
    if (!inf) return;
    this.settle(rid, failure('canceled', 'request canceled', this.id));
    if (!inf.http) this.retireAfterFault();
  }

  /** A graceful stop of event invocation `rid`: its `context.signal` aborts in the isolate; the call runs on until it ends (or is cancelled). */
  terminate(rid: string): void {
    const inf = this.inflight.get(rid);
    if (!inf || inf.http) return;
    this.enter(rid, () => this.api.terminate.apply(undefined, [rid], { timeout: this.spec.timeoutMs + 50 }));
  }

  /** Frees the isolate; every invocation still running fails with `kind`. */
  dispose(kind: ExecutorOutcome['kind'] = 'internal', message = 'instance disposed'): void {
    if (this.disposed) return;
    this.disposed = true;
    this.retired = true;
    if (this.spareRefill !== null) this.refillSpares();
    this.timers.clear();
    this.watchdog.clear();
    this.entries.clear();
    this.ws.clear();
    try { if (this.isolate && !this.isolate.isDisposed) this.isolate.dispose(); } catch { /* already gone */ }
    for (const rid of this.inflight.idList()) this.settle(rid, failure(kind, message, this.id));
    this.deps.onStateChange(this);
  }

  /** Queues an entry into the isolate (`rid`: the request a failure of it is reported to). */
  enter(rid: string | null, run: () => Promise<unknown>, owner: string | null = rid): void {
    this.enterJob({ run, rid, owner });
  }

  /** Records an invocation's outcome; finalised when the current entry has returned (so heap stats are readable). */
  settle(rid: string, o: ExecutorOutcome): void {
    const inf = this.inflight.get(rid);
    if (!inf) return;
    if (!keepsInstance(o.kind)) { this.finalize(inf, o); return; }
    if (!this.entries.busy) { this.finalize(inf, o); return; }
    if (inf.pending === undefined) this.settledWhileBusy.push(inf);
    inf.pending = o;
  }

  /** Maps an error from an isolated-vm call to an outcome. */
  entryFailure(e: unknown, init: boolean): ExecutorOutcome {
    const msg = e instanceof Error ? e.message : String(e);
    if (this.memoryKill || /memory limit|out of memory/i.test(msg)) { this.memoryKill = true; return failure('oom', OOM_MESSAGE, this.id); }
    if (/Script execution timed out/.test(msg)) return failure('timeout', init ? `init time out (${this.spec.initTimeoutMs} ms)` : 'time out', this.id);
    if (init) {
      const name = e instanceof Error ? e.name : 'Error';
      return { ...failure('user_error', `${name}: ${msg}`, this.id), errorStack: e instanceof Error && typeof e.stack === 'string' ? e.stack : '' };
    }
    return failure('internal', `isolate entry failed: ${msg}`, this.id);
  }

  /** EntryOwner: an entry threw. Timeout and memory end the isolate; a fault fails the entry's calls. */
  entryFailed(e: unknown, rids: string[]): void {
    const o = this.entryFailure(e, false);
    if (o.kind === 'timeout' || o.kind === 'oom') { this.dispose(o.kind, o.errorMessage); return; }
    const hit = rids.filter((r) => this.inflight.has(r));
    for (const r of hit) this.settle(r, { ...o, logs: [] });
    if (hit.length) this.retireAfterFault();
  }

  /** EntryOwner: after each entry, a heap reading (rate-limited) and the outcomes settled during it. */
  afterEntry(): void {
    if (!this.disposed) this.heap.afterEntry(this.isolate, this.inflight);
    this.flushPending();
    if (this.spareRefill !== null) this.refillSpares();
  }

  /**
   * After a cold start that took a spare isolate: top the spares up once this instance's first
   * entry is over (its answer is then queued to leave before the refill's timer runs), or when
   * it is disposed first.
   */
  deferSpareRefill(memoryMb: number, use: IsolateUse): void {
    this.spareRefill = { memoryMb, use };
  }

  /** Watched: a call reached its deadline. A result produced but the entry never returned: keep the result. */
  expire(inf: Inflight): void {
    if (inf.pending) this.finalize(inf, inf.pending);
    else this.settle(inf.rid, failure('timeout', 'time out', this.id));
  }

  /** Watched: take no new work. */
  retire(): void {
    this.retired = true;
    this.deps.onStateChange(this);
  }

  /** After a timeout/cancel/fault: take no new work; dispose once the other slots drain. */
  retireAfterFault(): void {
    this.retired = true;
    if (this.entries.busy || this.inflight.size === 0) this.dispose('internal', 'instance terminated after a fault in another request');
    else this.deps.onStateChange(this);
  }

  // ------------------------------------------------------------------ internals

  private enterJob(job: Job): void {
    if (this.disposed) return;
    this.entries.push(job);
  }

  /**
   * Queues a WebSocket event (a client frame, or the close when `d` is null). Events of all the
   * instance's connections that arrive while an entry runs cross together in the next one.
   */
  private queueWs(rid: string, d: string | Uint8Array | null, code: number, reason: string): void {
    if (this.disposed || !this.inflight.has(rid)) return;
    const job = this.ws.add(rid, d, code, reason);
    if (job !== null) this.entries.pushNow(job);
  }

  private admit(rid: string, resolve: (o: ExecutorOutcome) => void, cold: ColdStart | undefined): Inflight {
    const start = Date.now();
    const inf: Inflight = {
      rid, start, deadline: start + this.spec.timeoutMs, logs: [], logBytes: 0, fetches: 0, fetchesActive: 0, heap: 0, resolve,
    };
    this.watchdog.watch(inf.deadline, start);
    if (cold) inf.cold = cold;
    if (this.initLogs.length) {
      inf.logs = this.initLogs.map((l) => ({ ...l, requestId: rid }));
      this.initLogs = [];
    }
    this.inflight.set(rid, inf);
    this.resolveCalls = 0;
    this.lastActive = start;
    this.deps.onStateChange(this);
    return inf;
  }

  private refillSpares(): void {
    const { memoryMb, use } = this.spareRefill!;
    this.spareRefill = null;
    this.deps.spares.replenish(memoryMb, use);
  }

  private flushPending(): void {
    if (this.settledWhileBusy.length === 0) return;
    const list = this.settledWhileBusy;
    this.settledWhileBusy = [];
    for (const inf of list) if (inf.pending) this.finalize(inf, inf.pending);
  }

  private finalize(inf: Inflight, o: ExecutorOutcome): void {
    if (this.inflight.get(inf.rid) !== inf) return;
    this.inflight.delete(inf.rid);
    o.logs = inf.logs.length ? inf.logs.concat(o.logs) : o.logs;
    o.durationMs = Date.now() - inf.start;
    o.memUsageBytes = Math.max(inf.heap, this.heap.used);
    o.instanceId = this.id;
    if (inf.cold) o.coldStart = inf.cold;
    if (!this.disposed && !keepsInstance(o.kind)) {
      try { void this.api.forget.apply(undefined, [inf.rid]).catch(() => undefined); } catch { /* disposed */ }
    }
    this.lastActive = Date.now();
    inf.resolve(o);
    if (this.retired && this.inflight.size === 0) this.dispose();
    else this.deps.onStateChange(this);
  }
}
