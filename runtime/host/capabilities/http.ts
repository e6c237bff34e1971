/**
 * `http(kind, requestId, a, b, c, d)`: a web function's response and its
 * request body flow (sandbox/boot/80-http.js lists the kinds): handed to the
 * call's HttpExchange, which checks each argument and turns them into frames
 * for the parent. 'finals' carries the complete responses of one entry in one
 * call (see eachFinal).
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
  const final = (rid: string, status: number | undefined, headersJson: string, body: Uint8Array | null): void => {
    one('final', rid, status, headersJson, body, undefined);
  };
  const http = (kind: unknown, rid: unknown, a: unknown, b: unknown, c: unknown, d: unknown): void => {
    if (kind === 'finals') eachFinal(a, b, final);
    else one(kind, rid, a, b, c, d);
  };
  return new ivm.Callback(http, { ignored: true });
}

/**
 * Reads the 'finals' of one entry (arguments unchecked, from the isolate): `meta` is
 * `rid NUL status NUL headersJson NUL length NUL` per response (length -1: no body; no NUL
 * inside a JSON text or a request id), `bodies` their bodies end to end. Calls `each` per
 * response in order, with a view into `bodies` (the frame writer copies it) and the status
 * as a number, undefined when it is not an integer (the exchange then fails the call as a
 * malformed head). Stops at the first body that does not fit: the requests left are ended
 * by their deadline, as when the isolate sends nothing.
 */
export function eachFinal(meta: unknown, bodies: unknown, each: (rid: string, status: number | undefined, headersJson: string, body: Uint8Array | null) => void): void {
  if (typeof meta !== 'string') return;
  const bytes = bodies instanceof Uint8Array ? bodies : null;
  const f = meta.split('\0');
  let off = 0;
  for (let i = 0; i + 4 < f.length; i += 4) {
    const n = Number(f[i + 3]);
    let body: Uint8Array | null = null;
    if (n !== -1) {
      if (!Number.isInteger(n) || n < 0 || bytes === null || off + n > bytes.byteLength) return;
      body = bytes.subarray(off, off + n);
      off += n;
    }
    const s = Number(f[i + 1]);
    each(f[i]!, Number.isInteger(s) ? s : undefined, f[i + 2]!, body);
  }
}
