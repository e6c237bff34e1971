/**
 * One WebSocket connection of a web function, from the upgrade to the close:
 * the runtime's peer (the function's frames go to the client through it) and
 * the uWS handlers' target (the client's frames go to the function through
 * the runtime's channel).
 *
 * Limits, checked here per client message (platform-semantics §4): size
 * (1009 "Message Too Big"), messages per second and bytes per second (1008
 * "Policy Violation"), each a token bucket holding one second's allowance.
 * The function's frames count against the client's backpressure: past
 * `maxBackpressureBytes` buffered for a client that does not read, the
 * connection is closed (1008) rather than buffering without bound. Whoever
 * closes first decides the ending (`end`), which the core turns into the
 * invocation's status.
 */
import { PLATFORM_CLOSE, platformCloseFor, type Outcome, type WebSocketCounters, type WebSocketEnd } from '../../core';
import type { WebSocketChannel, WebSocketPeer } from '../../core';
import type { WebSocket } from '../uws';

export interface WebSocketLimits {
  maxMessageBytes: number;
  maxMessagesPerSecond: number;
  maxBytesPerSecond: number;
  maxBackpressureBytes: number;
}

/** What uWS keeps for a connection (its user data). */
export interface SocketData {
  session: WebSocketSession;
}

export class WebSocketSession implements WebSocketPeer {
  /** How the connection ended (first decision wins); null while open. */
  ending: WebSocketEnd | null = null;
  /** Last frame either way (ms), for the idle timeout. */
  lastActivity = Date.now();
  private ws: WebSocket<SocketData> | null = null;
  private closed = false;
  private messageTokens: number;
  private byteTokens: number;
  private refilledAt = Date.now();

  constructor(
    private readonly channel: WebSocketChannel,
    readonly idleMs: number,
    private readonly limits: Readonly<WebSocketLimits>,
    private readonly counters: WebSocketCounters,
    /** The open connections (for the idle sweep and shutdown): in it from open to close. */
    private readonly registry: Set<WebSocketSession>,
  ) {
    this.messageTokens = limits.maxMessagesPerSecond;
    this.byteTokens = limits.maxBytesPerSecond;
  }

  get open(): boolean {
    return this.ws !== null && !this.closed;
  }

  /** uWS `open`: the socket is usable. */
  opened(ws: WebSocket<SocketData>): void {
    this.ws = ws;
    this.registry.add(this);
    this.lastActivity = Date.now();
    this.counters.open++;
    this.counters.accepted++;
  }

  // ---------------------------------------------------------------- function → client

  send(data: string | Uint8Array): void {
    const ws = this.ws;
    if (ws === null || this.closed || this.ending) return;
    ws.send(data, typeof data !== 'string');
    this.lastActivity = Date.now();
    if (ws.getBufferedAmount() > this.limits.maxBackpressureBytes) {
      this.counters.limitCloses.backpressure++;
      this.closeForLimit(1008, `more than ${this.limits.maxBackpressureBytes} bytes waiting for the client (it is not reading)`);
    }
  }

  close(code: number, reason: string, overSendWindow = false): void {
    if (overSendWindow) {
      this.counters.limitCloses.sendWindow++;
      this.closeForLimit(code, reason);
      return;
    }
    this.end({ by: 'function', code, reason }, code, reason);
  }

  // ---------------------------------------------------------------- client → function

  /** uWS `message`. `message` is only valid during this call. */
  onMessage(message: ArrayBuffer, isBinary: boolean): void {
    if (this.closed || this.ending) return;
    const size = message.byteLength;
    if (size > this.limits.maxMessageBytes) {
      this.counters.limitCloses.messageSize++;
      this.closeForLimit(1009, `message of ${size} bytes is over the ${this.limits.maxMessageBytes}-byte limit`);
      return;
    }
    const now = Date.now();
    this.refill(now);
    if (this.messageTokens < 1) {
      this.counters.limitCloses.messageRate++;
      this.closeForLimit(1008, `more than ${this.limits.maxMessagesPerSecond} messages per second`);
      return;
    }
    if (this.byteTokens < 0) {
      this.counters.limitCloses.byteRate++;
      this.closeForLimit(1008, `more than ${this.limits.maxBytesPerSecond} bytes per second`);
      return;
    }
    this.messageTokens -= 1;
    // A message may be larger than one second's allowance: it passes, and the debt delays the next ones.
    this.byteTokens -= size;
    this.lastActivity = now;
    this.channel.message(isBinary ? new Uint8Array(message.slice(0)) : Buffer.from(message).toString('utf8'));
  }

  /** uWS `close` (also called at once by our own `end`). */
  onClose(code: number, reason: ArrayBuffer): void {
    if (this.closed) return;
    this.closed = true;
    this.ws = null;
    this.counters.open--;
    const text = Buffer.from(reason).toString('utf8');
    // uWS reports a frame over its maxPayloadLength as an abrupt close (1006, no close frame).
    if (!this.ending && code === 1006 && text.includes('too big')) this.counters.limitCloses.messageSize++;
    this.ending ??= { by: 'client', code, reason: text };
    this.registry.delete(this);
    this.channel.closed(code, text);
  }

  // ---------------------------------------------------------------- platform

  /** Closes the connection when nothing moved for the idle timeout; true when it did. */
  checkIdle(now: number): boolean {
    if (this.closed || this.ending || now - this.lastActivity < this.idleMs) return false;
    this.end({ by: 'idle', idleSeconds: Math.round(this.idleMs / 1000) }, PLATFORM_CLOSE.idle.code, PLATFORM_CLOSE.idle.reason);
    return true;
  }

  /** The server is shutting down. */
  shutdown(): void {
    this.end({ by: 'shutdown' }, PLATFORM_CLOSE.shutdown.code, PLATFORM_CLOSE.shutdown.reason);
  }

  /**
   * The invocation ended in the executor while the socket was open (execution
   * timeout, memory, a fault): its outcome is the executor's; the socket
   * closes with the matching code.
   */
  runtimeEnded(outcome: Outcome): void {
    if (this.closed) return;
    const close = platformCloseFor(outcome);
    this.end({ by: 'function', code: close.code, reason: close.reason }, close.code, close.reason);
  }

  private closeForLimit(code: number, reason: string): void {
    this.end({ by: 'limit', code, reason }, code, reason);
  }

  private end(ending: WebSocketEnd, code: number, reason: string): void {
    if (this.ending || this.closed) return;
    this.ending = ending;
    const ws = this.ws;
    if (ws === null) return;
    // A close reason is at most 123 bytes on the wire.
    let short = reason;
    while (Buffer.byteLength(short) > 123) short = short.slice(0, -1);
    ws.end(code, short);
  }

  private refill(now: number): void {
    const elapsed = (now - this.refilledAt) / 1000;
    if (elapsed <= 0) return;
    this.refilledAt = now;
    this.messageTokens = Math.min(this.limits.maxMessagesPerSecond, this.messageTokens + elapsed * this.limits.maxMessagesPerSecond);
    this.byteTokens = Math.min(this.limits.maxBytesPerSecond, this.byteTokens + elapsed * this.limits.maxBytesPerSecond);
  }
}
