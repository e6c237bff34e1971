/**
 * The JavaScript runtime's face: createIsolateRuntime() starts the isolate
 * host processes and returns the IsolateRuntime the core calls. Function
 * versions are placed on hosts stickily (hash of the version key, next live
 * host when that one is down); a dead host is restarted at once.
 */
import { Restarter, type RestartPolicyOptions } from '../native';
import { failure } from './protocol';
import { resolveOptions, type ResolvedOptions } from './options';
import { HostProcess } from './supervisor';
import type {
  VersionSpec, ExecutorStats, ProvisionProgress, HttpExecutorOutcome, HttpCall, HttpResponseSink, ExecutorOutcome, EventCall, IsolateRuntime, IsolateRuntimeOptions,
} from './types';

export type { FetchPolicy, IsolateRuntime, IsolateRuntimeOptions } from './types';

/** A dead host restarts at once; after more than 3 exits within 5 s (crash-looping) 500 ms later. */
const HOST_RESTARTS: RestartPolicyOptions = { windowMs: 5000, maxExits: 3, backoffMs: 500 };

/** FNV-1a: cheap stable hash for placement. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}

class Runtime implements IsolateRuntime {
  readonly name = 'isolate';
  private readonly hosts: HostProcess[] = [];
  private readonly restarters: Restarter[] = [];
  private closing = false;
  private closed: Promise<void> | null = null;
  private inFlight = 0;
  private readonly waiters = new Set<() => void>();
  /** Provisioned instances asked for, per version key, and the host that keeps them (null until one is up). */
  private readonly provisions = new Map<string, { spec: VersionSpec; count: number; host: HostProcess | null }>();

  constructor(private readonly opts: ResolvedOptions) {}

  async startAll(): Promise<void> {
    const config = { keepAliveMs: this.opts.keepAliveMs, dataDir: this.opts.dataDir, fetchPolicy: this.opts.fetchPolicy };
    const hostOptions = { startTimeoutMs: this.opts.hostStartTimeoutMs, unresponsiveMs: this.opts.hostUnresponsiveMs, forwardStderr: this.opts.forwardHostStderr };
    for (let i = 0; i < this.opts.hosts; i++) {
      const h = new HostProcess(i, config, hostOptions, {
        onReady: () => { this.placeProvisions(); for (const w of [...this.waiters]) w(); },
        // Every failed start ends in another exit, which comes back here.
        onExit: () => { if (!this.closing) restarter.exited(); },
        onScaleOut: () => !this.closing && this.opts.scaleOut(),
      });
      const restarter = new Restarter(() => h.start(), HOST_RESTARTS);
      this.hosts.push(h);
      this.restarters.push(restarter);
    }
    try {
      await Promise.all(this.hosts.map((h) => h.start()));
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  /**
   * A web function's handler names its fetch export: '' → 'index.fetch',
   * 'file' → 'file.fetch'. Done once per version so the host's per-key spec
   * cache sees one stable spec object.
   */
  prepare(spec: VersionSpec): VersionSpec {
    if (spec.type !== 'HTTP') return spec;
    const h = spec.handler;
    if (h.lastIndexOf('.') > 0) return spec;
    return Object.freeze({ ...spec, handler: `${h !== '' ? h : 'index'}.fetch` });
  }

  async invoke(req: EventCall, signal?: AbortSignal): Promise<ExecutorOutcome> {
    if (this.closing) return failure('internal', 'runtime is closed');
    if (signal?.aborted) return failure('canceled', 'request canceled');
    this.inFlight++;
    try {
      const host = await this.pick(req.spec.key);
      if (!host) return failure('internal', 'no isolate host available');
      const p = host.invoke(req.requestId, req.spec, req.event);
      let stopSent = false;
      if (req.stop) {
        const stop = req.stop;
        const onStop = (): void => { stopSent = true; host.terminate(req.requestId); };
        if (stop.aborted) onStop();
        else {
          stop.addEventListener('abort', onStop, { once: true });
          const done = (): void => stop.removeEventListener('abort', onStop);
          void p.then(done, done);
        }
      }
      if (!signal) return normalise(await p);
      return normalise(await new Promise<ExecutorOutcome>((resolve) => {
        const onAbort = (): void => {
          // After a graceful stop the host's own outcome (its log has the signal line) is awaited.
          if (stopSent) { host.cancel(req.requestId, true); return; }
          host.cancel(req.requestId);
          resolve(failure('canceled', 'request canceled'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        void p.then((o) => { signal.removeEventListener('abort', onAbort); resolve(o); });
      }));
    } catch (e) {
      return failure('internal', `runtime fault: ${(e as Error).message}`);
    } finally {
      this.inFlight--;
    }
  }

  serveHttp(req: HttpCall, sink: HttpResponseSink, signal?: AbortSignal): Promise<HttpExecutorOutcome> {
    if (this.closing) return Promise.resolve(httpFailure('internal', 'runtime is closed'));
    if (signal?.aborted) return Promise.resolve(httpFailure('canceled', 'request canceled'));
    // The usual case (the key's host is up) runs no async function: a promise and a resumption fewer per request.
    const host = this.pickLive(req.spec.key);
    return host !== null ? this.serveOn(host, req, sink, signal) : this.serveAfterPick(req, sink, signal);
  }

  /** serveHttp when the key's host is down: waits for a live one (counted in flight meanwhile, for close()). */
  private async serveAfterPick(req: HttpCall, sink: HttpResponseSink, signal?: AbortSignal): Promise<HttpExecutorOutcome> {
    let host: HostProcess | null;
    this.inFlight++;
    try {
      host = await this.pick(req.spec.key);
    } finally {
      this.inFlight--;
    }
    if (!host) return httpFailure('internal', 'no isolate host available');
    if (signal?.aborted) return httpFailure('canceled', 'request canceled');
    return this.serveOn(host, req, sink, signal);
  }

  /** Runs the call on `host`; never rejects (a fault is the call's internal outcome). */
  private serveOn(host: HostProcess, req: HttpCall, sink: HttpResponseSink, signal?: AbortSignal): Promise<HttpExecutorOutcome> {
    this.inFlight++;
    let p: Promise<HttpExecutorOutcome>;
    try {
      p = host.invokeHttp(req.requestId, req.spec, req.request, sink);
    } catch (e) {
      p = Promise.reject(e as Error);
    }
    let onAbort: (() => void) | null = null;
    if (signal) {
      onAbort = () => host.cancelHttp(req.requestId);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    const ended = (): void => {
      if (onAbort) signal!.removeEventListener('abort', onAbort);
      this.inFlight--;
    };
    return p.then(
      (o) => {
        ended();
        return normaliseHttp(o);
      },
      (e: unknown) => {
        ended();
        return httpFailure('internal', `runtime fault: ${(e as Error).message}`);
      },
    );
  }

  instanceCount(key: string): number {
    let n = 0;
    for (const h of this.hosts) {
      const pool = h.pools[key];
      if (pool !== undefined) n += pool.busy + pool.idle;
    }
    return n;
  }

  busyInstanceCount(key: string): number {
    let n = 0;
    for (const h of this.hosts) n += h.pools[key]?.busy ?? 0;
    return n;
  }

  /**
   * Provisioned instances live on the version's host (the sticky placement
   * its calls go to); a host restart places them again (placeProvisions).
   */
  provision(spec: VersionSpec, count: number): void {
    if (this.closing) return;
    const entry = this.provisions.get(spec.key);
    if (count <= 0) {
      if (entry === undefined) return;
      this.provisions.delete(spec.key);
      entry.host?.provision(entry.spec, 0);
      return;
    }
    if (entry !== undefined) { entry.spec = spec; entry.count = count; } else this.provisions.set(spec.key, { spec, count, host: null });
    this.placeProvisions();
  }

  provisioned(key: string): ProvisionProgress {
    const entry = this.provisions.get(key);
    if (entry === undefined) return { target: 0, ready: 0, error: null };
    const pool = entry.host?.alive ? entry.host.pools[key] : undefined;
    if (pool?.pinned !== entry.count) return { target: entry.count, ready: Math.min(pool?.ready ?? 0, entry.count), error: entry.host?.alive ? null : 'isolate host restarting' };
    return { target: entry.count, ready: pool.ready ?? 0, error: pool.error ?? null };
  }

  stats(): ExecutorStats {
    const instances: ExecutorStats['instances'] = {};
    for (const h of this.hosts) {
      for (const [k, v] of Object.entries(h.pools)) {
        const cur = instances[k] ?? { busy: 0, idle: 0 };
        cur.busy += v.busy; cur.idle += v.idle;
        instances[k] = cur;
      }
    }
    return {
      executor: this.name,
      processes: this.hosts.map((h, i) => ({ index: i, pid: h.pid, alive: h.alive, restarts: this.restarters[i]?.restarts ?? 0, instances: h.instances, inFlight: h.inFlight })),
      instances,
    };
  }

  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closing = true;
    for (const r of this.restarters) r.stop();
    this.closed = (async () => {
      const until = Date.now() + 30_000;
      while (this.inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      await Promise.all(this.hosts.map((h) => h.stop(2000)));
    })();
    return this.closed;
  }

  destroy(): void {
    this.closing = true;
    for (const r of this.restarters) r.stop();
    if (!this.closed) this.closed = Promise.resolve();
    for (const h of this.hosts) h.kill();
  }

  /** Sends every provision to its key's host where it is not there yet (after a host start, or a new provision). */
  private placeProvisions(): void {
    for (const [key, entry] of this.provisions) {
      const host = this.pickLive(key);
      if (host === null) continue;
      // Moved (its host came back after another kept it): the other one lets them go.
      if (entry.host !== null && entry.host !== host && entry.host.alive) entry.host.provision(entry.spec, 0);
      if (host.provision(entry.spec, entry.count)) entry.host = host;
    }
  }

  /** The key's host when it is alive (synchronous), else null. */
  private pickLive(key: string): HostProcess | null {
    const h = this.hosts[hash(key) % this.hosts.length];
    return h !== undefined && h.alive ? h : null;
  }

  /** Sticky placement: the hashed host if alive, else the next live one; waits for a restart if none is. */
  private async pick(key: string): Promise<HostProcess | null> {
    const n = this.hosts.length;
    const first = hash(key) % n;
    const until = Date.now() + this.opts.hostStartTimeoutMs;
    for (;;) {
      for (let i = 0; i < n; i++) {
        const h = this.hosts[(first + i) % n]!;
        if (h.alive) return h;
      }
      if (this.closing || Date.now() >= until) return null;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, Math.max(1, until - Date.now()));
        function done(): void { clearTimeout(t); waiters.delete(done); resolve(); }
        const waiters = this.waiters;
        waiters.add(done);
      });
    }
  }
}

function httpFailure(kind: ExecutorOutcome['kind'], message: string): HttpExecutorOutcome {
  return { ...failure(kind, message), responseStarted: false, responseEnded: false, responseBytes: 0 };
}

function normaliseHttp(o: HttpExecutorOutcome): HttpExecutorOutcome {
  if (!Array.isArray(o.logs)) o.logs = [];
  return o;
}

function normalise(o: ExecutorOutcome): ExecutorOutcome {
  if (!Array.isArray(o.logs)) o.logs = [];
  return o;
}

/**
 * Starts `options.hosts` isolate host processes (default: cores) and resolves
 * once all answered ready. Defaults: keepAliveMs 10 min, fetch policy denying
 * loopback/link-local/private addresses.
 */
export async function createIsolateRuntime(options: IsolateRuntimeOptions): Promise<IsolateRuntime> {
  const rt = new Runtime(resolveOptions(options));
  await rt.startAll();
  return rt;
}
