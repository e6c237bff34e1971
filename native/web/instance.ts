/**
 * One instance of a web function on a subprocess runtime: the function's own
 * `scf_bootstrap` started confined (native/sandbox), ready when a web server
 * listens on its port (listen.ts), reachable by the gateway's proxy at
 * 127.0.0.1:<hostPort> through a keep-alive agent of its own — one socket
 * per request slot, so the proxy does not open a connection per request.
 *
 * Start codes (runtime-api.md, "Web functions"): scf_bootstrap missing or
 * not executable → 'bootstrap_missing' (445); the process exits before it
 * listens → 'init_exit' (405); at the init timeout something listens, but
 * on 127.0.0.1 only (in a namespace) or on another port → 'port_binding_failed'
 * (446); nothing listens → 'init_timeout' (450). Each message says which.
 *
 * Cold start, by phase: PullCode = confining (sandbox), InitRuntime = spawn
 * until the network is attached (the namespace's link; nothing in port
 * mode), InitFunction = until the server listens.
 */
import type { ColdStart, LogLine, OutcomeKind, VersionSpec } from '../../executor';
import { describeExit, type SupervisedProcess, type ChildExit } from '../supervision';
import type { ConfinedInstance, InstanceLimits, Sandbox } from '../sandbox';
import type { ChildMessage, ParentMessage } from '../process/channel';
import { confinedProcess } from '../process/confined-process';
import type { PlatformFacts } from '../process/instance';
import { checkExecutable, lastLine } from '../process/start-checks';
import { InstanceOutput } from '../process/output';
import { instanceEnv, withOwnNodeOptions } from '../process/environment';
import { describeListeners, listenersOf, socketInodesOfGroup, type Listener } from './listen';
import { freePort, SlirpLink, type NetworkMode } from '../sandbox';
import path from 'node:path';
import http from 'node:http';

/** The port a web server listens on inside its own namespace (the cloud's). */
export const WEB_PORT = 9000;

export interface WebInstanceDeps {
  sandbox: Sandbox;
  platform: PlatformFacts;
  limits: Omit<InstanceLimits, 'memoryMb'>;
  network: NetworkMode;
  /** Where slirp4netns API sockets go (namespace mode). */
  linkDir: string;
}

/** How a start or a request ended badly. */
export interface Failure {
  kind: OutcomeKind;
  errorMessage: string;
}

/** What a process's own words say when it died of memory. */
const OOM_WORDS = /MemoryError|JavaScript heap out of memory|std::bad_alloc|Cannot allocate memory|Allocation failed/;

/** How often a starting instance's listening sockets are looked at (ms). */
const LISTEN_POLL_MS = 5;

let instanceN = 0;

export type WebInstanceState = 'starting' | 'ready' | 'dead';

export class WebInstance {
  readonly id: string;
  state: WebInstanceState = 'starting';
  /** Requests placed on it (running, or waiting for its start). */
  reserved = 0;
  lastUsed = Date.now();
  /** Where the proxy connects; set once ready. */
  hostPort = 0;
  agent: http.Agent | null = null;
  readonly started: Promise<{ coldStart: ColdStart } | { failed: Failure }>;
  private confined: ConfinedInstance | null = null;
  private proc: SupervisedProcess<ParentMessage, ChildMessage> | null = null;
  private link: SlirpLink | null = null;
  private readonly output = new InstanceOutput();
  private readonly exitWatchers = new Set<(f: Failure) => void>();
  private disposing: Promise<void> | null = null;
  private exitFailure: Failure | null = null;
  /** "(exit code 7): <last stderr line>" of the exit. */
  private exitDetail = '';

  constructor(private readonly spec: VersionSpec, private readonly deps: WebInstanceDeps, private readonly onDead: (i: WebInstance) => void) {
    this.id = `w${process.pid.toString(36)}-${Date.now().toString(36)}-${(++instanceN).toString(36)}`;
    this.started = this.start();
  }

  /** The instance's process ended (how it ended, as a request's outcome): every request on it ends so. */
  onExit(watch: (f: Failure) => void): () => void {
    if (this.exitFailure !== null) {
      const f = this.exitFailure;
      queueMicrotask(() => watch(f));
      return () => {};
    }
    this.exitWatchers.add(watch);
    return () => this.exitWatchers.delete(watch);
  }

  /** The failure of a process that already exited, or null while it runs. */
  get exited(): Failure | null {
    return this.exitFailure;
  }

  /** The output since the last take, as log lines of `requestId`. */
  takeLogs(requestId: string): LogLine[] {
    return this.output.take(requestId);
  }

  /** The process the instance started (0 before it spawned). */
  get pid(): number {
    return this.proc?.pid ?? 0;
  }

  memoryBytes(): number {
    return this.confined?.memoryBytes() ?? 0;
  }

  private async start(): Promise<{ coldStart: ColdStart } | { failed: Failure }> {
    const spec = this.spec;
    const t0 = performance.now();
    const deadline = Date.now() + spec.initTimeoutMs;
    const bootstrap = path.join(spec.codeDir, 'scf_bootstrap');
    const missing = checkExecutable(bootstrap, 'scf_bootstrap', 'a web function is started by the executable file scf_bootstrap at the code root');
    if (missing !== null) return this.failStart({ kind: 'bootstrap_missing', errorMessage: missing });
    const namespace = this.deps.network === 'namespace';
    let listenPort = WEB_PORT;
    try {
      if (!namespace) listenPort = await freePort();
      this.confined = await this.deps.sandbox.confine({
        instanceId: this.id, codeDir: spec.codeDir, layerDirs: spec.layerDirs,
        limits: { memoryMb: spec.memoryMb, ...this.deps.limits }, ...withOwnNodeOptions(bootstrap, [], spec.env),
        network: namespace ? 'private' : 'host',
      });
    } catch (err) {
      return this.failStart({ kind: 'internal', errorMessage: `the instance could not be confined: ${(err as Error).message}` });
    }
    const t1 = performance.now();
    const c = this.confined;
    // Any language may serve: the search paths of each (layers on /opt), and the port to listen on —
    // 9000 in a namespace (code written for the cloud hard-codes it), a free host port otherwise.
    const searchPaths = { NODE_PATH: `${c.optDir}:${path.join(c.optDir, 'node_modules')}`, PYTHONPATH: `${c.codeRoot}:${c.optDir}` };
    const env = instanceEnv(spec.env, searchPaths, c, { PORT: String(listenPort) });
    const proc = confinedProcess(c, this.output, {
      name: 'web function instance',
      env,
      // The deadline below decides (446 or 450); this is a backstop.
      startTimeoutMs: spec.initTimeoutMs + 5000,
      isReady: () => false,
      onMessage: () => {},
      onExit: (exit) => this.exitedWith(exit),
    });
    this.proc = proc;
    const starting = proc.start();
    starting.catch(() => {});
    const pid = proc.pid;
    let hostPort = listenPort;
    if (namespace) {
      this.link = new SlirpLink(path.join(this.deps.linkDir, `${this.id}.sock`));
      try {
        await this.link.attach(pid, deadline);
        hostPort = await this.link.forward(WEB_PORT);
      } catch (err) {
        if (this.exitFailure !== null) return this.failStart(this.startExit());
        return this.failStart({ kind: 'internal', errorMessage: `the instance's network could not be set up: ${(err as Error).message}` });
      }
    }
    const t2 = performance.now();
    for (;;) {
      if (this.exitFailure !== null) return this.failStart(this.startExit());
      const listeners = listenersOf(pid);
      const reachable = listeners.some((l) => l.port === listenPort && (!namespace || !l.loopbackOnly));
      if (reachable) break;
      if (namespace && listeners.some((l) => l.port === listenPort && l.loopbackOnly)) {
        return this.failStart({ kind: 'port_binding_failed', errorMessage: describeListeners(listeners, listenPort) });
      }
      if (Date.now() >= deadline) {
        // On the host's network the tables hold every process's sockets: keep the instance's own.
        const owned = namespace ? listeners : ownedBy(listeners, pid);
        const why = describeListeners(owned, listenPort);
        if (owned.length > 0) return this.failStart({ kind: 'port_binding_failed', errorMessage: why });
        return this.failStart({ kind: 'init_timeout', errorMessage: `init time out: scf_bootstrap started no web server on port ${listenPort} within ${spec.initTimeoutMs} ms (${why})` });
      }
      await new Promise((r) => setTimeout(r, LISTEN_POLL_MS));
    }
    proc.markReady();
    await starting.catch(() => {});
    if (this.exitFailure !== null) return this.failStart(this.startExit());
    this.hostPort = hostPort;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: spec.instanceConcurrency, maxFreeSockets: spec.instanceConcurrency, scheduling: 'lifo' });
    this.state = 'ready';
    const t3 = performance.now();
    return { coldStart: { pullCodeMs: t1 - t0, initRuntimeMs: t2 - t1, initFunctionMs: t3 - t2, totalMs: t3 - t0 } };
  }

  /** A start ended by the process's exit: 405 with its last words (or 434). */
  private startExit(): Failure {
    const f = this.exitFailure!;
    // 'oom' (the cgroup killed it), 'internal' (the executor was destroyed): already said.
    if (f.kind !== 'process_exit') return f;
    return { kind: 'init_exit', errorMessage: `scf_bootstrap exited before its web server listened ${this.exitDetail}` };
  }

  private failStart(f: Failure): { failed: Failure } {
    this.state = 'dead';
    this.onDead(this);
    void this.dispose();
    return { failed: f };
  }

  private exitedWith(exit: ChildExit): void {
    const oom = this.confined?.oomKilled() === true || OOM_WORDS.test(exit.stderrTail);
    this.exitDetail = `(${describeExit(exit)})${lastLine(exit.stderrTail)}`;
    const f: Failure = oom
      ? { kind: 'oom', errorMessage: 'out of memory: the function exceeded its memory limit' }
      : { kind: 'process_exit', errorMessage: `the web function's process exited ${this.exitDetail}` };
    // An abort() decided first: its failure stands.
    this.exitFailure ??= f;
    for (const w of [...this.exitWatchers]) w(f);
    this.exitWatchers.clear();
    if (this.state !== 'dead' && this.state !== 'starting') {
      this.state = 'dead';
      this.onDead(this);
      void this.dispose();
    }
  }

  /** Ends every request on it as `kind` (the executor's destroy: 'internal') and kills it now. */
  abort(kind: OutcomeKind, message: string): void {
    if (this.exitFailure === null) {
      this.exitFailure = { kind, errorMessage: message };
      for (const w of [...this.exitWatchers]) w(this.exitFailure);
      this.exitWatchers.clear();
    }
    this.proc?.kill();
    void this.dispose(0);
  }

  /** SIGTERM, then SIGKILL after `killAfterMs`; the link, the agent's sockets and the sandbox go. Idempotent. */
  dispose(killAfterMs = 200): Promise<void> {
    if (this.state !== 'dead') {
      this.state = 'dead';
      this.onDead(this);
    }
    this.disposing ??= (async () => {
      this.agent?.destroy();
      await this.proc?.stop({ killAfterMs });
      this.link?.close();
      await this.confined?.dispose();
    })();
    return this.disposing;
  }
}

/** The listeners held by the process group `pgid` leads. */
function ownedBy(listeners: Listener[], pgid: number): Listener[] {
  const inodes = socketInodesOfGroup(pgid);
  return listeners.filter((l) => inodes.has(l.inode));
}
