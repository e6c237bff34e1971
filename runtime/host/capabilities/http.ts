/**
 * `http(kind, requestId, a, b, c, d)`: a web function's response and its
 * request body flow (sandbox/boot/80-http.js lists the kinds): handed to the
 * call's HttpExchange, which checks each argument and turns them into frames
 * for the parent. 'finals' carries the complete responses of one entry,
 * [rid, status, headersJson, bytes] × n, in one call.
 */
import ivm from 'isolated-vm';
import type { CapabilityScope } from './scope';

export function httpCapability(scope: CapabilityScope): ivm.Callback {
  const one = (kind: unknown, rid: unknown, a: unknown, b: unknown, c: unknown, d: unknown): void => {
    if (typeof rid !== 'string') return;
    const inf = scope.inflight.get(rid);
    if (!inf?.http || inf.pending) return;
    const o = inf.http.fromIsolate(kind, a, b, c, d, scope.id);
    if (o) scope.settle(rid, o);
  };
  const http = (kind: unknown, rid: unknown, a: unknown, b: unknown, c: unknown, d: unknown): void => {
    if (kind !== 'finals') { one(kind, rid, a, b, c, d); return; }
    if (!Array.isArray(a)) return;
    for (let i = 0; i + 3 < a.length; i += 4) one('final', a[i], a[i + 1], a[i + 2], a[i + 3], undefined);
  };
  return new ivm.Callback(http, { ignored: true });
}
