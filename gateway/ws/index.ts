/**
 * WebSocket routes of the data plane (platform-semantics §4): the same
 * `/<namespace>/<function>/<rest>` as HTTP. An upgrade request to a web
 * function with WebSocket enabled (ProtocolType WS) runs its fetch handler
 * like any request; when the handler answers 101 with a WebSocket the
 * connection is upgraded and stays one invocation until it closes. Upgrade
 * requests to other functions get 426; non-upgrade requests fall through to
 * the HTTP routes (uWS yields them). An upgrade on an HTTP trigger's path
 * (checked first, as for HTTP) reaches the trigger's web function the same
 * way; an event function behind a trigger answers 426. One timer sweeps
 * idle connections.
 */
import type { HttpTarget, Platform } from '../../core';
import { NOT_FOUND, OUTCOMES, UPGRADE_REQUIRED } from '../../core';
import { readRequest, routeTrigger, writeError, type DataPlane } from '../http';
import type { TemplatedApp, WebSocketBehavior } from '../uws';
import { WebSocketSession, type SocketData, type WebSocketLimits } from './session';
import { UpgradeSink } from './sink';

/** Idle connections are looked for this often (the idle timeouts are ≥ 10 s). */
const IDLE_SWEEP_MS = 1000;

export interface WebSocketPlane {
  /** Connections open now. */
  readonly open: number;
  /** Closes every connection with 1001 (server shutting down); their invocations then end. */
  shutdown(): void;
}

export function registerWebSocketRoutes(app: TemplatedApp, platform: Platform, dataPlane: DataPlane): WebSocketPlane {
  const { config } = platform;
  const limits: Readonly<WebSocketLimits> = Object.freeze({
    maxMessageBytes: config.wsMaxMessageBytes,
    maxMessagesPerSecond: config.wsMaxMessagesPerSecond,
    maxBytesPerSecond: config.wsMaxBytesPerSecond,
    maxBackpressureBytes: config.wsMaxBackpressureBytes,
  });
  const counters = platform.webSockets;
  const sessions = new Set<WebSocketSession>();

  const behavior: WebSocketBehavior<SocketData> = {
    // Messages up to twice the limit arrive and are refused with a clean 1009 close; beyond that uWS
    // drops the connection itself without buffering the frame.
    maxPayloadLength: limits.maxMessageBytes * 2,
    // Backpressure is bounded by the session (it closes the connection); uWS must never drop frames silently.
    maxBackpressure: limits.maxBackpressureBytes * 4,
    idleTimeout: 0,
    upgrade: (res, req, context) => {
      const url = req.getUrl();
      const hit = platform.triggers.routeCount === 0 ? undefined : platform.triggers.match('GET', url);
      const incoming = readRequest(req);
      const handshake = {
        key: req.getHeader('sec-websocket-key'),
        protocol: req.getHeader('sec-websocket-protocol'),
        extensions: req.getHeader('sec-websocket-extensions'),
        context,
      };
      let target: HttpTarget;
      if (hit !== undefined) {
        const routed = routeTrigger(hit, platform, incoming, url);
        if (routed.kind === 'refused') {
          writeError(res, routed.answer, undefined, true);
          return;
        }
        if (routed.kind === 'event') {
          writeError(res, UPGRADE_REQUIRED, undefined, true);
          return;
        }
        target = routed.target;
      } else {
        const route = platform.http.route(incoming.namespace, incoming.functionName, incoming.qualifier || '$DEFAULT', incoming.headers);
        if (!route.ok) {
          writeError(res, route.notFound ? NOT_FOUND : OUTCOMES.internal, undefined, true);
          return;
        }
        target = route.target;
      }
      const ws = target.webSocket;
      if (ws === null) {
        writeError(res, UPGRADE_REQUIRED, undefined, true);
        return;
      }
      dataPlane.serve(res, incoming, target, (r, options) => new UpgradeSink(r, options, handshake, ws.idleSeconds, limits, counters, sessions));
    },
    open: (ws) => ws.getUserData().session.opened(ws),
    message: (ws, message, isBinary) => ws.getUserData().session.onMessage(message, isBinary),
    close: (ws, code, message) => ws.getUserData().session.onClose(code, message),
  };
  // One-segment paths are only ever HTTP triggers' (as on the HTTP side).
  app.ws('/:segment', behavior);
  app.ws('/:namespace/:function', behavior);
  app.ws('/:namespace/:function/*', behavior);

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const s of sessions) s.checkIdle(now);
  }, IDLE_SWEEP_MS);
  sweep.unref();

  return {
    get open() {
      return sessions.size;
    },
    shutdown() {
      clearInterval(sweep);
      for (const s of [...sessions]) s.shutdown();
    },
  };
}
