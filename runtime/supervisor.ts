/**
 * One supervised isolate host child process: spawn, ready handshake raced
 * against exit and a start timeout, heartbeat, framed messages checked
 * against the schema, SIGTERM then SIGKILL. When the process dies every
 * invocation in flight on it fails (434 when it died of memory, else 500);
 * the runtime restarts it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { FrameReader, FrameWriter } from './frames';
import { HttpCall } from './http-call';
import { IdTable } from './id-table';
import { HTTP_SPEC_CACHE, checkFromHost, failure } from './protocol';
import type { HostConfig } from './protocol';
import type { VersionSpec, HttpExecutorOutcome, HttpRequestData, HttpResponseSink, ExecutorOutcome } from './types';

const HOST_ENTRY = path.join(__dirname, 'host', 'main.js');
const MEMORY_DEATH = /out of memory|out-of-memory|heap limit|invalid (array|table|string) (size|length)|Fatal JavaScript invalid size|Allocation failed/i;

export interface HostDeath { memory: boolean; reason: string }

export class HostProcess extends EventEmitter {
  pid = 0;
  alive = false;
  instances = 0;
  pools: Record<string, { busy: number; idle: number }> = {};
  private child: ChildProcess | null = null;
  private writer: FrameWriter | null = null;
  // Not Maps: per-request keys churning through a long-lived Map promote every request's objects (see IdTable).
  private readonly inflight = new IdTable<(o: ExecutorOutcome) => void>();
  private readonly http = new IdTable<HttpCall>();
  /**
   * Safety-net deadlines of HTTP calls (id → ms epoch), checked by the heartbeat instead of one
   * timer per request: the host enforces every limit itself, so only a host bug lets one pass.
   */
  private readonly httpGuards = new IdTable<number>();
  /** Per version key, the spec object this host process was last sent in an `http` frame. */
  private sentSpecs = new Map<string, VersionSpec>();
  private stderrTail = '';
  private lastPong = Date.now();
  private pingN = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private killTimer: NodeJS.Timeout | null = null;

  constructor(readonly index: number, private readonly config: HostConfig,
    private readonly opts: { startTimeoutMs: number; unresponsiveMs: number; forwardStderr: boolean }) {
    super();
  }

  get inFlight(): number { return this.inflight.size; }

  /** Spawns the host and resolves once it answered `ready`; rejects if it exits or times out first. */
  start(): Promise<void> {
    const child = spawn(process.execPath, ['--no-node-snapshot', ...(process.env.ISOLA_HOST_V8_FLAGS ?? '').split(' ').filter(Boolean), HOST_ENTRY], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: { NODE_ENV: process.env.NODE_ENV ?? 'production', PATH: process.env.PATH ?? '', ISOLA_SNAPSHOT: process.env.ISOLA_SNAPSHOT ?? '', ISOLA_SPARES: process.env.ISOLA_SPARES ?? '' },
    });
    this.child = child;
    this.sentSpecs = new Map();
    this.pid = child.pid ?? 0;
    this.stderrTail = '';
    const sock = child.stdio[3] as Duplex;
    const writer = new FrameWriter(sock);
    this.writer = writer;
    child.stderr?.on('data', (d: Buffer) => {
      const s = d.toString('utf8');
      if (this.opts.forwardStderr) process.stderr.write(`[isola-host ${this.index}] ${s}`);
      this.stderrTail = (this.stderrTail + s).slice(-16384);
    });
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const startTimer = setTimeout(() => {
        if (settled) return;
        settled = true;
        child.kill('SIGKILL');
        reject(new Error(`isolate host did not start within ${this.opts.startTimeoutMs} ms`));
      }, this.opts.startTimeoutMs);
      const reader = new FrameReader((raw) => {
        const msg = checkFromHost(raw);
        if (!msg) { child.kill('SIGKILL'); return; }
        switch (msg.t) {
          case 'ready':
            if (!settled) {
              settled = true;
              clearTimeout(startTimer);
              this.alive = true;
              this.lastPong = Date.now();
              this.startHeartbeat();
              resolve();
              this.emit('ready');
            }
            break;
          case 'pong': this.lastPong = Date.now(); break;
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
        }
      });
      sock.on('data', (chunk: Buffer) => {
        try { reader.push(chunk); } catch { child.kill('SIGKILL'); }
      });
      sock.on('error', () => undefined);
      child.on('error', () => undefined);
      child.once('exit', (code, signal) => {
        // stderr may still hold the last words: give the pipe a moment.
        setImmediate(() => {
          const death = this.onExit(code, signal);
          if (!settled) { settled = true; clearTimeout(startTimer); reject(new Error(`isolate host exited during start: ${death.reason}`)); }
        });
      });
      writer.send({ t: 'config', config: this.config });
    });
  }

  /** Sends an invocation; resolves with the host's outcome or a failure when the host dies. */
  invoke(id: string, spec: VersionSpec, event: string): Promise<ExecutorOutcome> {
    return new Promise((resolve) => {
      if (!this.alive || !this.writer) { resolve(failure('internal', 'isolate host is not running')); return; }
      // Safety net: the host enforces every limit itself, so only a host bug lets this fire.
      const guard = setTimeout(() => {
        if (!this.inflight.has(id)) return;
        this.cancel(id);
        resolve(failure('internal', 'isolate host did not answer in time'));
      }, spec.timeoutMs + spec.initTimeoutMs + 10_000);
      guard.unref();
      this.inflight.set(id, (o) => { clearTimeout(guard); resolve(o); });
      this.writer.send({ t: 'invoke', id, spec, event });
    });
  }

  cancel(id: string): void {
    this.httpGuards.delete(id);
    if (this.inflight.delete(id)) this.writer?.send({ t: 'cancel', id });
  }

  /**
   * Sends an HTTP invocation (head + whole body in one frame, or head then
   * `hbody` frames); the response goes into `sink`. Resolves with the outcome
   * once the response is complete and the invocation ended, or with a failure
   * when the host dies.
   */
  invokeHttp(id: string, spec: VersionSpec, req: HttpRequestData, sink: HttpResponseSink): Promise<HttpExecutorOutcome> {
    return new Promise((resolve) => {
      const writer = this.writer;
      const call = new HttpCall(id, sink, (m) => writer?.send(m), (o) => { this.http.delete(id); resolve(o); });
      if (!this.alive || !writer) { call.finish(failure('internal', 'isolate host is not running')); return; }
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
    if (call && this.inflight.has(id) && this.writer) {
      // The host ends the call at once and answers with its outcome (the lines logged so far).
      this.writer.send({ t: 'cancel', id });
      call.cancel(true);
      return;
    }
    this.cancel(id);
    call?.cancel();
  }

  /** Graceful stop: shutdown frame, then SIGTERM, then SIGKILL. */
  stop(graceMs: number): Promise<void> {
    const child = this.child;
    this.alive = false;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      this.writer?.send({ t: 'shutdown' });
      this.killTimer = setTimeout(() => {
        child.kill('SIGTERM');
        this.killTimer = setTimeout(() => child.kill('SIGKILL'), 1000);
      }, graceMs);
    });
  }

  kill(): void {
    this.child?.kill('SIGKILL');
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

  private startHeartbeat(): void {
    const every = Math.max(100, Math.floor(this.opts.unresponsiveMs / 4));
    this.heartbeat = setInterval(() => {
      if (!this.alive) return;
      if (this.httpGuards.size > 0) this.checkHttpGuards();
      if (Date.now() - this.lastPong > this.opts.unresponsiveMs) {
        this.stderrTail += '\nisola: host unresponsive, killed by the supervisor\n';
        this.child?.kill('SIGKILL');
        return;
      }
      this.writer?.send({ t: 'ping', n: ++this.pingN });
    }, every);
    this.heartbeat.unref();
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): HostDeath {
    this.alive = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.killTimer) clearTimeout(this.killTimer);
    this.writer?.close();
    this.writer = null;
    this.child?.stdio[3]?.destroy();
    this.child?.stderr?.destroy();
    this.instances = 0;
    this.pools = {};
    const memory = MEMORY_DEATH.test(this.stderrTail);
    const reason = `isolate host exited (${signal ? `signal ${signal}` : `code ${code}`})${memory ? ': out of memory' : ''}`;
    const outcome = memory ? failure('oom', 'memory limit exceeded (isolate host aborted)') : failure('internal', reason);
    const pending = this.inflight.valueList();
    this.inflight.clear();
    this.httpGuards.clear();
    for (const done of pending) done({ ...outcome, logs: [] });
    const death: HostDeath = { memory, reason };
    this.emit('exit', death, this.stderrTail);
    return death;
  }
}
