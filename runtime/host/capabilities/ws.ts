/**
 * `ws(kind, requestId, a, b)`: a web function's WebSocket traffic after it
 * answered 101 (sandbox/boot/85-ws.js): 'open' (a = the 101's headers JSON),
 * 'send' (a = a text or binary frame), 'close' (a = code, b = reason), and
 * 'batch' (a = one entry's sends and closes, [kind, rid, a, b] × n, in one
 * call). Handed to the call's HttpExchange, which checks the arguments and
 * enforces the send window.
 */
import ivm from 'isolated-vm';
import type { CapabilityScope } from './scope';

export function wsCapability(scope: CapabilityScope): ivm.Callback {
  const one = (kind: unknown, rid: unknown, a: unknown, b: unknown): void => {
    if (typeof rid !== 'string') return;
    const inf = scope.inflight.get(rid);
    if (!inf?.http || inf.pending) return;
    inf.http.fromWebSocket(kind, a, b);
  };
  const ws = (kind: unknown, rid: unknown, a: unknown, b: unknown): void => {
    if (kind !== 'batch') { one(kind, rid, a, b); return; }
    if (!Array.isArray(a)) return;
    // 'open' is not batched (it goes first, on its own): a batch carries sends and closes only.
    for (let i = 0; i + 3 < a.length; i += 4) if (a[i] !== 'open') one(a[i], a[i + 1], a[i + 2], a[i + 3]);
  };
  return new ivm.Callback(ws, { ignored: true });
}
