/**
 * One supervised child process that speaks length-prefixed frames (frames.ts)
 * with its parent:
 *
 * * start(): spawn, then a ready handshake raced against the child's exit and
 *   a start timeout (the child is killed when the timeout wins);
 * * every frame is checked against the caller's schema (`check`); a frame that
 *   fails it, or an oversized one, gets the child killed — a child that
 *   speaks garbage is in a state nobody can reason about;
 * * a heartbeat (optional) pings the child and kills it when it stops
 *   answering for `unresponsiveMs`;
 * * stop(): an optional farewell message, then SIGTERM after a grace period,
 *   then SIGKILL; kill(): SIGKILL now. A child started as a process-group
 *   leader (`processGroup`) is signalled as a group, and what is left of its
 *   group is killed when it exits;
 * * once it exited, its streams are destroyed and `onExit` gets the exit
 *   status and the tail of its stderr (for the caller to classify the death).
 *
 * Restarting is the caller's decision (restart.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { SupervisionError } from './errors';
import { FrameReader, FrameWriter, type FastCodec } from './frames';
import { signalGroupOfReapedLeader } from './process-group';

export interface HeartbeatOptions<In, Out> {
  /** A child that answered no ping for this long is killed (ms). */
  unresponsiveMs: number;
  /** Ping interval (ms; default max(100, unresponsiveMs / 4)). */
  intervalMs?: number;
  /** The ping message (n counts up). */
  ping(n: number): In;
  /** Whether a (checked) frame is the answer to a ping; pongs are not passed to onMessage. */
  isPong(msg: Out): boolean;
  /** Called on every beat while the child is up: cheap periodic checks of the owner. */
  onBeat?(): void;
}

export interface SupervisedProcessOptions<In, Out> {
  /** Names the child in errors and notes ('isolate host'). */
  name: string;
  command: string;
  args: readonly string[];
  /** The child's whole environment (nothing is inherited). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * The frame channel: 'fd3' (default) — an extra pipe as the child's fd 3, its
   * stdout ignored — or 'stdio' — frames to its stdin, from its stdout.
   */
  channel?: 'fd3' | 'stdio';
  /**
   * One more pipe as the child's fd 4, for `openGate()` ('fd3' channel only): a launcher that holds
   * its command until the owner has prepared something (native/sandbox's start gate). Default false.
   */
  gate?: boolean;
  /** Start the child as a process-group leader: signals go to the whole group (default false). */
  processGroup?: boolean;
  /** The child must answer ready within this (ms, default 10 000). */
  startTimeoutMs?: number;
  /** Checks a decoded frame against the schema: the typed message, or null (the child is killed). */
  check(frame: unknown): Out | null;
  /** Whether a checked frame is the ready handshake. */
  isReady(msg: Out): boolean;
  /** Sent as soon as the child is spawned (its configuration). */
  hello?: In;
  heartbeat?: HeartbeatOptions<In, Out>;
  /** A fast layout for some messages (frames.ts). */
  codec?: FastCodec;
  /** Bytes of stderr kept for onExit (default 16 KiB). */
  stderrTailBytes?: number;
  /** Every stderr chunk, as it arrives (e.g. to forward it). */
  onStderr?(text: string): void;
  /**
   * Every stdout chunk, as it arrives ('fd3' channel only: stdout is then
   * piped instead of ignored — a runner reads its user's output as logs).
   */
  onStdout?(chunk: Buffer): void;
  /** Every checked frame but the handshake and pongs, in order. */
  onMessage(msg: Out): void;
  /** The child answered ready (start() resolves right after). */
  onReady?(): void;
  /** The child is gone and its streams destroyed (called once per start, before a pending start() rejects). */
  onExit?(exit: ChildExit): void;
}

/** How a child ended. */
export interface ChildExit {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last bytes of its stderr, with the supervisor's notes. */
  stderrTail: string;
  /** It ended before answering ready. */
  duringStart: boolean;
  /** Why the supervisor killed it ('unresponsive', 'bad frame', 'start timeout'), or null. */
  killedFor: string | null;
}

export interface StopOptions<In> {
  /** Sent first (a shutdown request): the child may exit on its own within graceMs. */
  farewell?: In;
  /** Before SIGTERM (ms, default 0). */
  graceMs?: number;
  /** Between SIGTERM and SIGKILL (ms, default 1000). */
  killAfterMs?: number;
}

/** `code N` or `signal SIG`. */
export function describeExit(exit: Pick<ChildExit, 'code' | 'signal'>): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/** Node has waited for the child: its pid may already belong to another process. */
function reaped(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** One spawn of the child, from start() to its exit. */
interface Run {
  child: ChildProcess;
  input: Writable;
  output: Readable;
  writer: FrameWriter;
  /** The handshake is decided (ready, timed out, or exited). */
  settled: boolean;
  ready: boolean;
  exited: boolean;
  resolve(): void;
  reject(e: Error): void;
  startTimer: NodeJS.Timeout | null;
  heartbeat: NodeJS.Timeout | null;
  killTimer: NodeJS.Timeout | null;
  stopping: Promise<void> | null;
  onExited: Array<() => void>;
  killedFor: string | null;
}

const noop = (): void => undefined;

export class SupervisedProcess<In, Out> {
  /** The pid of the last child started (kept after it exits). */
  pid = 0;
  /** Answered ready and neither exited nor asked to stop. */
  alive = false;
  private run: Run | null = null;
  private tail = '';
  private lastPong = 0;
  private pingN = 0;

  constructor(private readonly opts: SupervisedProcessOptions<In, Out>) {}

  /** Where messages to the current child go (null while none runs): a writer stays bound to its child. */
  get writer(): FrameWriter | null {
    const run = this.run;
    return run !== null && !run.exited ? run.writer : null;
  }

  /** Spawned and not yet exited (ready or not). */
  get running(): boolean {
    return this.run !== null && !this.run.exited;
  }

  /** The last bytes of the current (or last) child's stderr. */
  get stderrTail(): string {
    return this.tail;
  }

  /**
   * Spawns the child; resolves once it answered ready. Rejects with a
   * SupervisionError: ERR_CHILD_EXITED (it exited first), ERR_CHILD_START_TIMEOUT
   * (it was killed), ERR_CHILD_SPAWN, ERR_CHILD_RUNNING (one is running).
   */
  start(): Promise<void> {
    const o = this.opts;
    if (this.running) return Promise.reject(new SupervisionError('ERR_CHILD_RUNNING', `${o.name} is already running`));
    const fd3 = (o.channel ?? 'fd3') === 'fd3';
    if (o.gate === true && !fd3) return Promise.reject(new SupervisionError('ERR_CHILD_SPAWN', `${o.name}: a start gate needs the 'fd3' channel`));
    const child = spawn(o.command, o.args, {
      stdio: fd3 ? ['ignore', o.onStdout ? 'pipe' : 'ignore', 'pipe', 'pipe', ...(o.gate === true ? ['pipe' as const] : [])] : ['pipe', 'pipe', 'pipe'],
      env: o.env,
      cwd: o.cwd,
      detached: o.processGroup === true,
    });
    const input = (fd3 ? child.stdio[3] : child.stdin) as Writable;
    const output = (fd3 ? child.stdio[3] : child.stdout) as Readable;
    const writer = new FrameWriter(input, o.codec ?? null);
    const run: Run = {
      child, input, output, writer, settled: false, ready: false, exited: false, resolve: noop, reject: noop,
      startTimer: null, heartbeat: null, killTimer: null, stopping: null, onExited: [], killedFor: null,
    };
    this.run = run;
    this.pid = child.pid ?? 0;
    this.tail = '';
    const tailBytes = o.stderrTailBytes ?? 16384;
    child.stderr?.on('data', (d: Buffer) => {
      const s = d.toString('utf8');
      o.onStderr?.(s);
      this.tail = (this.tail + s).slice(-tailBytes);
    });
    if (fd3 && o.onStdout) {
      const onStdout = o.onStdout;
      child.stdout?.on('data', (d: Buffer) => onStdout(d));
    }
    const reader = new FrameReader((raw) => this.onFrame(run, raw), o.codec ?? null);
    output.on('data', (chunk: Buffer) => {
      try { reader.push(chunk); } catch { this.killFor(run, 'bad frame'); }
    });
    output.on('error', noop);
    if ((input as unknown) !== output) input.on('error', noop);
    child.on('error', (e) => {
      // No pid: it never ran ('exit' may not follow).
      if (child.pid === undefined) setImmediate(() => this.exited(run, null, null, e));
    });
    child.once('exit', (code, signal) => {
      // stderr may still hold the last words: give the pipe a moment.
      setImmediate(() => this.exited(run, code, signal, null));
    });
    const timeoutMs = o.startTimeoutMs ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      run.resolve = resolve;
      run.reject = reject;
      run.startTimer = setTimeout(() => {
        if (run.settled) return;
        run.settled = true;
        this.killFor(run, 'start timeout');
        reject(new SupervisionError('ERR_CHILD_START_TIMEOUT', `${o.name} did not start within ${timeoutMs} ms`));
      }, timeoutMs);
      if (o.hello !== undefined) writer.send(o.hello);
    });
  }

  /** Writes the go line on the child's gate pipe (fd 4) and closes it; false when there is none or the child is gone. */
  openGate(): boolean {
    const run = this.run;
    const gate = run?.child.stdio[4] as Writable | null | undefined;
    if (run === null || run.exited || gate == null || gate.writableEnded) return false;
    gate.on('error', noop);
    gate.end('go\n');
    return true;
  }

  /** Queues a message for the current child (sent with the others of this turn); false when none runs. */
  send(msg: In): boolean {
    const w = this.writer;
    if (w === null) return false;
    w.send(msg);
    return true;
  }

  /** Adds a line to the stderr tail (the supervisor's own notes). */
  note(line: string): void {
    this.tail += `\nisola: ${line}\n`;
  }

  /**
   * Graceful stop: the farewell (if any), SIGTERM after `graceMs`, SIGKILL
   * `killAfterMs` later. Resolves once the child exited and was cleaned up.
   * Idempotent; `alive` is false from now on.
   */
  stop(options: StopOptions<In> = {}): Promise<void> {
    const run = this.run;
    this.alive = false;
    if (run === null || run.exited) return Promise.resolve();
    if (run.stopping !== null) return run.stopping;
    run.stopping = new Promise<void>((resolve) => {
      run.onExited.push(resolve);
      if (options.farewell !== undefined) run.writer.send(options.farewell);
      const killAfterMs = options.killAfterMs ?? 1000;
      const term = (): void => {
        this.signal(run, 'SIGTERM');
        run.killTimer = setTimeout(() => this.signal(run, 'SIGKILL'), killAfterMs);
      };
      const graceMs = options.graceMs ?? 0;
      if (graceMs > 0) run.killTimer = setTimeout(term, graceMs);
      else term();
    });
    return run.stopping;
  }

  /**
   * The child answered ready by another way than a frame (a custom runtime's
   * HTTP ready call): as if it had sent the handshake. Ignored once the start
   * is decided (timed out, exited).
   */
  markReady(): void {
    const run = this.run;
    if (run !== null && !run.settled && !run.exited) this.becomeReady(run);
  }

  /** SIGTERM now (the group, for a group leader): a request to stop the child may handle. False when no child is running. */
  terminate(): boolean {
    const run = this.run;
    if (run === null || run.exited) return false;
    this.signal(run, 'SIGTERM');
    return true;
  }

  /** SIGKILL now (the group, for a group leader). Cleanup follows its exit. */
  kill(): void {
    const run = this.run;
    if (run !== null) this.signal(run, 'SIGKILL');
  }

  private onFrame(run: Run, raw: unknown): void {
    const o = this.opts;
    const msg = o.check(raw);
    if (msg === null) { this.killFor(run, 'bad frame'); return; }
    if (o.isReady(msg)) {
      if (!run.settled) this.becomeReady(run);
      return;
    }
    const hb = o.heartbeat;
    if (hb !== undefined && hb.isPong(msg)) { this.lastPong = Date.now(); return; }
    o.onMessage(msg);
  }

  private becomeReady(run: Run): void {
    run.settled = true;
    run.ready = true;
    if (run.startTimer !== null) clearTimeout(run.startTimer);
    this.alive = true;
    this.lastPong = Date.now();
    this.startHeartbeat(run);
    run.resolve();
    this.opts.onReady?.();
  }

  private startHeartbeat(run: Run): void {
    const hb = this.opts.heartbeat;
    if (hb === undefined) return;
    const every = hb.intervalMs ?? Math.max(100, Math.floor(hb.unresponsiveMs / 4));
    run.heartbeat = setInterval(() => {
      if (!this.alive || this.run !== run) return;
      hb.onBeat?.();
      if (Date.now() - this.lastPong > hb.unresponsiveMs) { this.killFor(run, 'unresponsive'); return; }
      run.writer.send(hb.ping(++this.pingN));
    }, every);
    run.heartbeat.unref();
  }

  /** Kills the child for a reason of the supervisor's (kept in the stderr tail and the exit). */
  private killFor(run: Run, reason: string): void {
    if (run.exited) return;
    if (run.killedFor === null) {
      run.killedFor = reason;
      if (this.run === run) this.note(`${this.opts.name} ${reason}, killed by the supervisor`);
    }
    this.signal(run, 'SIGKILL');
  }

  private signal(run: Run, sig: NodeJS.Signals): void {
    if (run.exited) return;
    const pid = run.child.pid;
    if (this.opts.processGroup === true && pid !== undefined) {
      // Not reaped yet (alive, or a zombie): its pid, the group's id, is still its own.
      if (!reaped(run.child)) {
        try { process.kill(-pid, sig); return; } catch { /* no group left: the child itself */ }
      } else if (signalGroupOfReapedLeader(pid, sig)) return;
    }
    try { run.child.kill(sig); } catch { /* gone */ }
  }

  private exited(run: Run, code: number | null, signal: NodeJS.Signals | null, spawnError: Error | null): void {
    if (run.exited) return;
    run.exited = true;
    if (this.run === run) this.alive = false;
    if (run.heartbeat !== null) clearInterval(run.heartbeat);
    if (run.killTimer !== null) clearTimeout(run.killTimer);
    if (run.startTimer !== null) clearTimeout(run.startTimer);
    run.writer.close();
    run.output.destroy();
    run.input.destroy();
    run.child.stderr?.destroy();
    run.child.stdout?.destroy();
    (run.child.stdio[4] as Writable | null | undefined)?.destroy();
    const pid = run.child.pid;
    if (this.opts.processGroup === true && pid !== undefined) {
      // What the leader left behind in its group goes with it (the leader is reaped: process-group.ts).
      signalGroupOfReapedLeader(pid, 'SIGKILL');
    }
    const exit: ChildExit = { pid: pid ?? 0, code, signal, stderrTail: this.tail, duringStart: !run.ready, killedFor: run.killedFor };
    try {
      this.opts.onExit?.(exit);
    } finally {
      if (!run.settled) {
        run.settled = true;
        run.reject(spawnError !== null
          ? new SupervisionError('ERR_CHILD_SPAWN', `${this.opts.name} could not be started: ${spawnError.message}`)
          : new SupervisionError('ERR_CHILD_EXITED', `${this.opts.name} exited during start (${describeExit(exit)})`, { code, signal }));
      }
      for (const done of run.onExited) done();
    }
  }
}
