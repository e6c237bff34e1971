/**
 * How a WebSocket invocation ended, as a platform status (platform-semantics
 * §4): the upgrade starts the invocation, the close ends it, and who closed
 * it with which code decides the status in its log record and metrics.
 */

/** Who ended a connection: the client, the function (server.close), or the platform (idle timeout, a limit, shutdown). */
export type WebSocketEnd =
  | { by: 'client'; code: number; reason: string }
  | { by: 'function'; code: number; reason: string }
  | { by: 'idle'; idleSeconds: number }
  | { by: 'limit'; code: number; reason: string }
  | { by: 'shutdown' };

/** Close code and reason the platform sends when it ends a connection itself. */
export const PLATFORM_CLOSE = Object.freeze({
  idle: { code: 1001, reason: 'idle timeout' },
  shutdown: { code: 1001, reason: 'server shutting down' },
  timeout: { code: 1001, reason: 'execution time limit reached' },
  memory: { code: 1011, reason: 'memory limit reached' },
  fault: { code: 1011, reason: 'internal error' },
});

/** Codes that end a connection successfully, by side (spec: 1000/1010 from the client, 1000/1011 from the server). */
const CLIENT_OK = new Set([1000, 1010]);
const SERVER_OK = new Set([1000, 1011]);

/**
 * The status of a connection that closed (the runtime ended it normally):
 * 200, or the failure status with the message for the log. A runtime
 * failure (433 execution timeout, 434 memory, 500) takes precedence and is
 * not decided here.
 */
export function webSocketStatus(end: WebSocketEnd): { statusCode: 200 } | { statusCode: 439 | 455 | 456; message: string } {
  switch (end.by) {
    case 'client':
      if (CLIENT_OK.has(end.code)) return { statusCode: 200 };
      return { statusCode: 456, message: `the client closed the WebSocket with code ${end.code}${end.reason ? ` (${end.reason})` : ''}` };
    case 'function':
      if (SERVER_OK.has(end.code)) return { statusCode: 200 };
      return { statusCode: 439, message: `the function closed the WebSocket with code ${end.code}${end.reason ? ` (${end.reason})` : ''}` };
    case 'idle':
      return { statusCode: 455, message: `no message either way for ${end.idleSeconds} s (idle timeout)` };
    case 'limit':
      return { statusCode: 439, message: `the platform closed the WebSocket with code ${end.code}: ${end.reason}` };
    case 'shutdown':
      return { statusCode: 439, message: `the platform closed the WebSocket with code ${PLATFORM_CLOSE.shutdown.code}: ${PLATFORM_CLOSE.shutdown.reason}` };
  }
}
