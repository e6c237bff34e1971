/**
 * Module loading for CommonJS in the isolate (ES modules are compiled on the
 * host side, cold-start.ts): `resolve(from, specifier, mode)` answers a
 * resolution as JSON ({ path, format } or { error, code }), `source(path)` the
 * text of a path resolve() returned (or null). Synchronous: each call runs on
 * the host's event loop, so resolutions are bounded per invocation
 * (LIMITS.maxResolvesPerInvocation; the isolate caches them, so a hot
 * require() never counts).
 */
import ivm from 'isolated-vm';
import { LIMITS } from '../limits';
import type { CapabilityScope } from './scope';

export function resolveCapability(scope: CapabilityScope): ivm.Callback {
  return new ivm.Callback((from: unknown, spec: unknown, mode: unknown): string => {
    if ((typeof from !== 'string' && from !== null) || typeof spec !== 'string' || spec.length > 4096) return JSON.stringify({ error: 'invalid module request', code: 'ERR_INVALID_ARG' });
    // Each call runs on the host's event loop: bound them so one tenant cannot starve the others.
    if (++scope.resolveCalls > LIMITS.maxResolvesPerInvocation) return JSON.stringify({ error: `too many module resolutions (limit ${LIMITS.maxResolvesPerInvocation} per invocation)`, code: 'ERR_QUOTA' });
    return JSON.stringify(scope.resolver.resolve(from, spec, mode === 'import' ? 'import' : 'require'));
  });
}

export function sourceCapability(scope: CapabilityScope): ivm.Callback {
  return new ivm.Callback((p: unknown): string | null => (typeof p === 'string' ? scope.resolver.source(p) : null));
}
