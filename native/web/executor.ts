/**
 * The web executor: web functions (Type HTTP) of every subprocess runtime,
 * started by their own `scf_bootstrap` and reached over HTTP on port 9000
 * (its own network namespace per instance where the server can, else a free
 * port in PORT — network.ts). The executor contract's `serveHttp` proxies
 * each exchange (proxy.ts) or WebSocket (websocket.ts); event invocations
 * are not its business (the core never routes them here).
 */
import type { EventCall, Executor, ExecutorOutcome, ExecutorStats, HttpCall, HttpExecutorOutcome, HttpResponseSink, VersionSpec } from '../../executor';
import type { PlatformFacts } from '../process/instance';
import { DEFAULT_INSTANCE_LIMITS } from '../process/executor';
import { countsByKey } from '../process/reclaim';
import type { InstanceLimits, Sandbox } from '../sandbox';
import { detectNetworkMode, linkDir, type NetworkMode } from '../sandbox';
import { WebPool } from './pool';
import { proxyHttp } from './proxy';
import { isUpgrade, proxyWebSocket } from './websocket';

export interface WebExecutorOptions {
  sandbox: Sandbox;
  platform: PlatformFacts;
  /** Idle time after which an instance with no request is reclaimed (ms). */
  keepAliveMs: number;
  limits?: Partial<Omit<InstanceLimits, 'memoryMb'>>;
  /** Force a network mode (tests); default: detected (namespace as root with slirp4netns, else port). */
  network?: NetworkMode;
}

export type WebExecutor = Executor & Required<Pick<Executor, 'describeRuntime'>> & {
  /** The network mode in use, and in words for the start-up log. */
  readonly network: NetworkMode;
  describe(): string;
};

export function createWebExecutor(options: WebExecutorOptions): WebExecutor {
  const detected = detectNetworkMode(options.sandbox.privileged);
  const network = options.network ?? detected.mode;
  if (network === 'namespace' && detected.mode !== 'namespace') throw new Error(`web functions cannot get their own network namespace here: ${detected.why}`);
  const deps = {
    sandbox: options.sandbox,
    platform: options.platform,
    limits: { ...DEFAULT_INSTANCE_LIMITS, ...options.limits },
    network,
    linkDir: network === 'namespace' ? linkDir() : '',
  };
  const pools = new Map<string, WebPool>();
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  let closing: Promise<void> | null = null;

  const poolOf = (spec: VersionSpec): WebPool => {
    let pool = pools.get(spec.key);
    if (pool === undefined) {
      pool = new WebPool(spec, deps, options.keepAliveMs);
      pools.set(spec.key, pool);
    }
    return pool;
  };

  const serve = async (call: HttpCall, sink: HttpResponseSink, signal?: AbortSignal): Promise<HttpExecutorOutcome> => {
    const t0 = performance.now();
    const none = { responseStarted: false, responseBytes: 0, responseEnded: false };
    if (closed) return { kind: 'internal', errorMessage: 'the web executor is closed', logs: [], durationMs: 0, memUsageBytes: 0, instanceId: '', ...none };
    const pool = poolOf(call.spec);
    const placing = pool.acquire();
    const placed = signal === undefined ? await placing : await Promise.race([placing, abortOf(signal)]);
    if (placed === 'aborted') {
      // The client left during the cold start: the instance finishes starting and waits warm for the next request.
      void placing.then((p) => { if (!('failed' in p)) pool.release(p.inst, false); });
      return { kind: 'canceled', errorMessage: 'the client went away before the function answered', logs: [], durationMs: performance.now() - t0, memUsageBytes: 0, instanceId: '', ...none };
    }
    if ('failed' in placed) {
      return { ...placed.failed, logs: placed.inst?.takeLogs(call.requestId) ?? [], durationMs: performance.now() - t0, memUsageBytes: 0, instanceId: placed.inst?.id ?? '', ...none };
    }
    const { inst } = placed;
    const end = sink.upgrade !== undefined && isUpgrade(call.request.headers)
      ? await proxyWebSocket(inst, call, sink, signal)
      : await proxyHttp(inst, call, sink, signal);
    const memUsageBytes = inst.memoryBytes();
    pool.release(inst, inst.exited !== null);
    return {
      ...end,
      logs: inst.takeLogs(call.requestId),
      durationMs: performance.now() - t0,
      memUsageBytes,
      ...(placed.coldStart ? { coldStart: placed.coldStart } : {}),
      instanceId: inst.id,
    };
  };

  return {
    name: 'web',
    network,
    describe(): string {
      return network === 'namespace'
        ? 'web functions: each instance in its own network namespace (port 9000 free in each; slirp4netns: outbound NAT, the host\'s 127.0.0.1 refused)'
        : `web functions: WEAKER ISOLATION — on the host network with a free port in PORT (their code must read PORT; they can reach the host's 127.0.0.1 services): ${detected.why || 'set by option'}`;
    },
    prepare(spec: VersionSpec): VersionSpec {
      if (spec.type !== 'HTTP') throw new Error(`The web executor runs web functions (Type HTTP) only, not ${spec.type} functions.`);
      return spec;
    },
    invoke(call: EventCall): Promise<ExecutorOutcome> {
      return Promise.resolve({ kind: 'internal', errorMessage: `${call.spec.functionName} is a web function: it answers HTTP requests, not events`, logs: [], durationMs: 0, memUsageBytes: 0, instanceId: '' });
    },
    serveHttp(call: HttpCall, sink: HttpResponseSink, signal?: AbortSignal): Promise<HttpExecutorOutcome> {
      const p = serve(call, sink, signal);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      return p;
    },
    provision(spec: VersionSpec, count: number): void {
      if (closed) return;
      poolOf(spec).provision(count);
    },
    provisioned(key: string) {
      return pools.get(key)?.provisioned() ?? { target: 0, ready: 0, error: null };
    },
        instanceCount(key: string): number {
      return pools.get(key)?.instances.size ?? 0;
    },
    stats(): ExecutorStats {
      const processes: ExecutorStats['processes'] = [];
      for (const pool of pools.values()) {
        for (const i of pool.instances) {
          if (i.state !== 'dead' && i.pid > 0) processes.push({ index: processes.length, pid: i.pid, alive: true, restarts: 0, instances: 1, inFlight: i.reserved });
        }
      }
      return { executor: 'web', processes, instances: countsByKey(pools) };
    },
    describeRuntime(runtime: string): string {
      return `the function's own scf_bootstrap (a web server on port 9000, ${runtime}), ${network === 'namespace' ? 'in its own network namespace' : 'on the host network with PORT'}`;
    },
    close(): Promise<void> {
      closed = true;
      closing ??= (async () => {
        await Promise.allSettled([...inFlight]);
        await Promise.all([...pools.values()].map((p) => p.stopAll(1000)));
      })();
      return closing;
    },
    destroy(): void {
      closed = true;
      for (const pool of pools.values()) pool.killAll('the web executor was destroyed');
    },
  };
}

/** Resolves 'aborted' when `signal` aborts (at once if it has). */
function abortOf(signal: AbortSignal): Promise<'aborted'> {
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve('aborted'), { once: true }));
}
