/**
 * How a WebSocket invocation ended, as an outcome (platform-semantics §4):
 * the upgrade starts the invocation, the close ends it, and who closed it
 * with which code decides the outcome in its log record and metrics.
 */
import type { Outcome } from '../outcomes';


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
 * The outcome of a connection that closed (the executor ended it normally):
 * 'ok', or a failure with the message for the log. An executor's failure
 * (timeout, memory, a fault) takes precedence and is not decided here.
 */
export function webSocketOutcome(end: WebSocketEnd): { kind: 'ok' } | { kind: 'ws_server_close' | 'ws_client_close' | 'ws_idle'; message: string } {
  switch (end.by) {
    case 'client':
      if (CLIENT_OK.has(end.code)) return { kind: 'ok' };
      return { kind: 'ws_client_close', message: `the client closed the WebSocket with code ${end.code}${end.reason ? ` (${end.reason})` : ''}` };
    case 'function':
      if (SERVER_OK.has(end.code)) return { kind: 'ok' };
      return { kind: 'ws_server_close', message: `the function closed the WebSocket with code ${end.code}${end.reason ? ` (${end.reason})` : ''}` };
    case 'idle':
      return { kind: 'ws_idle', message: `no message either way for ${end.idleSeconds} s (idle timeout)` };
    case 'limit':
      return { kind: 'ws_server_close', message: `the platform closed the WebSocket with code ${end.code}: ${end.reason}` };
    case 'shutdown':
      return { kind: 'ws_server_close', message: `the platform closed the WebSocket with code ${PLATFORM_CLOSE.shutdown.code}: ${PLATFORM_CLOSE.shutdown.reason}` };
  }
}

/** The close the platform sends when the invocation ended under an open socket (execution timeout, memory, a fault). */
export function platformCloseFor(outcome: Outcome): { code: number; reason: string } {
  return outcome === 'timeout' ? PLATFORM_CLOSE.timeout : outcome === 'oom' ? PLATFORM_CLOSE.memory : PLATFORM_CLOSE.fault;
}
