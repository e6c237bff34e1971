/**
 * The isolate host's side of one HTTP invocation: the request head, the
 * request body chunks the parent streams in (`hbody`), and the credit of the
 * response body stream (`hack`). Created when the `http` frame arrives, before
 * an instance is chosen (body frames may arrive during a cold start); the
 * instance attaches itself when it dispatches the request.
 *
 * Request body: chunks wait here (at most HTTP_REQUEST_WINDOW_BYTES, the
 * parent's window) until the isolate's push stream asks for more (`pull`);
 * everything queued then crosses in one entry, and the parent gets the credit
 * back (`hack`).
 *
 * Response body: the isolate may send HTTP_WINDOW_BYTES beyond what the sink
 * has acknowledged; when it has used its credit and acknowledgements are
 * pending, they are granted in one entry (so a fast sink costs no entry per
 * chunk until the window is used up).
 *
 * WebSocket (after the function answered 101): client frames and the close go
 * into the isolate (`ws`); the function's frames go out as `wssend` while fewer
 * than WS_SEND_WINDOW_BYTES are unacknowledged by the gateway (`wsack`) — past
 * that the connection is closed with 1008, since send() in the isolate cannot
 * wait and the bytes would pile up here.
 */
import { HTTP_WINDOW_BYTES, MAX_RESPONSE_BYTES, WS_SEND_WINDOW_BYTES, failure, userError } from '../protocol';
import type { FromHost } from '../protocol';
import type { ExecutorOutcome } from '../types';

export interface HttpHead {
  method: string;
  url: string;
  /** JSON of the [name, value] pairs, as the parent sent it (handed to the isolate as is). */
  headersJson: string;
  body: Uint8Array | null;
  streamed: boolean;
}

export interface ExchangeSink {
  /** Hands request body bytes (or null; a Uint8Array owning its whole buffer, to be transferred) and/or the end to the isolate. */
  deliver(chunk: Uint8Array | null, end: boolean): void;
  /** Grants the isolate `n` more response bytes. */
  grant(n: number): void;
  /** A WebSocket client frame (`data`), or the close (`data` null, with code and reason), for the isolate. */
  ws(data: string | Uint8Array | null, code: number, reason: string): void;
}

/** Close code when the function outruns its send window (policy violation). */
const WS_WINDOW_CLOSE = { code: 1008, reason: `send buffer over ${WS_SEND_WINDOW_BYTES} bytes: the client is not reading fast enough` };

export class HttpExchange {
  private chunks: Uint8Array[] = [];
  private queued = 0;
  private ended = false;
  private endDelivered = false;
  private wants = false;
  private stopped = false;
  private target: ExchangeSink | null = null;
  private sent = 0;
  private granted = 0;
  private acked = 0;
  /** A complete response ('final') not sent yet: it goes out with the outcome. */
  private final: { s: number; h: string; b: Uint8Array | null } | null = null;
  /** WebSocket: the function's bytes sent / acknowledged by the gateway, and whether the host closed it over the window. */
  private wsSent = 0;
  private wsAcked = 0;
  private wsOverflow = false;

  constructor(readonly id: string, readonly head: HttpHead, private readonly out: (m: FromHost) => void) {}

  attach(target: ExchangeSink): void {
    this.target = target;
    this.tryDeliver();
  }

  detach(): void {
    this.target = null;
    this.chunks = [];
    this.queued = 0;
  }

  /** `hbody` from the parent. */
  onBody(c: Uint8Array | null, end: boolean): void {
    if (this.stopped || this.endDelivered) return;
    if (c !== null && c.byteLength > 0) { this.chunks.push(c); this.queued += c.byteLength; }
    if (end) this.ended = true;
    this.tryDeliver();
  }

  /** `wsmsg`: a client frame. */
  onWsMessage(d: string | Uint8Array): void {
    this.target?.ws(d, 0, '');
  }

  /** `wsend`: the connection closed. */
  onWsEnd(code: number, reason: string): void {
    this.target?.ws(null, code, reason);
  }

  /** `wsack`: the gateway handed `n` more bytes of the function's frames to the client. */
  onWsAck(n: number): void {
    this.wsAcked += n;
  }

  private wsSend(d: unknown): void {
    if (this.wsOverflow || (typeof d !== 'string' && !(d instanceof Uint8Array))) return;
    this.wsSent += typeof d === 'string' ? d.length : d.byteLength;
    if (this.wsSent - this.wsAcked > WS_SEND_WINDOW_BYTES) {
      this.wsOverflow = true;
      this.out({ t: 'wsclose', id: this.id, c: WS_WINDOW_CLOSE.code, r: WS_WINDOW_CLOSE.reason, l: true });
      return;
    }
    this.out({ t: 'wssend', id: this.id, d });
  }

  /** The isolate's request body stream wants more. */
  private onPull(): void {
    this.wants = true;
    this.tryDeliver();
  }

  /** The function cancelled the request body: tell the parent to stop sending it. */
  private onStop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.chunks = [];
    this.queued = 0;
    this.out({ t: 'hstop', id: this.id });
  }

  /**
   * A call from the isolate (sandbox/boot/80-http.js `host.http`, arguments unchecked):
   * forwards response frames, handles request body flow; returns the outcome
   * when the call ends the invocation.
   */
  fromIsolate(kind: unknown, a: unknown, b: unknown, c: unknown, d: unknown, instanceId: string): ExecutorOutcome | null {
    switch (kind) {
      case 'start':
        if (typeof a !== 'number' || typeof b !== 'string') return null;
        this.out({ t: 'hstart', id: this.id, s: a, h: b, b: c instanceof Uint8Array && c.byteLength > 0 ? c : null, e: d === true });
        return null;
      case 'chunk': {
        const chunk = a instanceof Uint8Array && a.byteLength > 0 ? a : null;
        this.out({ t: 'hchunk', id: this.id, c: chunk, e: b === true });
        if (chunk) this.onSent(chunk.byteLength);
        return null;
      }
      case 'final':
        // 'start' with the whole body and the end, then 'done' (sandbox/boot/80-http.js httpFinal). The head is
        // held until the outcome is known: it leaves with it in one `hfinal` frame (takeFinal).
        if (typeof a !== 'number' || typeof b !== 'string') return failure('internal', 'malformed response head from the isolate', instanceId);
        this.final = { s: a, h: b, b: c instanceof Uint8Array && c.byteLength > 0 ? c : null };
        return { kind: 'ok', logs: [], durationMs: 0, memUsageBytes: 0, instanceId };
      case 'done':
        return { kind: 'ok', logs: [], durationMs: 0, memUsageBytes: 0, instanceId };
      case 'error': {
        let info = { name: 'Error', message: 'unknown error', stack: '' };
        try { info = JSON.parse(String(a)) as typeof info; } catch { /* keep default */ }
        return userError(info, instanceId);
      }
      case 'big':
        return failure('response_too_large', `response body exceeds ${MAX_RESPONSE_BYTES} bytes`, instanceId);
      case 'bad':
        return failure('internal', String(a).slice(0, 1024), instanceId);
      case 'pull': this.onPull(); return null;
      case 'stop': this.onStop(); return null;
      default: return null;
    }
  }

  /**
   * A WebSocket call from the isolate (sandbox/boot/85-ws.js `host.ws`, arguments unchecked):
   * 'open' (a = the 101's headers JSON), 'send' (a = a frame), 'close' (a = code, b = reason).
   */
  fromWebSocket(kind: unknown, a: unknown, b: unknown): void {
    switch (kind) {
      case 'open':
        if (typeof a === 'string') this.out({ t: 'wsopen', id: this.id, h: a });
        return;
      case 'send': this.wsSend(a); return;
      case 'close':
        if (!this.wsOverflow) this.out({ t: 'wsclose', id: this.id, c: typeof a === 'number' ? a : 1000, r: typeof b === 'string' ? b.slice(0, 123) : '' });
        return;
    }
  }

  /**
   * The held complete response, if any, taken once: the caller sends it with the outcome
   * (`hfinal`), or as `hstart` before a failure's `result`.
   */
  takeFinal(): { s: number; h: string; b: Uint8Array | null } | null {
    const f = this.final;
    this.final = null;
    return f;
  }

  /** The isolate sent `n` response bytes. */
  private onSent(n: number): void {
    this.sent += n;
    this.maybeGrant();
  }

  /** `hack` from the parent: the sink took `n` response bytes. */
  onAck(n: number): void {
    this.acked += n;
    this.maybeGrant();
  }

  private maybeGrant(): void {
    if (!this.target || HTTP_WINDOW_BYTES + this.granted - this.sent > 0 || this.acked <= this.granted) return;
    const n = this.acked - this.granted;
    this.granted += n;
    this.target.grant(n);
  }

  private tryDeliver(): void {
    if (!this.target || !this.wants || this.endDelivered || (this.chunks.length === 0 && !this.ended)) return;
    const n = this.queued;
    // One exact copy the isolate can take over (chunks are views into frame buffers, which
    // isolated-vm would copy whole).
    let c: Uint8Array | null = null;
    if (n > 0) {
      c = new Uint8Array(n);
      let off = 0;
      for (const part of this.chunks) { c.set(part, off); off += part.byteLength; }
    }
    this.chunks = [];
    this.queued = 0;
    this.wants = false;
    if (this.ended) this.endDelivered = true;
    this.target.deliver(c, this.ended);
    if (n > 0) this.out({ t: 'hack', id: this.id, n });
  }
}
