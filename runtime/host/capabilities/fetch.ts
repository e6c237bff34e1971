/**
 * `fetch(id, requestId, url, method, headersJson, bodyLatin1 | null)`: an
 * outbound request, run by the host under the fetch policy (../fetch.ts)
 * within the invocation's remaining time. Quotas: fetchPolicy.maxPerInvocation
 * per invocation, LIMITS.maxConcurrentFetches at once. The answer enters the
 * isolate as `fetchDone` with the body as a copied ArrayBuffer.
 */
import ivm from 'isolated-vm';
import { policedFetch } from '../fetch';
import { LIMITS } from '../limits';
import type { CapabilityScope } from './scope';

export function fetchCapability(scope: CapabilityScope): ivm.Callback {
  const fetch = (id: unknown, rid: unknown, url: unknown, method: unknown, headersJson: unknown, body: unknown): void => {
    if (typeof id !== 'number' || typeof rid !== 'string' || typeof url !== 'string' || typeof method !== 'string' || typeof headersJson !== 'string') return;
    const fail = (message: string): void => {
      scope.enter(null, () => scope.api.fetchDone.apply(undefined, [id, false, 0, '', '[]', new ivm.ExternalCopy(new ArrayBuffer(0)).copyInto(), message]));
    };
    const policy = scope.fetchPolicy;
    const inf = scope.inflight.get(rid);
    if (!inf) { fail('the request that started this fetch has finished'); return; }
    if (++inf.fetches > policy.maxPerInvocation) { fail(`too many fetches in one invocation (limit ${policy.maxPerInvocation})`); return; }
    if (inf.fetchesActive >= LIMITS.maxConcurrentFetches) { fail(`too many concurrent fetches (limit ${LIMITS.maxConcurrentFetches})`); return; }
    inf.fetchesActive++;
    let headers: [string, string][] = [];
    try {
      const parsed: unknown = JSON.parse(headersJson);
      if (Array.isArray(parsed)) headers = parsed.filter((p): p is [string, string] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string');
    } catch { /* no headers */ }
    const buf = typeof body === 'string' ? Buffer.from(body, 'latin1') : null;
    policedFetch({ url, method, headers, body: buf }, policy, inf.deadline - Date.now()).finally(() => { inf.fetchesActive--; }).then((res) => {
      if (scope.disposed) return;
      const ab = res.body.buffer.slice(res.body.byteOffset, res.body.byteOffset + res.body.byteLength) as ArrayBuffer;
      scope.enter(null, () => scope.api.fetchDone.apply(undefined,
        [id, true, res.status, res.statusText, JSON.stringify(res.headers), new ivm.ExternalCopy(ab).copyInto({ release: true }), ''],
        { timeout: scope.spec.timeoutMs + 50 }));
    }, (e: Error) => { if (!scope.disposed) fail(e.message); });
  };
  return new ivm.Callback(fetch, { ignored: true });
}
