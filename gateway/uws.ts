/**
 * The one place that loads uWebSockets.js: the npm alias of `@based/uws@6.0.1`,
 * upstream uWS.js's own binaries-branch build of source commit 14bb3af (newer
 * than v20.51.0; README, "HTTP: what the gateway speaks", says why this build).
 * It has no pure-JS fallback: when no binary for this Node ABI and platform
 * loads, `require` throws, and the gateway refuses to start saying what it needs.
 */
import type * as UwsTypes from 'uWebSockets.js';

export type TemplatedApp = UwsTypes.TemplatedApp;
export type HttpResponse = UwsTypes.HttpResponse;
export type HttpRequest = UwsTypes.HttpRequest;
export type WebSocket<UserData> = UwsTypes.WebSocket<UserData>;
export type WebSocketBehavior<UserData> = UwsTypes.WebSocketBehavior<UserData>;
export type SocketContext = UwsTypes.us_socket_context_t;

let loaded: typeof UwsTypes | undefined;

/**
 * The request head uWS accepts, in bytes; a larger one is answered 431 and closed. uWS reads
 * UWS_HTTP_MAX_HEADERS_SIZE once, when its binary loads; its own default (4 KB) refuses
 * ordinary requests carrying a large cookie or token, so the gateway raises it to Node's
 * http default (16 KB) unless the operator set the variable.
 */
export const DEFAULT_MAX_REQUEST_HEAD_BYTES = 16 * 1024;

export class UwsLoadError extends Error {
  constructor(cause: unknown) {
    super(
      'uWebSockets.js could not load its native binary for this platform ' +
        `(node ${process.versions.node}, ABI ${process.versions.modules}, ${process.platform}-${process.arch}). ` +
        'Its Linux binaries need Node 18, 20, 22 or 23 with glibc >= 2.27, or Node 24/25 with glibc >= 2.38. ' +
        `Loader said: ${cause instanceof Error ? cause.message.split('\n').filter(Boolean).pop() : String(cause)}`,
    );
    this.name = 'UwsLoadError';
  }
}

/** Loads uWS once; throws UwsLoadError when its binary does not load here. */
export function loadUws(): typeof UwsTypes {
  if (!loaded) {
    process.env.UWS_HTTP_MAX_HEADERS_SIZE ??= String(DEFAULT_MAX_REQUEST_HEAD_BYTES);
    try {
      loaded = require('uWebSockets.js') as typeof UwsTypes;
    } catch (err) {
      throw new UwsLoadError(err);
    }
  }
  return loaded;
}
