/**
 * Web functions on subprocess runtimes: scf_bootstrap, port 9000 in a
 * network namespace per instance (or PORT), the HTTP and WebSocket proxy.
 */
export { createWebExecutor, type WebExecutor, type WebExecutorOptions } from './executor';
export { detectNetworkMode, type NetworkMode } from '../sandbox';
export { WEB_PORT } from './instance';
