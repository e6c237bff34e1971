/**
 * `ws(kind, requestId, a, b)`: a web function's WebSocket traffic after it
 * answered 101 (sandbox/boot/85-ws.js): 'open' (a = the 101's headers JSON),
 * 'send' (a = a text or binary frame), 'close' (a = code, b = reason). Handed
 * to the call's HttpExchange, which checks the arguments and enforces the
 * send window.
 */
import ivm from 'isolated-vm';
import type { CapabilityScope } from './scope';

export function wsCapability(scope: CapabilityScope): ivm.Callback {
  return new ivm.Callback((kind: unknown, rid: unknown, a: unknown, b: unknown): void => {
    if (typeof rid !== 'string') return;
    const inf = scope.inflight.get(rid);
    if (!inf?.http || inf.pending) return;
    inf.http.fromWebSocket(kind, a, b);
  }, { ignored: true });
}
