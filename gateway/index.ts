/**
 * The face of gateway/: `startGateway(platform)` opens the uWS app with the
 * data plane (HTTP and WebSocket routes to functions), the control API
 * (TC3-signed actions), /healthz and /metrics.
 */
export { startGateway, type Gateway } from './server';
