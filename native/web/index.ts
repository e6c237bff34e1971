/**
 * Web functions on subprocess runtimes: scf_bootstrap, port 9000 in a
 * network namespace per instance (or PORT), the HTTP and WebSocket proxy.
 */
export { createWebExecutor, type WebExecutor, type WebExecutorOptions } from './executor';
export { detectNetworkMode, WEB_PORT, type NetworkMode } from './network';
