/**
 * One isolate host child process, supervised by native's SupervisedProcess:
 * spawn, ready handshake raced against exit and a start timeout, frames
 * checked against the protocol's schema (protocol.ts), heartbeat, SIGTERM then
 * SIGKILL, streams destroyed once it exited. This class adds the runtime's
 * part: the invocations in flight on the host — every one fails when the
 * process dies ('oom' when it died of memory, else 'internal') —, the frames
 * of HTTP calls, and the per-host spec cache. The runtime restarts it.
 */
import path from 'node:path';
import { ownNode } from '../lib';
import { SupervisedProcess, describeExit, type ChildExit } from '../native';
import { HOT_CODEC } from './hot-frames';
import { HttpCall } from './http-call';
import { IdTable } from './id-table';
import { HTTP_SPEC_CACHE, checkFromHost, failure } from './protocol';
import type { FromHost, HostConfig, PoolSnapshot, ToHost } from './protocol';
import type { VersionSpec, HttpExecutorOutcome, HttpRequestData, HttpResponseSink, ExecutorOutcome } from './types';

const HOST_ENTRY = path.join(__dirname, 'host', 'main.js');
const MEMORY_DEATH = /out of memory|out-of-memory|heap limit|invalid (array|table|string) (size|length)|Fatal JavaScript invalid size|Allocation failed/i;

export interface HostDeath { memory: boolean; reason: string }

/** What the runtime hears from a host process. */
export interface HostEvents {
  /** The host answered ready (after every start). */
  onReady(): void;
  /** The host died; its invocations in flight have failed. */
  onExit(death: HostDeath, stderrTail: string): void;
  /**
   * An instance added under dynamic concurrency may start: true when a scale-out token was spent
   * (IsolateRuntimeOptions.scaleOut). Synchronous.
   */
  onScaleOut(): boolean;
}

export interface HostOptions { startTimeoutMs: number; unresponsiveMs: number; forwardStderr: boolean }

export class HostProcess {
  instances = 0;
  pools: Record<string, PoolSnapshot> = {};
  private readonly proc: SupervisedProcess<ToHost, FromHost>;
  // IdTables, not Maps: per-request keys churning through a long-lived Map promote every request's objects (see IdTable).
  private readonly inflight = new IdTable<(o: ExecutorOutcome) => void>();
  private readonly http = new IdTable<HttpCall>();
  /**
   * Safety-net deadlines of HTTP calls (id → ms epoch), checked by the heartbeat instead of one
   * timer per request: the host enforces every limit itself, so only a host bug lets one pass.
   */
  private readonly httpGuards = new IdTable<number>();
  /** Per version key, the spec object this host process was last sent in an `http` frame. */
  private sentSpecs = new Map<string, VersionSpec>();

  constructor(readonly index: number, config: HostConfig, opts: HostOptions, private readonly events: HostEvents) {
    // isolated-vm needs Node without its startup snapshot.
    const host = ownNode(['--no-node-snapshot', ...(process.env.ISOLA_HOST_V8_FLAGS ?? '').split(' ').filter(Boolean)], HOST_ENTRY, 'isolate-host');
    this.proc = new SupervisedProcess<ToHost, FromHost>({
      name: 'isolate host',
      command: host.command,
      args: host.args,
      env: { NODE_ENV: process.env.NODE_ENV ?? 'production', PATH: process.env.PATH ?? '', ISOLA_SNAPSHOT: process.env.ISOLA_SNAPSHOT ?? '', ISOLA_SPARES: process.env.ISOLA_SPARES ?? '', ...host.env },
      startTimeoutMs: opts.startTimeoutMs,
      check: checkFromHost,
      isReady: (m) => m.t === 'ready',
      hello: { t: 'config', config },
      heartbeat: {
        unresponsiveMs: opts.unresponsiveMs,
        ping: (n) => ({ t: 'ping', n }),
        isPong: (m) => m.t === 'pong',
        onBeat: () => { if (this.httpGuards.size > 0) this.checkHttpGuards(); },
      },
      codec: HOT_CODEC,
      onStderr: opts.forwardStderr ? (s) => { process.stderr.write(`[isola-host ${index}] ${s}`); } : undefined,
      onMessage: (m) => this.onMessage(m),
      onReady: () => events.onReady(),
      onExit: (exit) => this.onExit(exit),
    });
  }

  get pid(): number { return this.proc.pid; }
  get alive(): boolean { return this.proc.alive; }
  get inFlight(): number { return this.inflight.size; }

  /** Spawns the host and resolves once it answered `ready`; rejects if it exits or times out first. */
  start(): Promise<void> {
    this.sentSpecs = new Map();
    return this.proc.start();
  }

  /** Sends an invocation; resolves with the host's outcome or a failure when the host dies. */
  invoke(id: string, spec: VersionSpec, event: string): Promise<ExecutorOutcome> {
    return new Promise((resolve) => {
      const writer = this.proc.writer;
      if (!this.proc.alive || writer === null) { resolve(failure('internal', 'isolate host is not running')); return; }
      // Safety net: the host enforces every limit itself, so only a host bug lets this fire.
      const guard = setTimeout(() => {
        if (!this.inflight.has(id)) return;
        this.cancel(id);
        resolve(failure('internal', 'isolate host did not answer in time'));
      }, spec.timeoutMs + spec.initTimeoutMs + 10_000);
      guard.unref();
      this.inflight.set(id, (o) => { clearTimeout(guard); resolve(o); });
      writer.send({ t: 'invoke', id, spec, event });
    });
  }

  /** Asks the host to keep `n` provisioned instances of `spec` (false when it is not running: ask again once it is ready). */
  provision(spec: VersionSpec, n: number): boolean {
    const writer = this.proc.writer;
    if (!this.proc.alive || writer === null) return false;
    writer.send({ t: 'provision', spec, n });
    return true;
  }

  /** A graceful stop of the running event invocation `id` (its `context.signal` aborts in the isolate). */
  terminate(id: string): void {
    if (this.inflight.has(id)) this.proc.writer?.send({ t: 'term', id });
  }

  /**
   * Ends invocation `id` in the host. By default its result is dropped (the
   * caller answers for it); `awaitResult`: the host's own outcome — canceled,
   * with the logs and duration it had — still settles the invocation (a
   * kill after a graceful stop, whose log must show the signal).
   */
  cancel(id: string, awaitResult = false): void {
    this.httpGuards.delete(id);
    if (!this.inflight.has(id)) return;
    if (!awaitResult) this.inflight.delete(id);
    this.proc.writer?.send({ t: 'cancel', id });
  }

  /**
   * Sends an HTTP invocation (head + whole body in one frame, or head then
   * `hbody` frames); the response goes into `sink`. Resolves with the outcome
   * once the response is complete and the invocation ended, or with a failure
   * when the host dies.
   */
  invokeHttp(id: string, spec: VersionSpec, req: HttpRequestData, sink: HttpResponseSink): Promise<HttpExecutorOutcome> {
    return new Promise((resolve) => {
      const writer = this.proc.writer;
      const call = new HttpCall(id, sink, (m) => writer?.send(m), (o) => { this.http.delete(id); resolve(o); });
      if (!this.proc.alive || !writer) { call.finish(failure('internal', 'isolate host is not running')); return; }
      this.httpGuards.set(id, Date.now() + spec.timeoutMs + spec.initTimeoutMs + 10_000);
      this.http.set(id, call);
      this.inflight.set(id, (o) => { this.httpGuards.delete(id); call.finish(o); });
      const streamed = req.body === null && req.bodyStream !== undefined;
      call.onClientGone = () => this.cancelHttp(id);
      // The spec crosses once per host and spec object; later frames name it by key.
      const key = spec.key;
      const h = req.headersJson ?? JSON.stringify(req.headers);
      if (this.sentSpecs.get(key) === spec) {
        writer.send({ t: 'http', id, k: key, m: req.method, u: req.url, h, b: req.body, s: streamed });
      } else {
        if (this.sentSpecs.size >= HTTP_SPEC_CACHE.parent) this.sentSpecs.clear();
        this.sentSpecs.set(key, spec);
        writer.send({ t: 'http', id, k: key, spec, m: req.method, u: req.url, h, b: req.body, s: streamed });
      }
      if (streamed) void call.sendBody(req.bodyStream!);
    });
  }

  /**
   * The client went away: the invocation resolves as 499 once the host answered the cancel (with
   * the console lines logged so far; HttpCall waits at most 2 s), or now when the host is not told.
   * The host ends it and frees the slot.
   */
  cancelHttp(id: string): void {
    const call = this.http.get(id);
    const writer = this.proc.writer;
    if (call && this.inflight.has(id) && writer) {
      // The host ends the call at once and answers with its outcome (the lines logged so far).
      writer.send({ t: 'cancel', id });
      call.cancel(true);
      return;
    }
    this.cancel(id);
    call?.cancel();
  }

  /** Graceful stop: `shutdown` frame, then SIGTERM after `graceMs`, then SIGKILL 1 s later; resolves once it exited. */
  stop(graceMs: number): Promise<void> {
    return this.proc.stop({ farewell: { t: 'shutdown' }, graceMs, killAfterMs: 1000 });
  }

  /** SIGKILL now. */
  kill(): void {
    this.proc.kill();
  }

  /** HTTP calls past their safety-net deadline fail as internal (see httpGuards). */
  private checkHttpGuards(): void {
    const now = Date.now();
    for (const [id, deadline] of this.httpGuards.entryList()) {
      if (deadline > now) continue;
      this.httpGuards.delete(id);
      if (!this.inflight.has(id)) continue;
      const call = this.http.get(id);
      this.cancel(id);
      call?.finish(failure('internal', 'isolate host did not answer in time'));
    }
  }

  private onMessage(msg: FromHost): void {
    switch (msg.t) {
      case 'pools': this.pools = msg.pools; this.instances = msg.instances; break;
      case 'result': {
        const done = this.inflight.get(msg.id);
        if (done) { this.inflight.delete(msg.id); done(msg.outcome); }
        break;
      }
      case 'hstart': this.http.get(msg.id)?.onStart(msg.s, msg.h, msg.b, msg.e); break;
      case 'hfinal': {
        this.http.get(msg.id)?.onStart(msg.s, msg.h, msg.b, true);
        const done = this.inflight.get(msg.id);
        if (done) { this.inflight.delete(msg.id); done(msg.outcome); }
        break;
      }
      case 'hchunk': this.http.get(msg.id)?.onChunk(msg.c, msg.e); break;
      case 'hack': this.http.get(msg.id)?.onRequestAck(msg.n); break;
      case 'hstop': this.http.get(msg.id)?.onRequestStop(); break;
      case 'wsopen': this.http.get(msg.id)?.onWsOpen(msg.h); break;
      case 'wssend': this.http.get(msg.id)?.onWsSend(msg.d); break;
      case 'wsclose': this.http.get(msg.id)?.onWsClose(msg.c, msg.r, msg.l === true); break;
      case 'grow': this.proc.writer?.send({ t: 'grown', id: msg.id, ok: this.events.onScaleOut() }); break;
    }
  }

  /** The process is gone (its streams destroyed): every invocation in flight on it fails. */
  private onExit(exit: ChildExit): void {
    this.instances = 0;
    this.pools = {};
    const memory = MEMORY_DEATH.test(exit.stderrTail);
    const reason = `isolate host exited (${describeExit(exit)})${memory ? ': out of memory' : ''}`;
    const outcome = memory ? failure('oom', 'memory limit exceeded (isolate host aborted)') : failure('internal', reason);
    const pending = this.inflight.valueList();
    this.inflight.clear();
    this.httpGuards.clear();
    for (const done of pending) done({ ...outcome, logs: [] });
    this.events.onExit({ memory, reason }, exit.stderrTail);
  }
}
