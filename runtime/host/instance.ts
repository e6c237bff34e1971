/**
 * One instance: an isolate + context bound to one function version, with N
 * request slots. Lives inside an isolate host process.
 *
 * Entries into the isolate (dispatch, timer due, fetch done) are serialised
 * by a per-instance queue and always run with isolated-vm's async API, so the
 * host's event loop stays free for the wall-clock watchdog: when an
 * invocation passes its deadline it gets 433, the instance is retired, and if
 * the isolate is executing at that moment it is disposed at once (this covers
 * sync loops, promise-chain loops and timer-callback loops alike).
 * An instance that saw a timeout, an out-of-memory or a cancel is never reused.
 */
import crypto from 'node:crypto';
import ivm from 'isolated-vm';
import type { ColdStart, VersionSpec, ExecutorOutcome, LogLevel, LogLine } from '../types';
import { HTTP_WINDOW_BYTES, MAX_RESPONSE_BYTES, failure, userError } from '../protocol';
import type { FromHost } from '../protocol';
import type { FetchPolicyResolved } from '../options';
import type { HttpExchange } from './http-exchange';
import { policedFetch } from './fetch';
import type { Resolver } from './resolver';
import type { Spares } from './spares';

/** Per-invocation quotas on host callbacks (the spec's log limits, plus timers and fetches). */
export const LIMITS = Object.freeze({
  maxLogLineBytes: 8192,
  maxLogLines: 5000,
  maxLogBytes: 1024 * 1024,
  maxResultBytes: 6 * 1024 * 1024,
  maxTimers: 1000,
  maxFetchBodyBytes: 6 * 1024 * 1024,
  /** Bounds host memory held for one invocation's responses (× fetchPolicy.maxResponseBytes). */
  maxConcurrentFetches: 6,
  /** require()/import resolutions that reach the host per invocation (cached modules do not count). */
  maxResolvesPerInvocation: 10_000,
  /** HTTP: response bytes the isolate may send beyond what the client took. */
  httpWindowBytes: HTTP_WINDOW_BYTES,
  /** HTTP: response body limit (410 beyond it). */
  maxResponseBytes: MAX_RESPONSE_BYTES,
  /** HTTP: bytes the request body stream queues in the isolate before it stops asking for more. */
  requestBodyHighWater: 64 * 1024,
});

/** After a deadline, how long another request's entry may keep the isolate before it counts as a runaway. */
const FOREIGN_ENTRY_GRACE_MS = 100;

const LEVELS = new Set<LogLevel>(['log', 'info', 'warn', 'error', 'debug']);
const OOM_MESSAGE = 'memory limit exceeded';

export interface InstanceDeps {
  spares: Spares;
  fetchPolicy: FetchPolicyResolved;
  /** Called when the instance becomes idle, busy, or disposed (pool bookkeeping). */
  onStateChange(inst: Instance): void;
  /** Sends a frame to the parent (HTTP response frames). */
  out(m: FromHost): void;
}

interface Inflight {
  rid: string;
  start: number;
  deadline: number;
  logs: LogLine[];
  logBytes: number;
  fetches: number;
  fetchesActive: number;
  heap: number;
  cold?: ColdStart;
  resolve(o: ExecutorOutcome): void;
  pending?: ExecutorOutcome;
  http?: HttpExchange;
}

const API_NAMES = ['dispatch', 'fireTimer', 'fetchDone', 'initCjs', 'beginInit', 'initEsm', 'esmReady', 'cjsForEsm', 'forget', 'dispatchHttp', 'dispatchHttpBatch', 'httpCredit', 'httpBody', 'wsEvents'] as const;
type Api = Record<typeof API_NAMES[number], ivm.Reference<unknown>>;

interface Job {
  run: () => Promise<unknown>;
  /** The request an entry failure is reported to (null: none). */
  rid: string | null;
  /** The request whose code the entry runs, when known (timeout handling). */
  owner: string | null;
  /** An HTTP dispatch that may share one isolate call with others queued next to it: its arguments. */
  batch?: unknown[];
  /** The entry that delivers the WebSocket events queued by then (see queueWs). */
  ws?: true;
}

/** HTTP dispatches queued together cross into the isolate in one call (up to this many). */
const MAX_BATCH = 32;
/** Request bodies up to this size may ride in a batch (copied with the call's arguments). */
const MAX_BATCH_BODY = 64 * 1024;

/** Minimum interval between heap readings after entries (see pump). */
const HEAP_SAMPLE_MS = 25;

let seq = 0;

export class Instance {
  readonly id = `${process.pid.toString(36)}-${(++seq).toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
  readonly spec: VersionSpec;
  readonly slots: number;
  retired = false;
  disposed = false;
  lastActive = Date.now();
  private isolate!: ivm.Isolate;
  private context!: ivm.Context;
  private api!: Api;
  private readonly inflight = new Map<string, Inflight>();
  private readonly queue: Job[] = [];
  private busy = false;
  /** A pump start is queued (schedulePump). */
  private pumpQueued = false;
  /**
   * Calls settled while an entry ran (their `pending` outcome is finalised after it): a list, so
   * the pump does not scan every call in flight after each entry.
   */
  private settledWhileBusy: Inflight[] = [];
  /** The entry running now (identity) and the requests it was made for (empty = unknown). */
  private runningJob: object | null = null;
  private runningOwners: string[] = [];
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /**
   * One deadline timer per instance (not one per request): armed for the earliest deadline in
   * flight; when it fires it ends every call past its deadline and re-arms for the next.
   */
  private deadlineTimer: NodeJS.Timeout | null = null;
  private deadlineAt = 0;
  /** Timers that came due while frozen: id → re-arm function for a paused interval (null for a timeout). */
  private readonly deferred = new Map<number, (() => void) | null>();
  private initLogs: LogLine[] = [];
  private heapUsed = 0;
  private heapSampledAt = 0;
  private memoryKill = false;
  private resolveCalls = 0;
  /** True during the cold start: timers may fire (top-level await on a timer). */
  private initializing = false;
  private esmReady: (() => void) | null = null;
  /** WebSocket events waiting for the isolate, [rid, data, code, reason] × n; one queued entry delivers them all. */
  private wsEvents: unknown[] = [];
  private wsEntryQueued = false;

  constructor(spec: VersionSpec, private readonly resolver: Resolver, private readonly deps: InstanceDeps) {
    this.spec = spec;
    this.slots = Math.max(1, Math.floor(spec.instanceConcurrency || 1));
  }

  /** Slots promised to requests that wait for this instance's cold start. */
  reserved = 0;
  /** Set while the cold start runs; resolves to its result. */
  starting: Promise<{ error: ExecutorOutcome } | { cold: ColdStart }> | null = null;

  get active(): number { return this.inflight.size; }
  get available(): boolean { return !this.retired && !this.disposed && this.inflight.size + this.reserved < this.slots; }

  /**
   * Cold start: InitRuntime (isolate, context, globals) and InitFunction (the
   * module's top level) under the init timeout. PullCode (resolving/reading
   * files) is measured by the resolver and reported apart.
   * Resolves to the phase timings, or to the failure outcome (its logs are
   * the top-level console lines, with request id '').
   */
  async start(): Promise<{ error: ExecutorOutcome } | { cold: ColdStart }> {
    const spec = this.spec;
    const t0 = performance.now();
    const fs0 = this.resolver.fsMs;
    const dot = spec.handler.lastIndexOf('.');
    const file = dot > 0 ? spec.handler.slice(0, dot) : spec.handler;
    const exportName = dot > 0 ? spec.handler.slice(dot + 1) : '';
    const entry = exportName ? this.resolver.entry(file) : null;
    if (entry === null) return { error: failure('handler_missing', exportName ? `module missing: ${file}` : `handler missing: ${spec.handler}`, this.id) };
    if (entry.format === 'esm' || entry.format === 'cjs') this.resolver.source(entry.path);
    const pull1 = this.resolver.fsMs - fs0;

    const t1 = performance.now();
    try {
      const prepared = this.deps.spares.take(Math.max(8, Math.floor(spec.memoryMb)));
      this.isolate = prepared.isolate;
      this.context = prepared.context;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const boot = prepared.boot as ivm.Reference<any>;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const apiRef = boot.applySync(undefined, this.callbacks() as any[], { result: { reference: true }, timeout: 2000 }) as unknown as ivm.Reference<any>;
      boot.release();
      const api: Partial<Api> = {};
      for (const k of API_NAMES) {
        api[k] = (apiRef.getSync as (k: string, o: { reference: true }) => ivm.Reference<unknown>)(k, { reference: true });
      }
      apiRef.release();
      this.api = api as Api;
    } catch (e) {
      this.dispose();
      return { error: failure(this.memoryKill ? 'oom' : 'internal', `runtime initialisation failed: ${(e as Error).message}`, this.id) };
    }
    const t2 = performance.now();

    const fs1 = this.resolver.fsMs;
    let initErr: ExecutorOutcome | null = null;
    this.initializing = true;
    const watchdog = setTimeout(() => {
      initErr = failure('timeout', `init time out (${spec.initTimeoutMs} ms)`, this.id);
      this.dispose();
    }, spec.initTimeoutMs);
    try {
      const label = `${file}.${exportName}`;
      let res: unknown;
      if (entry.format === 'esm') {
        res = await this.initEsm(entry.path, exportName, label);
      } else {
        res = await this.api.initCjs.apply(undefined, [entry.path, entry.format, exportName, label], { timeout: spec.initTimeoutMs });
      }
      this.sampleHeap();
      if (typeof res === 'string' && res !== '') {
        const r = JSON.parse(res) as { missing?: string; thrown?: { name: string; message: string; stack: string } };
        if (r.missing) initErr = failure('handler_missing', r.missing, this.id);
        else if (r.thrown) initErr = userError(r.thrown, this.id);
      }
    } catch (e) {
      initErr ??= this.entryFailure(e, true);
    } finally {
      clearTimeout(watchdog);
      this.initializing = false;
    }
    this.deps.spares.replenish(Math.max(8, Math.floor(spec.memoryMb)));
    if (initErr) {
      this.dispose();
      const o: ExecutorOutcome = initErr;
      o.logs = this.initLogs;
      return { error: o };
    }
    const t3 = performance.now();
    const fsInit = this.resolver.fsMs - fs1;
    const cold: ColdStart = {
      pullCodeMs: round(pull1 + fsInit),
      initRuntimeMs: round(t2 - t1),
      initFunctionMs: round(Math.max(0, t3 - t2 - fsInit)),
      totalMs: round(t3 - t0),
    };
    return { cold };
  }

  /** ESM entry: compile the graph on the host side, instantiate, evaluate, hand the namespace to the bootstrap. */
  private async initEsm(entryPath: string, exportName: string, label: string): Promise<unknown> {
    const isolate = this.isolate;
    const byPath = new Map<string, ivm.Module>();
    const pathOf = new Map<ivm.Module, string>();
    const compile = async (vpath: string, format: string): Promise<ivm.Module> => {
      const key = `${format}:${vpath}`;
      const hit = byPath.get(key);
      if (hit) return hit;
      let m: ivm.Module;
      if (format === 'esm') {
        const src = this.resolver.source(vpath);
        if (src === null) throw new Error(`Cannot find module '${vpath}'`);
        m = await isolate.compileModule(src, { filename: vpath });
      } else {
        m = await isolate.compileModule(`export default globalThis.__isola_cjs(${JSON.stringify(vpath)}, ${JSON.stringify(format)});`, { filename: `${vpath}?commonjs` });
      }
      byPath.set(key, m);
      pathOf.set(m, vpath);
      return m;
    };
    const root = await compile(entryPath, 'esm');
    // The wrapper's body runs only once the whole graph, top-level await included, has evaluated:
    // it hands the namespace to the bootstrap, which signals the host ('init' done).
    const wrapper = await isolate.compileModule(`import * as ns from ${JSON.stringify(entryPath)};\nglobalThis.__isola_esm_ready(ns);`, { filename: 'isola:esm-entry' });
    await wrapper.instantiate(this.context, async (specifier, referrer) => {
      if (referrer === wrapper) return root;
      const r = this.resolver.resolve(pathOf.get(referrer) ?? null, specifier, 'import');
      if ('error' in r) throw new Error(r.error);
      return compile(r.path, r.format);
    });
    const ready = new Promise<void>((resolve) => { this.esmReady = resolve; });
    await this.api.beginInit.apply(undefined, []);
    const g = this.context.global;
    await g.set('__isola_cjs', this.api.cjsForEsm.derefInto());
    await g.set('__isola_esm_ready', this.api.esmReady.derefInto());
    try {
      await wrapper.evaluate({ timeout: this.spec.initTimeoutMs });
      // Top-level await still pending (e.g. on a timer): wait; the init watchdog bounds this.
      await Promise.race([ready, new Promise((r) => setTimeout(r, this.spec.initTimeoutMs + 100))]);
    } finally {
      this.esmReady = null;
      if (!this.isolate.isDisposed) {
        await g.delete('__isola_cjs').catch(() => undefined);
        await g.delete('__isola_esm_ready').catch(() => undefined);
      }
    }
    return this.api.initEsm.apply(undefined, [exportName, label], { timeout: this.spec.initTimeoutMs });
  }

  /** Runs one invocation on this instance (a slot must be free). */
  run(rid: string, event: string, cold?: ColdStart): Promise<ExecutorOutcome> {
    return new Promise<ExecutorOutcome>((resolve) => {
      const inf = this.admit(rid, resolve, cold);
      const info = JSON.stringify({ deadline: inf.deadline });
      this.enter(rid, () => this.api.dispatch.apply(undefined, [rid, event, info], { timeout: this.spec.timeoutMs + 50 }));
      this.fireDeferred();
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
      const h = ex.head;
      const timeout = { timeout: this.spec.timeoutMs + 50 };
      ex.attach({
        deliver: (c, end) => {
          const bytes = c === null ? null : new ivm.ExternalCopy(c.buffer, { transferList: [c.buffer] }).copyInto({ release: true, transferIn: true });
          this.enter(rid, () => this.api.httpBody.apply(undefined, [rid, bytes, end], timeout));
        },
        grant: (n) => this.enter(rid, () => this.api.httpCredit.apply(undefined, [rid, n], timeout)),
        ws: (d, code, reason) => this.queueWs(rid, d, code, reason),
      });
      const headers = h.headersJson;
      // The dispatch below holds what it needs; a WebSocket call lives on, and its head would stay with it.
      h.headersJson = '';
      const body = h.body !== null && h.body.byteLength > 0 ? h.body : null;
      h.body = null;
      if (body === null || body.byteLength <= MAX_BATCH_BODY) {
        // A view into a larger buffer (a msgpack frame) would be copied whole: copy the bytes out.
        const own = body === null || (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength) ? body : new Uint8Array(body);
        const args = [rid, h.method, h.url, headers, own, h.streamed];
        // Alone in the queue: plain arguments (copy: true costs more than the body's ExternalCopy).
        const run = (): Promise<unknown> => this.api.dispatchHttp.apply(undefined,
          [rid, h.method, h.url, headers, own === null ? null : new ivm.ExternalCopy(own).copyInto({ release: true }), h.streamed], timeout);
        this.queue.push({ rid, owner: rid, batch: args, run });
        this.schedulePump();
      } else {
        const own = new Uint8Array(body);
        const copy = new ivm.ExternalCopy(own.buffer, { transferList: [own.buffer] }).copyInto({ release: true, transferIn: true });
        this.enter(rid, () => this.api.dispatchHttp.apply(undefined, [rid, h.method, h.url, headers, copy, h.streamed], timeout));
      }
      this.fireDeferred();
    });
  }

  /**
   * Queues a WebSocket event (a client frame, or the close when `d` is null). Events of all the
   * instance's connections that arrive while an entry runs cross together in the next one.
   */
  private queueWs(rid: string, d: string | Uint8Array | null, code: number, reason: string): void {
    if (this.disposed || !this.inflight.has(rid)) return;
    // A view into a frame buffer would be cloned with its whole buffer: copy the bytes out.
    this.wsEvents.push(rid, d instanceof Uint8Array ? new Uint8Array(d) : d, code, reason);
    if (this.wsEntryQueued) return;
    this.wsEntryQueued = true;
    this.queue.push({ rid: null, owner: null, ws: true, run: () => Promise.resolve() });
    if (!this.busy) void this.pump();
  }

  private admit(rid: string, resolve: (o: ExecutorOutcome) => void, cold: ColdStart | undefined): Inflight {
    const start = Date.now();
    const inf: Inflight = {
      rid, start, deadline: start + this.spec.timeoutMs, logs: [], logBytes: 0, fetches: 0, fetchesActive: 0, heap: 0, resolve,
    };
    if (this.deadlineTimer === null || inf.deadline < this.deadlineAt) this.armDeadline(inf.deadline, start);
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

  /** Timers that came due while the instance was frozen run now (once each). */
  private fireDeferred(): void {
    if (!this.deferred.size) return;
    const due = [...this.deferred];
    this.deferred.clear();
    for (const [, rearm] of due) rearm?.();
    for (const [id] of due) this.enter(null, () => this.api.fireTimer.apply(undefined, [id], { timeout: this.spec.timeoutMs + 50 }));
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

  /** Frees the isolate; every invocation still running fails with `kind`. */
  dispose(kind: ExecutorOutcome['kind'] = 'internal', message = 'instance disposed'): void {
    if (this.disposed) return;
    this.disposed = true;
    this.retired = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    if (this.deadlineTimer !== null) { clearTimeout(this.deadlineTimer); this.deadlineTimer = null; }
    this.deferred.clear();
    this.queue.length = 0;
    this.wsEvents = [];
    this.wsEntryQueued = false;
    try { if (this.isolate && !this.isolate.isDisposed) this.isolate.dispose(); } catch { /* already gone */ }
    for (const rid of [...this.inflight.keys()]) this.settle(rid, failure(kind, message, this.id));
    this.deps.onStateChange(this);
  }

  // ------------------------------------------------------------------ internals

  private enter(rid: string | null, run: () => Promise<unknown>, owner: string | null = rid): void {
    if (this.disposed) return;
    this.queue.push({ run, rid, owner });
    this.schedulePump();
  }

  /**
   * Starts the pump in a microtask, not in the caller's stack: the requests of one frame chunk (all
   * read synchronously) are then queued before the first entry and cross as one batch, and the
   * async apply captures its 10-frame stack trace from a shallow stack (from deep in the frame
   * reader that capture cost ~6 % of the host's thread).
   */
  private schedulePump(): void {
    if (this.busy || this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(this.startPump);
  }

  private readonly startPump = (): void => {
    this.pumpQueued = false;
    if (!this.busy) void this.pump();
  };

  /** Consecutive HTTP dispatches at the head of the queue become one isolate call. */
  private nextJob(): { job: object; run: () => Promise<unknown>; rids: string[]; owners: string[] } {
    const job = this.queue.shift()!;
    if (job.ws) return this.wsJob(job);
    if (!job.batch || !this.queue[0]?.batch) return { job, run: job.run, rids: job.rid === null ? [] : [job.rid], owners: job.owner === null ? [] : [job.owner] };
    const jobs = [job];
    while (jobs.length < MAX_BATCH && this.queue[0]?.batch) jobs.push(this.queue.shift()!);
    const rids = jobs.map((j) => j.rid!);
    const timeout = this.spec.timeoutMs + 50;
    if (jobs.every((j) => j.batch![4] === null && !(j.batch![3] as string).includes('\0'))) {
      // No bodies: the batch crosses as strings, which need no structured clone (that cost ~25 µs per
      // call): the rest of each request as one JSON list, and the header JSON texts (no NUL in a
      // JSON text) joined by NULs, so the isolate parses a request's headers only if it reads them
      // (parsing them all with the batch was ~20 % of the isolate's thread).
      let json = '[';
      let heads = '';
      for (let i = 0; i < jobs.length; i++) {
        const b = jobs[i]!.batch!;
        json += `${i === 0 ? '' : ','}${JSON.stringify(b[0])},${JSON.stringify(b[1])},${JSON.stringify(b[2])},null,null,${b[5] === true}`;
        heads += i === 0 ? (b[3] as string) : `\0${b[3] as string}`;
      }
      json += ']';
      return { job, rids, owners: rids, run: () => this.api.dispatchHttpBatch.apply(undefined, [json, heads], { timeout }) };
    }
    const list = jobs.flatMap((j) => j.batch!);
    return {
      job, rids, owners: rids,
      run: () => this.api.dispatchHttpBatch.apply(undefined, [list], { timeout, arguments: { copy: true } }),
    };
  }

  /** The queued WebSocket events as one isolate call: a JSON string when all are text or closes. */
  private wsJob(job: Job): { job: object; run: () => Promise<unknown>; rids: string[]; owners: string[] } {
    const list = this.wsEvents;
    this.wsEvents = [];
    this.wsEntryQueued = false;
    const rids: string[] = [];
    let binary = false;
    for (let i = 0; i < list.length; i += 4) {
      if (!rids.includes(list[i] as string)) rids.push(list[i] as string);
      if (list[i + 1] instanceof Uint8Array) binary = true;
    }
    const timeout = this.spec.timeoutMs + 50;
    const run = binary
      ? () => this.api.wsEvents.apply(undefined, [list], { timeout, arguments: { copy: true } })
      : () => this.api.wsEvents.apply(undefined, [JSON.stringify(list)], { timeout });
    return { job, rids, owners: rids, run };
  }

  private async pump(): Promise<void> {
    this.busy = true;
    while (this.queue.length && !this.disposed) {
      const { job, run, rids, owners } = this.nextJob();
      this.runningJob = job;
      this.runningOwners = owners;
      try {
        await run();
      } catch (e) {
        if (!this.disposed) {
          const o = this.entryFailure(e, false);
          if (o.kind === 'timeout' || o.kind === 'oom') this.dispose(o.kind, o.errorMessage);
          else {
            const hit = rids.filter((r) => this.inflight.has(r));
            for (const r of hit) this.settle(r, { ...o, logs: [] });
            if (hit.length) this.retireAfterFault();
          }
        }
      }
      this.runningJob = null;
      // Heap statistics take the isolate lock synchronously (measured ~0.3 ms each under load, the
      // lock being busy): read them at most every HEAP_SAMPLE_MS while entries keep coming
      // (memUsageBytes is the max seen, so entries sharing one reading are still covered).
      if (!this.disposed) {
        const now = Date.now();
        if (now - this.heapSampledAt >= HEAP_SAMPLE_MS) { this.heapSampledAt = now; this.sampleHeap(); }
      }
      this.flushPending();
    }
    this.busy = false;
  }

  /** Maps an error from an isolated-vm call to an outcome. */
  private entryFailure(e: unknown, init: boolean): ExecutorOutcome {
    const msg = e instanceof Error ? e.message : String(e);
    if (this.memoryKill || /memory limit|out of memory/i.test(msg)) { this.memoryKill = true; return failure('oom', OOM_MESSAGE, this.id); }
    if (/Script execution timed out/.test(msg)) return failure('timeout', init ? `init time out (${this.spec.initTimeoutMs} ms)` : 'time out', this.id);
    if (init) {
      const name = e instanceof Error ? e.name : 'Error';
      return { ...failure('user_error', `${name}: ${msg}`, this.id), errorStack: e instanceof Error && typeof e.stack === 'string' ? e.stack : '' };
    }
    return failure('internal', `isolate entry failed: ${msg}`, this.id);
  }

  private sampleHeap(): void {
    try {
      const h = this.isolate.getHeapStatisticsSync();
      this.heapUsed = h.used_heap_size + (h.externally_allocated_size ?? 0);
      for (const inf of this.inflight.values()) if (this.heapUsed > inf.heap) inf.heap = this.heapUsed;
    } catch { /* disposed */ }
  }

  private flushPending(): void {
    if (this.settledWhileBusy.length === 0) return;
    const list = this.settledWhileBusy;
    this.settledWhileBusy = [];
    for (const inf of list) if (inf.pending) this.finalize(inf, inf.pending);
  }

  private armDeadline(at: number, now: number): void {
    if (this.deadlineTimer !== null) clearTimeout(this.deadlineTimer);
    this.deadlineAt = at;
    this.deadlineTimer = setTimeout(this.sweepDeadlines, Math.max(0, at - now));
    this.deadlineTimer.unref();
  }

  /** The deadline timer: every call past its deadline times out; re-arms for the earliest one left. */
  private readonly sweepDeadlines = (): void => {
    this.deadlineTimer = null;
    if (this.disposed) return;
    const now = Date.now();
    let due: string[] | null = null;
    let next = Infinity;
    for (const inf of this.inflight.values()) {
      if (inf.deadline <= now) (due ??= []).push(inf.rid);
      else if (inf.deadline < next) next = inf.deadline;
    }
    if (due) for (const rid of due) { if (this.disposed) break; this.onDeadline(rid); }
    if (!this.disposed && next !== Infinity && (this.deadlineTimer === null || next < this.deadlineAt)) this.armDeadline(next, now);
  };

  private onDeadline(rid: string): void {
    const inf = this.inflight.get(rid);
    if (!inf) return;
    // A result produced but the entry never returned (code still running after it): keep the result, kill the isolate.
    if (inf.pending) this.finalize(inf, inf.pending);
    else this.settle(rid, failure('timeout', 'time out', this.id));
    if (!this.busy) { this.retireAfterFault(); return; }
    // The isolate is executing. If it runs this request's entry (or one of unknown owner), it is the
    // runaway: dispose now. If it runs another request's entry, give that entry a moment to return
    // (the usual case with several slots); only if it is still the same entry then, dispose.
    if (this.runningOwners.length === 0 || this.runningOwners.includes(rid) || this.slots === 1) { this.dispose('timeout', 'time out'); return; }
    this.retired = true;
    this.deps.onStateChange(this);
    const job = this.runningJob;
    setTimeout(() => {
      if (this.disposed) return;
      if (this.busy && this.runningJob === job) this.dispose('timeout', 'time out');
      else if (this.inflight.size === 0 && !this.busy) this.dispose('internal', 'instance terminated after a fault in another request');
    }, FOREIGN_ENTRY_GRACE_MS).unref();
  }

  /** After a timeout/cancel/fault: take no new work; dispose once the other slots drain. */
  private retireAfterFault(): void {
    this.retired = true;
    if (this.busy || this.inflight.size === 0) this.dispose('internal', 'instance terminated after a fault in another request');
    else this.deps.onStateChange(this);
  }

  /** Records an invocation's outcome; finalised when the current entry has returned (so heap stats are readable). */
  private settle(rid: string, o: ExecutorOutcome): void {
    const inf = this.inflight.get(rid);
    if (!inf) return;
    if (!keepsInstance(o.kind)) { this.finalize(inf, o); return; }
    if (!this.busy) { this.finalize(inf, o); return; }
    if (inf.pending === undefined) this.settledWhileBusy.push(inf);
    inf.pending = o;
  }

  private finalize(inf: Inflight, o: ExecutorOutcome): void {
    if (this.inflight.get(inf.rid) !== inf) return;
    this.inflight.delete(inf.rid);
    o.logs = inf.logs.length ? inf.logs.concat(o.logs) : o.logs;
    o.durationMs = Date.now() - inf.start;
    o.memUsageBytes = Math.max(inf.heap, this.heapUsed);
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

  /** The host capabilities handed to the bootstrap (in its parameter order). */
  private callbacks(): unknown[] {
    const log = (level: unknown, msg: unknown, rid: unknown): void => {
      if (typeof msg !== 'string' || typeof rid !== 'string') return;
      const lvl = (LEVELS.has(level as LogLevel) ? level : 'log') as LogLevel;
      const line = msg.length > LIMITS.maxLogLineBytes ? msg.slice(0, LIMITS.maxLogLineBytes) : msg;
      if (rid === '') {
        if (this.initLogs.length < LIMITS.maxLogLines) this.initLogs.push({ time: Date.now(), level: lvl, message: line, requestId: '' });
        return;
      }
      const inf = this.inflight.get(rid);
      if (!inf || inf.pending) return;
      if (inf.logs.length >= LIMITS.maxLogLines + 1 || inf.logBytes >= LIMITS.maxLogBytes + LIMITS.maxLogLineBytes) return;
      inf.logBytes += line.length;
      inf.logs.push({ time: Date.now(), level: lvl, message: line, requestId: rid });
    };
    const timer = (id: unknown, ms: unknown, repeat: unknown, timerRid: unknown): void => {
      const owner = typeof timerRid === 'string' ? timerRid : null;
      if (typeof id !== 'number' || typeof ms !== 'number' || this.disposed) return;
      const old = this.timers.get(id);
      if (ms < 0) {
        if (old) { clearTimeout(old); this.timers.delete(id); }
        this.deferred.delete(id);
        return;
      }
      if (old || this.timers.size >= LIMITS.maxTimers) return;
      const fire = (): void => {
        if (!repeat) this.timers.delete(id);
        if (this.disposed) return;
        if (this.inflight.size === 0 && !this.initializing) {
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
        this.enter(null, () => this.api.fireTimer.apply(undefined, [id], { timeout: this.spec.timeoutMs + 50 }), owner);
      };
      const delay = Math.min(Math.max(1, ms), 2_147_483_647);
      this.timers.set(id, repeat ? setInterval(fire, delay) : setTimeout(fire, delay));
    };
    const fetch = (id: unknown, rid: unknown, url: unknown, method: unknown, headersJson: unknown, body: unknown): void => {
      if (typeof id !== 'number' || typeof rid !== 'string' || typeof url !== 'string' || typeof method !== 'string' || typeof headersJson !== 'string') return;
      const fail = (message: string): void => {
        this.enter(null, () => this.api.fetchDone.apply(undefined, [id, false, 0, '', '[]', new ivm.ExternalCopy(new ArrayBuffer(0)).copyInto(), message]));
      };
      const inf = this.inflight.get(rid);
      if (!inf) { fail('the request that started this fetch has finished'); return; }
      if (++inf.fetches > this.deps.fetchPolicy.maxPerInvocation) { fail(`too many fetches in one invocation (limit ${this.deps.fetchPolicy.maxPerInvocation})`); return; }
      if (inf.fetchesActive >= LIMITS.maxConcurrentFetches) { fail(`too many concurrent fetches (limit ${LIMITS.maxConcurrentFetches})`); return; }
      inf.fetchesActive++;
      let headers: [string, string][] = [];
      try {
        const parsed: unknown = JSON.parse(headersJson);
        if (Array.isArray(parsed)) headers = parsed.filter((p): p is [string, string] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string');
      } catch { /* no headers */ }
      const buf = typeof body === 'string' ? Buffer.from(body, 'latin1') : null;
      policedFetch({ url, method, headers, body: buf }, this.deps.fetchPolicy, inf.deadline - Date.now()).finally(() => { inf.fetchesActive--; }).then((res) => {
        if (this.disposed) return;
        const ab = res.body.buffer.slice(res.body.byteOffset, res.body.byteOffset + res.body.byteLength) as ArrayBuffer;
        this.enter(null, () => this.api.fetchDone.apply(undefined,
          [id, true, res.status, res.statusText, JSON.stringify(res.headers), new ivm.ExternalCopy(ab).copyInto({ release: true }), ''],
          { timeout: this.spec.timeoutMs + 50 }));
      }, (e: Error) => { if (!this.disposed) fail(e.message); });
    };
    const done = (rid: unknown, status: unknown, payload: unknown): void => {
      if (typeof rid !== 'string' || typeof payload !== 'string') return;
      if (rid === '' && status === 'init') { this.esmReady?.(); return; }
      if (!this.inflight.has(rid)) return;
      if (status === 'ok') {
        this.settle(rid, { kind: 'ok', result: payload, logs: [], durationMs: 0, memUsageBytes: 0, instanceId: this.id });
      } else if (status === 'error') {
        let info = { name: 'Error', message: 'unknown error', stack: '' };
        try { info = JSON.parse(payload) as typeof info; } catch { /* keep default */ }
        this.settle(rid, userError(info, this.id));
      } else {
        this.settle(rid, failure('user_error', payload.slice(0, 1024), this.id));
      }
    };
    const resolve = (from: unknown, spec: unknown, mode: unknown): string => {
      if ((typeof from !== 'string' && from !== null) || typeof spec !== 'string' || spec.length > 4096) return JSON.stringify({ error: 'invalid module request', code: 'ERR_INVALID_ARG' });
      // Each call runs on the host's event loop: bound them so one tenant cannot starve the others.
      if (++this.resolveCalls > LIMITS.maxResolvesPerInvocation) return JSON.stringify({ error: `too many module resolutions (limit ${LIMITS.maxResolvesPerInvocation} per invocation)`, code: 'ERR_QUOTA' });
      return JSON.stringify(this.resolver.resolve(from, spec, mode === 'import' ? 'import' : 'require'));
    };
    const httpOne = (kind: unknown, rid: unknown, a: unknown, b: unknown, c: unknown, d: unknown): void => {
      if (typeof rid !== 'string') return;
      const inf = this.inflight.get(rid);
      if (!inf?.http || inf.pending) return;
      const o = inf.http.fromIsolate(kind, a, b, c, d, this.id);
      if (o) this.settle(rid, o);
    };
    const http = (kind: unknown, rid: unknown, a: unknown, b: unknown, c: unknown, d: unknown): void => {
      if (kind !== 'finals') { httpOne(kind, rid, a, b, c, d); return; }
      // The complete responses of one entry (sandbox/http.js httpFinal), 4 values each.
      if (!Array.isArray(a)) return;
      for (let i = 0; i + 3 < a.length; i += 4) httpOne('final', a[i], a[i + 1], a[i + 2], a[i + 3], undefined);
    };
    const source = (p: unknown): string | null => (typeof p === 'string' ? this.resolver.source(p) : null);
    const random = (n: unknown): string => crypto.randomBytes(typeof n === 'number' && n > 0 && n <= 65536 ? n : 4096).toString('latin1');
    return [
      new ivm.Callback(log, { ignored: true }),
      new ivm.Callback(timer, { ignored: true }),
      new ivm.Callback(fetch, { ignored: true }),
      new ivm.Callback(done, { ignored: true }),
      new ivm.Callback(resolve),
      new ivm.Callback(source),
      new ivm.Callback(random),
      JSON.stringify({
        env: this.spec.env ?? {},
        functionName: this.spec.functionName,
        version: this.spec.version,
        namespace: this.spec.namespace,
        memoryMb: this.spec.memoryMb,
        timeoutMs: this.spec.timeoutMs,
        limits: LIMITS,
      }),
      new ivm.Callback(http, { ignored: true }),
    ];
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Outcomes after which the instance's JavaScript state is sound: the call ended in the user's code. */
function keepsInstance(kind: ExecutorOutcome['kind']): boolean {
  return kind === 'ok' || kind === 'user_error' || kind === 'response_too_large';
}
