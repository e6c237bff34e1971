/**
 * One instance of a process runtime: a confined process tree for one
 * function version, running one invocation at a time, in one of two
 * protocols (the runtime's `protocol`): the private channel (channel.ts)
 * over fd 3 of the built-in bootstraps, or the custom runtime's HTTP runtime
 * API (runtime-api-link.ts) spoken by the function's own scf_bootstrap. The
 * process, its output, deadlines and exit classification are the same for
 * both; only how ready, the event and the answer travel differs.
 *
 * Cold start, by phase: PullCode = confining the code tree (sandbox),
 * InitRuntime = spawn until the bootstrap's `ready` (raced against its exit
 * and the init timeout, at least minRuntimeStartMs: 'init_exit' /
 * 'init_timeout'), InitFunction = importing the handler module (`load`,
 * under the init timeout; an error there is the user's, an overrun
 * 'timeout' "init time out"). Output of the start goes to the first
 * invocation's log.
 *
 * An instance that timed out, was canceled, ran out of memory or exited is
 * never reused: its process group is killed and its sandbox disposed.
 *
 * Custom runtime: scf_bootstrap missing or not executable → 'bootstrap_missing'
 * (445) before anything starts; no POST /runtime/init/ready within the init
 * timeout → 'init_timeout' (450), an exit before it → 'init_exit' (405); there
 * is no separate InitFunction phase (the runtime's init is its own). In its
 * own network namespace, scf_bootstrap is held at the sandbox's start gate
 * until the namespace is linked and the runtime API listens in there, so its
 * first call cannot miss it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ColdStart, EventCall, ExecutorOutcome, LogLine, OutcomeKind, VersionSpec } from '../../executor';
import { SupervisionError, type SupervisedProcess, describeExit, type ChildExit } from '../supervision';
import type { ChildMessage, ParentMessage } from './channel';
import { InstanceOutput } from './output';
import type { BuiltInRuntime } from './runtimes';
import type { ConfinedInstance, InstanceLimits, Sandbox } from '../sandbox';
import type { PeerLookup } from '../custom';
import { RuntimeApiLink } from './runtime-api-link';
import { GoLink } from './go-link';
import { InstanceNetwork, type EventNetworkDeps } from './instance-network';
import { MAX_RESULT_BYTES, resultTooLarge } from './results';
import { instanceEnv } from './environment';
import { confinedProcess } from './confined-process';
import { checkExecutable, lastLine } from './start-checks';

/** Server-wide facts the bootstrap hands to the handler's context. */
export interface PlatformFacts {
  region: string;
  appId: string;
  uin: string;
}

export interface InstanceDeps {
  sandbox: Sandbox;
  runtime: BuiltInRuntime;
  platform: PlatformFacts;
  limits: Omit<InstanceLimits, 'memoryMb'>;
  /** The interpreter's own start (InitRuntime) may take at least this long, whatever the function's init timeout (ms). */
  minRuntimeStartMs: number;
  /** Who owns a custom runtime's API connections (the executor's shared sock_diag lookup, started on first use). */
  peerLookup(): PeerLookup;
  /** The executor's network mode (an own namespace per instance, or the host's network). */
  network: EventNetworkDeps;
}

/** What a process's own words say when it died of memory (Python, V8, the C++ runtime, the kernel via glibc). */
const OOM_WORDS = /MemoryError|JavaScript heap out of memory|std::bad_alloc|Cannot allocate memory|Allocation failed|runtime: out of memory/;

export type Ending = Omit<ExecutorOutcome, 'logs' | 'instanceId' | 'durationMs' | 'memUsageBytes'> & { memUsageBytes?: number };

interface Running {
  id: number;
  requestId: string;
  started: number;
  settle(end: Ending): void;
}

let instanceN = 0;

export type InstanceState = 'starting' | 'idle' | 'busy' | 'dead';

export class ProcessInstance {
  readonly id: string;
  state: InstanceState = 'starting';
  /** When it last became idle (epoch ms). */
  idleSince = 0;
  private confined: ConfinedInstance | null = null;
  private proc: SupervisedProcess<ParentMessage, ChildMessage> | null = null;
  private readonly output = new InstanceOutput();
  /** The custom runtime's API (protocol 'runtime-api'); null otherwise. */
  private api: RuntimeApiLink | null = null;
  /** The Go function's rpc (protocol 'go-rpc'); null otherwise. */
  private go: GoLink | null = null;
  /** Its own network namespace and link, or the host's network (not root, no slirp4netns). */
  private readonly network: InstanceNetwork;
  /** The function said its process ends after this call (a Go panic, a PHP fatal error): not reused whatever the ending. */
  private exitsAfterCall = false;
  private running: Running | null = null;
  private loadWaiter: ((msg: ChildMessage | ChildExit) => void) | null = null;
  private callN = 0;
  private disposing: Promise<void> | null = null;
  /** Set by abort() while starting: the start ends so, whatever the process did meanwhile. */
  private abortedWith: Ending | null = null;

  constructor(private readonly spec: VersionSpec, private readonly deps: InstanceDeps, private readonly onDead: (i: ProcessInstance) => void) {
    this.id = `${process.pid.toString(36)}-${Date.now().toString(36)}-${(++instanceN).toString(36)}`;
    this.network = new InstanceNetwork(deps.network, this.id);
  }

  get pid(): number {
    return this.proc?.pid ?? 0;
  }

  /**
   * Starts the process and loads the handler. Resolves with the cold-start
   * phases, or with the outcome that ends the call that asked for it (the
   * instance is then dead). Never rejects.
   */
  async start(): Promise<{ coldStart: ColdStart } | { failed: Ending }> {
    const spec = this.spec;
    // What the runtime builds once on this host (the Java bootstrap, compiled on first use) is the
    // platform's one-time work: not part of this instance's cold start or its deadlines.
    try {
      await this.deps.runtime.install?.();
    } catch (err) {
      return this.failStart({ kind: 'internal', errorMessage: `the ${this.deps.runtime.family} runtime could not be installed: ${(err as Error).message}` });
    }
    const t0 = performance.now();
    // The init timeout is the function's (its module's top level, as for isolates); starting the
    // interpreter is the platform's work and gets at least minRuntimeStartMs, so a loaded machine
    // does not turn a slow interpreter start into the function's init timeout.
    // A custom runtime's start is all the function's: its ready call is bounded by the init timeout alone.
    const custom = this.deps.runtime.protocol === 'runtime-api';
    const goRpc = this.deps.runtime.protocol === 'go-rpc';
    // A custom runtime in its own namespace: scf_bootstrap waits at the start gate until its API listens in there.
    const gated = custom && this.network.own;
    // A start that is all the function's own code (scf_bootstrap, a Go executable) is bounded by its init timeout alone.
    const startLimitMs = custom || goRpc ? spec.initTimeoutMs : Math.max(spec.initTimeoutMs, this.deps.minRuntimeStartMs);
    const runtimeDeadline = Date.now() + startLimitMs;
    const cmd = this.deps.runtime.command(spec);
    if (custom) {
      const missing = checkExecutable(path.join(spec.codeDir, 'scf_bootstrap'), 'scf_bootstrap', 'a custom runtime starts the executable file scf_bootstrap at the code root');
      if (missing !== null) return this.failStart({ kind: 'bootstrap_missing', errorMessage: missing });
    }
    if (goRpc) {
      if (!fs.existsSync(cmd.command)) return this.failStart({ kind: 'handler_missing', errorMessage: `module missing: ${spec.handler} (the Go runtime starts the executable the handler names, at the code root)` });
      const unfit = checkExecutable(cmd.command, spec.handler, '');
      if (unfit !== null) return this.failStart({ kind: 'bootstrap_missing', errorMessage: unfit });
    }
    try {
      this.confined = await this.deps.sandbox.confine({
        instanceId: this.id, codeDir: spec.codeDir, layerDirs: spec.layerDirs,
        limits: { memoryMb: spec.memoryMb, ...this.deps.limits }, command: cmd.command, args: cmd.args, platformDirs: cmd.platformDirs,
        network: this.network.confineAs, startGate: gated,
      });
    } catch (err) {
      return this.failStart({ kind: 'internal', errorMessage: `the instance could not be confined: ${(err as Error).message}` });
    }
    if (this.abortedWith !== null) return this.failStart(this.abortedWith);
    const t1 = performance.now();
    const c = this.confined;
    if (gated) this.api = RuntimeApiLink.inNamespace();
    else if (custom) {
      try {
        this.api = await RuntimeApiLink.open(c.uid, this.deps.peerLookup());
      } catch (err) {
        return this.failStart({ kind: 'internal', errorMessage: `the runtime API could not listen: ${(err as Error).message}` });
      }
    }
    if (goRpc) this.go = await GoLink.open();
    const env = instanceEnv(spec.env, cmd.env(c.codeRoot, c.optDir), c, { ...this.api?.env(spec), ...this.go?.env() });
    const proc = confinedProcess(c, this.output, {
      name: `${this.deps.runtime.family} instance`,
      env,
      startTimeoutMs: Math.max(1, runtimeDeadline - Date.now()),
      gate: gated,
      isReady: (m) => m.t === 'ready',
      onMessage: (m) => this.onMessage(m),
      onExit: (exit) => this.onExit(exit),
    });
    this.proc = proc;
    const starting = proc.start();
    // The network's link is part of InitRuntime (nothing of the function's runs before it is up but
    // its interpreter's start); a Go function is ready once it answers through it, a gated custom
    // runtime starts once its API listens in the namespace. A link that cannot be set up while the
    // process runs ends the start.
    let linkFailure: string | null = null;
    const linked = (async () => {
      await this.network.attach(proc.pid, runtimeDeadline);
      if (gated) {
        this.api!.adopt(await this.network.listen(this.api!.port));
        proc.openGate();
      }
    })().then(() => true, (err: Error) => {
      if (proc.running) linkFailure = `the instance's network could not be set up: ${err.message}`;
      proc.kill();
      return false;
    });
    // The custom runtime says ready over HTTP, a Go function by answering Function.Ping; the fd 3
    // pipe they inherit stays unused.
    void this.api?.ready.then(() => proc.markReady(), () => {});
    void linked.then((up) => { if (up) void this.go?.ready((port, ms) => this.network.connect(port, ms)).then(() => proc.markReady()); });
    try {
      await starting;
      if (!(await linked)) throw new Error(linkFailure ?? 'the instance\'s network could not be set up');
    } catch (err) {
      if (linkFailure !== null) return this.failStart({ kind: 'internal', errorMessage: linkFailure });
      const code = err instanceof SupervisionError ? err.code : null;
      const who = custom ? 'scf_bootstrap' : goRpc ? `the Go function ${spec.handler}` : `the ${this.deps.runtime.family} runtime`;
      const ready = custom ? 'did not call POST /runtime/init/ready' : goRpc ? 'did not answer Function.Ping on $_LAMBDA_SERVER_PORT' : 'did not start';
      if (code === 'ERR_CHILD_START_TIMEOUT') return this.failStart({ kind: 'init_timeout', errorMessage: `init time out: ${who} ${ready} within ${startLimitMs} ms` });
      if (code === 'ERR_CHILD_EXITED') return this.failStart({ kind: 'init_exit', errorMessage: `${who} exited before it was ready${lastLine(proc.stderrTail)}${howItEnded(err)}` });
      return this.failStart({ kind: 'internal', errorMessage: (err as Error).message });
    }
    const t2 = performance.now();
    const loaded = custom || goRpc ? null : await this.load(Date.now() + spec.initTimeoutMs);
    if (loaded !== null) return this.failStart(loaded);
    if (this.abortedWith !== null) return this.failStart(this.abortedWith);
    const t3 = performance.now();
    this.state = 'idle';
    return { coldStart: { pullCodeMs: t1 - t0, initRuntimeMs: t2 - t1, initFunctionMs: t3 - t2, totalMs: t3 - t0 } };
  }

  /** Sends `load` and waits for its answer, the exit, or the init deadline; null when loaded. */
  private load(deadline: number): Promise<Ending | null> {
    const spec = this.spec;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.loadWaiter = null;
        resolve({ kind: 'timeout', errorMessage: `init time out: the function's initialisation did not finish within ${spec.initTimeoutMs} ms` });
      }, Math.max(1, deadline - Date.now()));
      this.loadWaiter = (m) => {
        clearTimeout(timer);
        this.loadWaiter = null;
        if ('t' in m) {
          if (m.t === 'loaded') resolve(null);
          else if (m.t === 'load_failed') resolve({ kind: m.kind, errorMessage: m.message, ...(m.stack ? { errorStack: m.stack } : {}) });
        } else {
          resolve(this.died(m) ? { kind: 'oom', errorMessage: 'out of memory while initialising' } : { kind: 'init_exit', errorMessage: `the function's process exited while initialising (${describeExit(m)})${lastLine(m.stderrTail)}` });
        }
      };
      const { platform } = this.deps;
      this.proc!.send({
        t: 'load', handler: spec.handler, env: spec.env, memoryMb: spec.memoryMb, timeoutMs: spec.timeoutMs,
        functionName: spec.functionName, version: spec.version, namespace: spec.namespace, ...platform,
        reportMemory: this.confined?.memoryBytes() == null,
      });
    });
  }

  private async failStart(end: Ending): Promise<{ failed: Ending }> {
    end = this.abortedWith ?? end;
    this.state = 'dead';
    this.onDead(this);
    void this.dispose();
    return { failed: end };
  }

  /** Runs one invocation on this (idle) instance. The instance is busy until it resolves. Never rejects. */
  run(call: EventCall, signal: AbortSignal | undefined, coldStart: ColdStart | undefined): Promise<ExecutorOutcome> {
    this.state = 'busy';
    const spec = this.spec;
    const id = ++this.callN;
    const started = performance.now();
    return new Promise<ExecutorOutcome>((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const onAbort = (): void => running.settle({ kind: 'canceled', errorMessage: 'the caller went away' });
      // A graceful stop: SIGTERM to the function's process group; the call runs on until it ends or is aborted.
      const onStop = (): void => {
        if (this.running === running && this.proc?.terminate()) this.output.line('log', '[PLATFORM] Signal received successfully', Date.now());
      };
      const running: Running = {
        id, requestId: call.requestId, started,
        settle: (end) => {
          if (this.running !== running) return;
          this.running = null;
          if (timer !== null) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          call.stop?.removeEventListener('abort', onStop);
          // Settled by the deadline, an exit or an abort: the runtime's late answer gets 400 / is dropped. (No-op after its answer.)
          this.api?.abandon();
          this.go?.abandon();
          // Anything but an answer of the function itself leaves the process in a state nobody knows.
          const reusable = (end.kind === 'ok' || end.kind === 'user_error' || end.kind === 'handler_missing') && !this.exitsAfterCall;
          if (reusable && this.state === 'busy') {
            this.state = 'idle';
            this.idleSince = Date.now();
          } else if (this.state !== 'dead') {
            this.state = 'dead';
            this.onDead(this);
            void this.dispose();
          }
          const { memUsageBytes, ...rest } = end;
          resolve({
            ...rest,
            logs: this.output.take(call.requestId),
            durationMs: performance.now() - started,
            memUsageBytes: this.confined?.memoryBytes() ?? memUsageBytes ?? 0,
            ...(coldStart ? { coldStart } : {}),
            instanceId: this.id,
          });
        },
      };
      this.running = running;
      timer = setTimeout(() => running.settle({ kind: 'timeout', errorMessage: 'time out' }), spec.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (call.stop?.aborted) queueMicrotask(onStop);
      else call.stop?.addEventListener('abort', onStop, { once: true });
      // The answer of a custom runtime or a Go function comes over a socket, its output over the stdout
      // pipe: what it printed before answering is readable by the time the answer is, and both are read
      // in the same poll phase, so settling in the check phase after it keeps those lines with this call.
      if (this.api !== null) {
        void this.api.invoke(call, spec).then((end) => { if (end !== null) setImmediate(() => running.settle(end)); });
        return;
      }
      if (this.go !== null) {
        void this.go.invoke(call, spec).then((r) => {
          if (r === null) return;
          if (r.shouldExit) this.exitsAfterCall = true;
          setImmediate(() => running.settle(r.end));
        });
        return;
      }
      this.proc!.send({ t: 'invoke', id, rid: call.requestId, event: call.event, deadline: Date.now() + spec.timeoutMs });
      // One invocation per instance: nothing else would join this write, so it goes now rather than
      // at the end of the event-loop turn (bench/runners.js: Python warm p50 over the raw pipe 122 → 104 µs).
      this.proc!.writer?.flush();
    });
  }

  private onMessage(m: ChildMessage): void {
    switch (m.t) {
      case 'log':
        this.output.line(m.level, m.msg, m.time);
        return;
      case 'loaded':
      case 'load_failed':
        this.loadWaiter?.(m);
        return;
      case 'done': {
        const r = this.running;
        if (r === null || r.id !== m.id) return;
        if (Buffer.byteLength(m.result) > MAX_RESULT_BYTES) r.settle(resultTooLarge(m.mem));
        else r.settle({ kind: 'ok', result: m.result, memUsageBytes: m.mem });
        return;
      }
      case 'failed': {
        const r = this.running;
        if (r === null || r.id !== m.id) return;
        if (m.exit === true) this.exitsAfterCall = true;
        r.settle({ kind: m.kind, errorMessage: m.message, ...(m.stack ? { errorStack: m.stack } : {}), memUsageBytes: m.mem });
        return;
      }
      default:
    }
  }

  /** Whether the process died of memory (the kernel's cgroup counter, or its own last words). */
  private died(exit: ChildExit): boolean {
    return this.confined?.oomKilled() === true || OOM_WORDS.test(exit.stderrTail);
  }

  private onExit(exit: ChildExit): void {
    if (this.loadWaiter !== null) this.loadWaiter(exit);
    const r = this.running;
    if (r !== null) {
      if (this.died(exit)) r.settle({ kind: 'oom', errorMessage: 'out of memory: the function exceeded its memory limit' });
      else r.settle({ kind: 'process_exit', errorMessage: `the function's process exited (${describeExit(exit)})${lastLine(exit.stderrTail)}` });
    }
    if (this.state !== 'dead') {
      this.state = 'dead';
      this.onDead(this);
      void this.dispose();
    }
  }

  /** The output collected since the last invocation (a failed start's), tagged with `requestId`. */
  takeLogs(requestId: string): LogLine[] {
    return this.output.take(requestId);
  }

  /** Ends the call in flight (if any) as `kind` and kills the instance now. */
  abort(kind: OutcomeKind, message: string): void {
    if (this.state === 'starting') this.abortedWith = { kind, errorMessage: message };
    this.running?.settle({ kind, errorMessage: message });
    if (this.state !== 'dead') {
      this.state = 'dead';
      this.onDead(this);
    }
    this.proc?.kill();
    void this.dispose();
  }

  /** SIGTERM, then SIGKILL after `killAfterMs`, of the whole process group; then the sandbox's cleanup. Idempotent. */
  dispose(killAfterMs = 200): Promise<void> {
    this.disposing ??= (async () => {
      this.go?.close();
      await this.proc?.stop({ killAfterMs });
      this.network.close();
      await this.api?.close();
      await this.confined?.dispose();
    })();
    return this.disposing;
  }
}

/** ` (code 1)` / ` (signal SIGKILL)` of a start that ended in the child's exit: a kill from outside shows as such. */
function howItEnded(err: unknown): string {
  return err instanceof SupervisionError && err.exit ? ` (${describeExit(err.exit)})` : '';
}
