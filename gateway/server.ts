/**
 * The gateway: one uWS app (hyper-express for the health, metrics and
 * not-found routes; the control API and the data plane on the raw app). It owns the listening socket and nothing else of the
 * platform; every request is turned into a plain object before it reaches
 * the core.
 */
import type { Platform } from '../core';
import { errorBody, errorBodyOf, NOT_FOUND, OUTCOMES } from '../core';
import { VERSION } from '../core';
import { createControlApi } from './control-api';
import { registerControlRoute } from './control-route';
import { registerHttpRoutes } from './http';
import { registerWebSocketRoutes } from './ws';
import { loadUws } from './uws';

export interface Gateway {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** Stops accepting, waits for in-flight requests (at most `graceMs`), then closes. Idempotent. */
  close(graceMs?: number): Promise<void>;
}

export async function startGateway(platform: Platform): Promise<Gateway> {
  const { config } = platform;
  // Fails with what the binary needs, before hyper-express requires the same copy.
  loadUws();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const HyperExpress = require('hyper-express') as typeof import('hyper-express');
  const server = new HyperExpress.Server({
    auto_close: false,
    // Only the health, metrics and not-found routes are hyper-express's now; none reads a body.
    max_body_buffer: 64 * 1024,
  });

  server.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok', version: VERSION, uptimeSeconds: Math.round((Date.now() - platform.startedAt) / 1000) });
  });

  // Prometheus scrape target; unauthenticated like /healthz (bind the gateway to a private address, or filter it at the proxy).
  server.get('/metrics', (_req, res) => {
    res.status(200).header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8').send(platform.metrics.prometheus());
  });

  // The control API on the raw uWS app (control-route.ts says why). A bare 413 above this size; below
  // it the control API answers RequestSizeLimitExceeded in its envelope (SDKs drop non-200 bodies).
  const controlRoute = registerControlRoute(server.uws_instance, {
    maxBodyBytes: config.maxApiBodyBytes + 1024 * 1024,
    handle: createControlApi(platform),
    internalError: { status: `${OUTCOMES.internal.status} ${OUTCOMES.internal.name}`, body: errorBody('internal') },
  });

  server.set_not_found_handler((_req, res) => {
    res.status(NOT_FOUND.status).header('Content-Type', 'application/json').send(errorBodyOf(NOT_FOUND));
  });
  server.set_error_handler((_req, res, error) => {
    console.error('[gateway] unhandled error:', error);
    if (!res.completed) res.status(OUTCOMES.internal.status).header('Content-Type', 'application/json').send(errorBody('internal'));
  });

  // The data plane: web functions at /<namespace>/<function>/<rest> on the raw uWS app (two or more
  // path segments, so the control API at / and /healthz, /metrics are untouched; uWS prefers these
  // parameter routes over hyper-express's catch-all not-found route).
  const dataPlane = registerHttpRoutes(server.uws_instance, platform);
  // WebSocket upgrades on the same routes (uWS tries them before the HTTP handlers and yields plain requests).
  const webSockets = registerWebSocketRoutes(server.uws_instance, platform, dataPlane);

  await server.listen(config.port, config.host);
  const port = server.port;

  let closing: Promise<void> | undefined;
  return {
    port,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        // Open WebSockets are invocations too: close them (1001) so they end and drain like requests.
        webSockets.shutdown();
        const drained = Promise.all([server.shutdown(), controlRoute.shutdown(), dataPlane.idle()]);
        await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
        server.close();
      })();
      return closing;
    },
  };
}
