/**
 * The one place that loads uWebSockets.js. The registry build we use
 * (@trufflesuite/uws-js-unofficial) silently falls back to a slow pure-JS
 * server when its binary does not load; a gateway on that fallback would be
 * an order of magnitude slower, so it refuses to start unless allowed.
 */
import type * as UwsTypes from 'uWebSockets.js';

export type TemplatedApp = UwsTypes.TemplatedApp;
export type HttpResponse = UwsTypes.HttpResponse;
export type HttpRequest = UwsTypes.HttpRequest;
export type WebSocket<UserData> = UwsTypes.WebSocket<UserData>;
export type WebSocketBehavior<UserData> = UwsTypes.WebSocketBehavior<UserData>;
export type SocketContext = UwsTypes.us_socket_context_t;

let loaded: typeof UwsTypes | undefined;

export class UwsFallbackError extends Error {
  constructor() {
    super(
      'uWebSockets.js could not load its native binary for this platform ' +
        `(node ${process.versions.node}, ABI ${process.versions.modules}, ${process.platform}-${process.arch}) ` +
        'and fell back to its slow pure-JavaScript server. isola refuses to start on the fallback. ' +
        'Use Node 20 on linux-x64 with glibc >= 2.27, or pass --allow-uws-fallback (ISOLA_ALLOW_UWS_FALLBACK=1) to run slowly anyway.',
    );
    this.name = 'UwsFallbackError';
  }
}

/** Loads uWS, checking that `App` is the native binding rather than the JS fallback. */
export function loadUws(allowFallback: boolean): typeof UwsTypes {
  if (!loaded) {
    // The package prints its own warning when it falls back; it is ours to report.
    const warn = console.warn;
    console.warn = () => {};
    try {
      loaded = require('uWebSockets.js') as typeof UwsTypes;
    } finally {
      console.warn = warn;
    }
  }
  if (!isNative(loaded) && !allowFallback) throw new UwsFallbackError();
  return loaded;
}

export function isNative(uws: typeof UwsTypes): boolean {
  return Function.prototype.toString.call(uws.App).includes('[native code]');
}
