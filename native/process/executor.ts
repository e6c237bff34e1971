/**
 * The process executor: event functions of the built-in subprocess runtimes
 * (Python, Node.js) and of the custom runtime (scf_bootstrap + the HTTP
 * runtime API) in supervised, confined processes — the executor contract
 * (executor/contract.ts) over one Pool per version key.
 *
 * The executor owns the custom runtime's peer lookup (native/custom's
 * SockDiagLookup, one helper process): only this executor serves runtime
 * APIs, so it is started on the first custom instance — a server without
 * custom functions runs no helper — and closed with the executor; in
 * namespace mode it is never needed (a custom instance's API listens in its
 * own namespace, where only it can connect). Likewise the helper that opens
 * sockets in instances' network namespaces (native/sandbox's
 * NamespaceSockets: Go functions' rpc ports, custom runtimes' APIs), started
 * on first use.
 */
import os from 'node:os';
import path from 'node:path';
import type { EventCall, Executor, ExecutorOutcome, ExecutorStats, HttpCall, HttpExecutorOutcome, VersionSpec } from '../../executor';
import type { PlatformFacts } from './instance';
import { Pool } from './pool';
import { countsByKey } from './reclaim';
import { builtInRuntimes, defaultPhp, familyOf, versionOnce, type BuiltInRuntime, type RuntimeBinaries } from './runtimes';
import { defaultJavaInstall, type JavaInstall } from './java';
import { detectNetworkMode, linkDir, NamespaceSockets, type InstanceLimits, type NetworkMode, type Sandbox } from '../sandbox';
import { SockDiagLookup } from '../custom';

export interface ProcessExecutorOptions {
  sandbox: Sandbox;
  platform: PlatformFacts;
  /** Idle time after which a warm instance is reclaimed (ms). */
  keepAliveMs: number;
  binaries?: Partial<RuntimeBinaries>;
  /** Limits of every instance besides its memory (which is the function's). */
  limits?: Partial<Omit<InstanceLimits, 'memoryMb'>>;
  /** The least time an interpreter gets to start (ms, default 10 000): the init timeout is the function's module load. */
  minRuntimeStartMs?: number;
  /** Where runtimes cache what they build on this host (the compiled Java bootstrap); default: a dir under the OS temp dir. The server passes `<dataDir>/runtimes`. */
  cacheDir?: string;
  /** Pre-started spares where the runtime asks for them (Java: 1 per version with traffic; see pool.ts). Default true. */
  spares?: boolean;
  /** The Java runtime's JDK, JSON library and class data sharing (defaults: java/javac in PATH, Debian's Gson, CDS on). */
  java?: Partial<Omit<JavaInstall, 'cacheDir'>>;
  /**
   * Force a network mode (tests, benches); default: detected as for web functions — 'namespace' (an
   * own network namespace per instance, slirp4netns's outbound link) as root with slirp4netns, else
   * 'port' (the host's network). Every runtime, the custom one included.
   */
  network?: NetworkMode;
}

/** One runtime family's availability on this host: `reason` says why it cannot run here (null: it can). */
export interface RuntimeAvailability {
  family: string;
  reason: string | null;
}

export type ProcessExecutor = Executor & Required<Pick<Executor, 'describeRuntime'>> & {
  /** Every runtime family of this executor and whether this host can run it (for `isola serve`'s start report). */
  availability(): RuntimeAvailability[];
  /** The network mode in use. */
  readonly network: NetworkMode;
  /** One line for the start-up log: which network event functions get, and why not their own. */
  describeNetwork(): string;
};

export const DEFAULT_INSTANCE_LIMITS: Readonly<Omit<InstanceLimits, 'memoryMb'>> = Object.freeze({ pids: 64, openFiles: 1024, tmpMb: 512 });

/** Builds the executor; checks the interpreters once (their versions, for GetFunction and the README). */
export function createProcessExecutor(options: ProcessExecutorOptions): ProcessExecutor {
  const bin: RuntimeBinaries = {
    python: options.binaries?.python ?? '/usr/bin/python3',
    node: options.binaries?.node ?? process.execPath,
    php: options.binaries?.php === undefined ? defaultPhp() : options.binaries.php,
  };
  const cacheDir = options.cacheDir ?? path.join(os.tmpdir(), 'isola-runtimes');
  const java = { ...defaultJavaInstall(cacheDir), ...options.java };
  const runtimes = builtInRuntimes(bin, { python: versionOnce(`python:${bin.python}`, bin.python, ['--version'], /Python (\S+)/), node: process.versions.node }, java);
  const limits = { ...DEFAULT_INSTANCE_LIMITS, ...options.limits };
  const pools = new Map<string, Pool>();
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  let closing: Promise<void> | null = null;
  const detected = detectNetworkMode(options.sandbox.privileged);
  const network = options.network ?? detected.mode;
  if (network === 'namespace' && detected.mode !== 'namespace') throw new Error(`event functions cannot get their own network namespace here: ${detected.why}`);
  let sockets: NamespaceSockets | null = null;
  const networkDeps = {
    mode: network,
    linkDir: network === 'namespace' ? linkDir() : '',
    connect: (pid: number, port: number) => (sockets ??= new NamespaceSockets()).connect(pid, port),
    listen: (pid: number, port: number) => (sockets ??= new NamespaceSockets()).listen(pid, port),
  };
  let lookup: SockDiagLookup | null = null;
  const peerLookup = (): SockDiagLookup => {
    if (lookup === null) {
      lookup = new SockDiagLookup();
      lookup.start();
    }
    return lookup;
  };

  const runtimeOf = (spec: VersionSpec): BuiltInRuntime | undefined => {
    const family = familyOf(spec.runtime);
    return family === null ? undefined : runtimes.get(family);
  };

  const poolOf = (spec: VersionSpec): Pool => {
    let pool = pools.get(spec.key);
    if (pool === undefined) {
      const runtime = runtimeOf(spec)!;
      const spares = options.spares === false ? 0 : runtime.spares ?? 0;
      pool = new Pool(spec, { sandbox: options.sandbox, runtime, platform: options.platform, limits, minRuntimeStartMs: options.minRuntimeStartMs ?? 10_000, peerLookup, network: networkDeps }, options.keepAliveMs, spares);
      pools.set(spec.key, pool);
    }
    return pool;
  };

  const refused = (why: string): ExecutorOutcome => ({ kind: 'internal', errorMessage: why, logs: [], durationMs: 0, memUsageBytes: 0, instanceId: '' });

  return {
    name: 'process',
    network,
    describeNetwork(): string {
      return network === 'namespace'
        ? 'event functions: each instance in its own network namespace (its ports reachable from nowhere on the host; slirp4netns: outbound NAT, the host\'s 127.0.0.1 refused; a custom runtime\'s API listens inside its namespace)'
        : `event functions: WEAKER ISOLATION — on the host network (a Go function's rpc port is reachable from the host's loopback, a custom runtime's API listens on the host's loopback, and they can reach the host's 127.0.0.1 services): ${detected.why || 'set by option'}`;
    },
    prepare(spec: VersionSpec): VersionSpec {
      const runtime = runtimeOf(spec);
      if (runtime === undefined) throw new Error(`The process executor does not run runtime ${spec.runtime}.`);
      const unavailable = runtime.unavailable();
      if (unavailable !== null) throw new Error(`${spec.runtime} cannot run on this host: ${unavailable}.`);
      // What the runtime builds once (the Java bootstrap) starts now, before the first call waits for it;
      // a failure is reported by the start that needs it.
      runtime.install?.().catch(() => {});
      if (spec.type !== 'Event') throw new Error(`Web functions on ${spec.runtime} (started by scf_bootstrap) are not available on this server yet.`);
      return spec;
    },
    invoke(call: EventCall, signal?: AbortSignal): Promise<ExecutorOutcome> {
      if (closed) return Promise.resolve(refused('the process executor is closed'));
      const p = poolOf(call.spec).invoke(call, signal);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      return p;
    },
    serveHttp(_call: HttpCall): Promise<HttpExecutorOutcome> {
      // prepare() refuses web functions, so the core never gets here; answer clearly if anything does.
      return Promise.resolve({ ...refused('the process executor serves event functions only'), responseStarted: false, responseBytes: 0, responseEnded: false });
    },
    instanceCount(key: string): number {
      return pools.get(key)?.instances.size ?? 0;
    },
    provision(spec: VersionSpec, count: number): void {
      if (closed || runtimeOf(spec) === undefined || spec.type !== 'Event') return;
      if (count === 0 && !pools.has(spec.key)) return;
      poolOf(spec).provision(count);
    },
    provisioned(key: string) {
      return pools.get(key)?.provisioned() ?? { target: 0, ready: 0, error: null };
    },
    stats(): ExecutorStats {
      const processes: ExecutorStats['processes'] = [];
      const instances = countsByKey(pools);
      for (const pool of pools.values()) {
        for (const i of pool.instances) {
          if (i.state === 'dead') continue;
          processes.push({ index: processes.length, pid: i.pid, alive: true, restarts: 0, instances: 1, inFlight: i.state === 'busy' ? 1 : 0 });
        }
      }
      return { executor: 'process', processes, instances };
    },
    unavailableReason(runtime: string): string | null {
      const family = familyOf(runtime);
      const rt = family === null ? undefined : runtimes.get(family);
      return rt === undefined ? `the process executor does not run ${runtime}` : rt.unavailable();
    },
    availability(): RuntimeAvailability[] {
      return [...runtimes.values()].map((rt) => ({ family: rt.family, reason: rt.unavailable() }));
    },
    describeRuntime(runtime: string): string {
      const family = familyOf(runtime);
      const rt = family === null ? undefined : runtimes.get(family);
      return rt === undefined ? `${runtime} is not run by the process executor` : `a subprocess of ${rt.describe()}`;
    },
    close(): Promise<void> {
      closed = true;
      closing ??= (async () => {
        await Promise.allSettled([...inFlight]);
        await Promise.all([...pools.values()].map((p) => p.stopAll(1000)));
        lookup?.close();
        sockets?.close();
      })();
      return closing;
    },
    destroy(): void {
      closed = true;
      for (const pool of pools.values()) pool.killAll('the process executor was destroyed');
      lookup?.close();
      sockets?.close();
    },
  };
}
