/**
 * The parent's side of one HTTP invocation on an isolate host: writes the
 * response frames (`hstart`, `hchunk`) into the caller's sink with
 * credit-based backpressure, streams a request body still arriving as `hbody`
 * frames (at most HTTP_REQUEST_WINDOW_BYTES not yet taken by the isolate), and
 * turns the host's final `result` into the HttpExecutorOutcome.
 *
 * Credit: every response byte the sink took (`write` returned true, or its
 * `drained()` resolved) is acknowledged with an `hack` frame; the host reads
 * the function's body stream only while fewer than HTTP_WINDOW_BYTES are
 * unacknowledged, so a client that does not read holds the function's stream
 * with a bounded amount buffered in between.
 *
 * WebSocket: a 101 answer (`wsopen`) asks the sink to upgrade; from then on the
 * function's frames (`wssend`, `wsclose`) go to the gateway's peer and the
 * client's (`wsmsg`, `wsend`) to the host, the function's bytes acknowledged
 * in WS_ACK_STEP_BYTES steps (`wsack`) for the host's send window.
 */
import { HTTP_REQUEST_WINDOW_BYTES, WS_ACK_STEP_BYTES, failure } from './protocol';
import type { ToHost } from './protocol';
import type { HttpExecutorOutcome, HttpResponseSink, ExecutorOutcome, WebSocketPeer } from './types';

/** How long a canceled call waits for the host's outcome (its console lines) before it completes without. */
const CANCEL_WAIT_MS = 2000;

export class HttpCall {
  private started = false;
  private ended = false;
  private status: number | undefined;
  private bytes = 0;
  /** Chunks received while the sink is not draining (bounded by the host's window). */
  private readonly queue: Uint8Array[] = [];
  private paused = false;
  private unackedWhilePaused = 0;
  private endPending = false;
  private finalOutcome: ExecutorOutcome | null = null;
  private dead = false;
  /** The client went away: the sink is not touched again; waiting for the host's outcome. */
  private canceled = false;
  private cancelTimer: NodeJS.Timeout | null = null;
  /** Request body streaming state. */
  private reqUnacked = 0;
  private reqWake: (() => void) | null = null;
  private reqStopped = false;
  private bodyIter: AsyncIterator<Uint8Array> | null = null;
  /** The upgraded connection (after `wsopen`), and the bytes of its frames not acknowledged yet. */
  private ws: WebSocketPeer | null = null;
  private wsUnacked = 0;
  /** The function answered 101 to a request the gateway could not upgrade. */
  private upgradeRefused = false;

  constructor(
    readonly id: string,
    private readonly sink: HttpResponseSink,
    private readonly send: (msg: ToHost) => void,
    private readonly resolve: (o: HttpExecutorOutcome) => void,
  ) {}

  /** `hstart`: the head, maybe the whole body and the end. */
  onStart(status: number, headersJson: string, body: Uint8Array | null, end: boolean): void {
    if (this.dead || this.started || this.canceled) return;
    const headers = parseHeaders(headersJson);
    this.started = true;
    this.status = status;
    try {
      this.sink.start(status, headers);
      if (body !== null && body.byteLength > 0) {
        if (end) { this.bytes += body.byteLength; this.sink.write(body); } else this.onBytes(body);
      }
      if (end) this.onEnd();
    } catch (e) { this.sinkFailed(e); }
  }

  /** `wsopen`: the function answered 101 with a WebSocket: the gateway upgrades the connection. */
  onWsOpen(headersJson: string): void {
    if (this.dead || this.started || this.canceled) return;
    let peer: WebSocketPeer | null = null;
    try {
      peer = this.sink.upgrade?.(parseHeaders(headersJson), {
        message: (d) => { if (!this.dead) this.send({ t: 'wsmsg', id: this.id, d }); },
        closed: (c, r) => { if (!this.dead) this.send({ t: 'wsend', id: this.id, c, r }); },
      }) ?? null;
    } catch (e) { this.sinkFailed(e); return; }
    if (peer === null) {
      // Not an upgrade the gateway can complete: the function sees its socket close; the call fails (500).
      this.upgradeRefused = true;
      this.send({ t: 'wsend', id: this.id, c: 1006, r: 'the request was not a WebSocket upgrade' });
      return;
    }
    this.started = true;
    this.ended = true; // the 101 is the whole HTTP response
    this.status = 101;
    this.ws = peer;
  }

  /** `wssend`: a frame from the function to the client. */
  onWsSend(d: string | Uint8Array): void {
    if (this.dead || this.ws === null) return;
    try { this.ws.send(d); } catch (e) { this.sinkFailed(e); return; }
    // Strings count their length, as the host does: the window is a bound, not an exact byte count.
    this.wsUnacked += typeof d === 'string' ? d.length : d.byteLength;
    if (this.wsUnacked >= WS_ACK_STEP_BYTES) {
      this.send({ t: 'wsack', id: this.id, n: this.wsUnacked });
      this.wsUnacked = 0;
    }
  }

  /** `wsclose`: the function (or its host, `overWindow`) closes the connection. */
  onWsClose(code: number, reason: string, overWindow = false): void {
    if (this.dead || this.ws === null) return;
    try { this.ws.close(code, reason, overWindow); } catch (e) { this.sinkFailed(e); }
  }

  /** A sink that throws is a client that is gone (never let it take the frame reader down). */
  private sinkFailed(_e: unknown): void {
    if (this.dead) return;
    this.onClientGone?.();
    if (!this.dead) this.cancel();
  }

  /** `hchunk`: body bytes and/or the end. */
  onChunk(chunk: Uint8Array | null, end: boolean): void {
    if (this.dead || !this.started || this.canceled) return;
    try {
      if (chunk !== null && chunk.byteLength > 0) this.onBytes(chunk);
      if (end) this.onEnd();
    } catch (e) { this.sinkFailed(e); }
  }

  /** `hack` from the host: `n` request body bytes reached the isolate. */
  onRequestAck(n: number): void {
    this.reqUnacked -= n;
    if (this.reqUnacked < HTTP_REQUEST_WINDOW_BYTES && this.reqWake) { const w = this.reqWake; this.reqWake = null; w(); }
  }

  /** `hstop`: the function cancelled the request body. */
  onRequestStop(): void {
    this.reqStopped = true;
    if (this.reqWake) { const w = this.reqWake; this.reqWake = null; w(); }
  }

  /** The host's final outcome (or a failure when the host died): completes once queued bytes reached the sink. */
  finish(o: ExecutorOutcome): void {
    if (this.dead) return;
    if (this.canceled) {
      // Whatever the host ended with, the call is the client's 499; keep its lines and timings.
      if (this.cancelTimer) clearTimeout(this.cancelTimer);
      const c = failure('canceled', 'request canceled');
      c.logs = o.logs ?? [];
      c.durationMs = o.durationMs;
      c.memUsageBytes = o.memUsageBytes;
      if (o.instanceId !== undefined) c.instanceId = o.instanceId;
      if (o.coldStart !== undefined) c.coldStart = o.coldStart;
      this.finalOutcome = c;
      this.complete();
      return;
    }
    if (this.upgradeRefused && o.kind === 'ok') {
      o = { ...failure('internal', 'the fetch handler answered 101 (WebSocket) to a request that is not a WebSocket upgrade, or WebSocket is not enabled for this function'), logs: o.logs, durationMs: o.durationMs, memUsageBytes: o.memUsageBytes, instanceId: o.instanceId };
    }
    this.finalOutcome = o;
    this.stopRequestBody();
    if (o.kind === 'ok' && this.paused && this.endPending) return; // resume() completes it
    this.complete();
  }

  /**
   * The client went away: 499; the sink is never touched again. When the
   * host was told (`awaitHost`), the call waits (at most CANCEL_WAIT_MS) for
   * the host's outcome of the canceled call, so the console lines logged so
   * far and the real duration are kept; otherwise it completes now.
   */
  cancel(awaitHost = false): void {
    if (this.dead || this.canceled) return;
    this.canceled = true;
    this.stopRequestBody();
    if (!awaitHost) { this.finalOutcome = failure('canceled', 'request canceled'); this.complete(); return; }
    this.cancelTimer = setTimeout(() => this.finish(failure('canceled', 'request canceled')), CANCEL_WAIT_MS);
    this.cancelTimer.unref();
  }

  /** Sends a request body that is still arriving, within the request window. */
  async sendBody(body: AsyncIterable<Uint8Array>): Promise<void> {
    let iter: AsyncIterator<Uint8Array>;
    try { iter = body[Symbol.asyncIterator](); } catch { this.send({ t: 'hbody', id: this.id, c: null, e: true }); return; }
    this.bodyIter = iter;
    try {
      for (;;) {
        while (this.reqUnacked >= HTTP_REQUEST_WINDOW_BYTES && !this.dead && !this.reqStopped) await new Promise<void>((r) => { this.reqWake = r; });
        if (this.dead || this.reqStopped) break;
        const r = await iter.next();
        if (this.dead || this.reqStopped) break;
        if (r.done) { this.send({ t: 'hbody', id: this.id, c: null, e: true }); this.bodyIter = null; return; }
        const c = r.value;
        if (!(c instanceof Uint8Array) || c.byteLength === 0) continue;
        this.reqUnacked += c.byteLength;
        this.send({ t: 'hbody', id: this.id, c, e: false });
      }
    } catch {
      // The iterator throws when the client went away; the gateway aborts the signal too,
      // but end the invocation here in case it does not.
      this.bodyIter = null;
      if (!this.dead) this.onClientGone?.();
      return;
    }
    this.stopRequestBody();
  }

  /** Set by the owner: ends the invocation as canceled (499) when the request body or the sink fails. */
  onClientGone: (() => void) | null = null;

  private stopRequestBody(): void {
    this.reqStopped = true;
    const it = this.bodyIter;
    this.bodyIter = null;
    if (it?.return) { try { void Promise.resolve(it.return()).catch(() => undefined); } catch { /* ignore */ } }
    if (this.reqWake) { const w = this.reqWake; this.reqWake = null; w(); }
  }

  private onBytes(c: Uint8Array): void {
    if (this.paused) { this.queue.push(c); return; }
    this.write(c);
  }

  private write(c: Uint8Array): void {
    this.bytes += c.byteLength;
    if (this.sink.write(c)) {
      this.send({ t: 'hack', id: this.id, n: c.byteLength });
      return;
    }
    this.paused = true;
    this.unackedWhilePaused += c.byteLength;
    this.sink.drained().then(this.resume, this.resume);
  }

  private readonly resume = (): void => {
    if (this.dead || this.canceled) return;
    this.paused = false;
    if (this.unackedWhilePaused > 0 && !this.finalOutcome) this.send({ t: 'hack', id: this.id, n: this.unackedWhilePaused });
    this.unackedWhilePaused = 0;
    try {
      while (this.queue.length && !this.paused) this.write(this.queue.shift()!);
      if (this.paused) return;
      if (this.endPending) { this.endPending = false; this.doEnd(); }
    } catch (e) { this.sinkFailed(e); return; }
    if (this.finalOutcome) this.complete();
  };

  private onEnd(): void {
    if (this.paused) { this.endPending = true; return; }
    this.doEnd();
  }

  private doEnd(): void {
    if (this.ended) return;
    this.ended = true;
    this.sink.end();
  }

  private complete(): void {
    if (this.dead) return;
    this.dead = true;
    const o = this.finalOutcome!;
    this.queue.length = 0;
    if (this.started && !this.ended && o.kind !== 'canceled') {
      try { this.sink.abort?.(o.errorMessage ?? o.kind); } catch { /* the gateway's sink failed; nothing to add */ }
    }
    const out = o as HttpExecutorOutcome;
    out.responseStarted = this.started;
    out.responseEnded = this.ended;
    out.responseBytes = this.bytes;
    if (this.status !== undefined) out.httpStatus = this.status;
    if (this.ws !== null) out.webSocket = true;
    this.resolve(out);
  }
}

/**
 * The last header list parsed, and its JSON: a function answers with the same headers call after call
 * (`[["content-type","text/plain;charset=UTF-8"]]`), and JSON.parse plus the check was ~1 µs of the
 * gateway's thread per request. The pairs are frozen (sinks only read them: executor/contract.ts), so
 * one array can serve every call that sent the same text, and the sink can cache its own check by it.
 */
let lastHeadersJson = '';
let lastHeaders: Array<[string, string]> = Object.freeze([]) as unknown as Array<[string, string]>;

/** The [name, value] pairs of a JSON header list from the host (anything else dropped), frozen. */
function parseHeaders(json: string): Array<[string, string]> {
  if (json === lastHeadersJson) return lastHeaders;
  let pairs: Array<[string, string]> = [];
  try {
    const parsed: unknown = JSON.parse(json);
    if (Array.isArray(parsed)) pairs = parsed.filter((p): p is [string, string] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string');
  } catch { /* not JSON: no headers */ }
  for (const pair of pairs) Object.freeze(pair);
  lastHeadersJson = json;
  lastHeaders = Object.freeze(pairs) as unknown as Array<[string, string]>;
  return lastHeaders;
}
