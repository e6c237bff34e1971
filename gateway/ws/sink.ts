/**
 * The response sink of a WebSocket upgrade request: an HTTP response sink
 * (the function may answer without upgrading: 400, 401, …) that can also
 * complete the upgrade when the function answers 101 with a WebSocket.
 * The handshake values are read in the uWS upgrade handler, since the
 * request object dies when it returns.
 */
import type { GatewayFailure, Outcome, WebSocketChannel, WebSocketCounters, WebSocketPeer } from '../../core';
import { webSocketOutcome } from '../../core';
import { UwsResponseSink, type SinkOptions } from '../http';
import type { HttpResponse, SocketContext } from '../uws';
import { WebSocketSession, type SocketData, type WebSocketLimits } from './session';

export interface Handshake {
  key: string;
  protocol: string;
  extensions: string;
  context: SocketContext;
}

/** The function's 101 headers the platform writes itself (or that would break the handshake). */
const HANDSHAKE_HEADERS = new Set([
  'connection', 'upgrade', 'sec-websocket-accept', 'sec-websocket-extensions', 'sec-websocket-protocol',
  'content-length', 'transfer-encoding', 'keep-alive', 'date', 'x-scf-request-id',
]);

export class UpgradeSink extends UwsResponseSink {
  private session: WebSocketSession | null = null;

  constructor(
    res: HttpResponse,
    options: SinkOptions,
    private readonly handshake: Handshake,
    private readonly idleSeconds: number,
    private readonly limits: Readonly<WebSocketLimits>,
    private readonly counters: WebSocketCounters,
    private readonly sessions: Set<WebSocketSession>,
  ) {
    super(res, options);
  }

  upgrade(headers: Array<[string, string]>, channel: WebSocketChannel): WebSocketPeer | null {
    if (this.aborted || this.finished || super.failure()) return null;
    const kept = this.acceptHeaders(headers, HANDSHAKE_HEADERS);
    if (kept === undefined) return null;
    // The function picks the subprotocol by answering Sec-WebSocket-Protocol (one the client offered).
    const chosen = headers.find(([name]) => name.toLowerCase() === 'sec-websocket-protocol')?.[1] ?? '';
    const offered = this.handshake.protocol.split(',').map((p) => p.trim());
    const protocol = chosen !== '' && offered.includes(chosen) ? chosen : '';
    const session = new WebSocketSession(channel, this.idleSeconds * 1000, this.limits, this.counters, this.sessions);
    this.session = session;
    this.finished = true;
    this.flushed = true;
    // The connection may stay open for hours: its upgrade request's headers (the runtime has them) can go.
    this.options.releaseRequest();
    const { res } = this;
    const data: SocketData = { session };
    res.cork(() => {
      // Custom headers on a 101 need the status line first (else uWS writes "200 OK" and the upgrade fails).
      res.writeStatus('101 Switching Protocols');
      for (const [name, value] of kept) res.writeHeader(name, value);
      res.writeHeader('X-Scf-Request-Id', this.options.requestId);
      res.upgrade(data, this.handshake.key, protocol, this.handshake.extensions, this.handshake.context);
    });
    return session;
  }

  /** After the upgrade, the connection's ending decides the outcome (unless the executor failed first). */
  override failure(): GatewayFailure | undefined {
    const own = super.failure();
    if (own || this.session === null || this.session.open || this.session.ending === null) return own;
    const ending = webSocketOutcome(this.session.ending);
    return ending.kind === 'ok' ? undefined : { outcome: ending.kind, message: ending.message };
  }

  override settled(outcome: Outcome): void {
    if (this.session?.open) this.session.runtimeEnded(outcome);
  }
}
