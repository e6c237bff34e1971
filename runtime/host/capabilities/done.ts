/**
 * `done(requestId, status, payload)`: an event invocation's end as the
 * bootstrap reports it — 'ok' with the result's JSON, 'error' with the error
 * serialised in the isolate ({ name, message, stack } JSON), anything else
 * (setup problems such as a missing handler) with a message — or, with
 * request id '' and status 'init', the end of an ES module graph's evaluation.
 */
import ivm from 'isolated-vm';
import { failure, userError } from '../../protocol';
import type { CapabilityScope } from './scope';

export function doneCapability(scope: CapabilityScope): ivm.Callback {
  const done = (rid: unknown, status: unknown, payload: unknown): void => {
    if (typeof rid !== 'string' || typeof payload !== 'string') return;
    if (rid === '' && status === 'init') { scope.esmReady?.(); return; }
    if (!scope.inflight.has(rid)) return;
    if (status === 'ok') {
      scope.settle(rid, { kind: 'ok', result: payload, logs: [], durationMs: 0, memUsageBytes: 0, instanceId: scope.id });
    } else if (status === 'error') {
      let info = { name: 'Error', message: 'unknown error', stack: '' };
      try { info = JSON.parse(payload) as typeof info; } catch { /* keep default */ }
      scope.settle(rid, userError(info, scope.id));
    } else {
      scope.settle(rid, failure('user_error', payload.slice(0, 1024), scope.id));
    }
  };
  return new ivm.Callback(done, { ignored: true });
}
