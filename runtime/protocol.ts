/**
 * Messages between the runtime (parent) and an isolate host, and their schema
 * checks. Every frame is a plain object with a string `t`.
 */
import type { FunctionVersionSpec, InvokeOutcome } from './types';
import type { FetchPolicyResolved } from './options';

export interface HostConfig {
  keepAliveMs: number;
  dataDir: string;
  fetchPolicy: FetchPolicyResolved;
}

/** Parent → host. */
export type ToHost =
  | { t: 'config'; config: HostConfig }
  | { t: 'invoke'; id: string; spec: FunctionVersionSpec; event: string }
  | { t: 'cancel'; id: string }
  | { t: 'ping'; n: number }
  | { t: 'shutdown' };

/** Host → parent. */
export type FromHost =
  | { t: 'ready'; pid: number }
  | { t: 'result'; id: string; outcome: InvokeOutcome }
  | { t: 'pong'; n: number }
  | { t: 'pools'; pools: Record<string, { busy: number; idle: number }>; instances: number };

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks a frame from a host; returns null when it does not match the schema. */
export function checkFromHost(v: unknown): FromHost | null {
  if (!isObj(v) || typeof v.t !== 'string') return null;
  switch (v.t) {
    case 'ready': return typeof v.pid === 'number' ? (v as FromHost) : null;
    case 'pong': return typeof v.n === 'number' ? (v as FromHost) : null;
    case 'result': {
      const o = v.outcome;
      if (typeof v.id !== 'string' || !isObj(o) || typeof o.kind !== 'string' || typeof o.statusCode !== 'number' || !Array.isArray(o.logs)) return null;
      return v as FromHost;
    }
    case 'pools': return isObj(v.pools) && typeof v.instances === 'number' ? (v as FromHost) : null;
    default: return null;
  }
}

/** Checks a frame from the parent; returns null when it does not match the schema. */
export function checkToHost(v: unknown): ToHost | null {
  if (!isObj(v) || typeof v.t !== 'string') return null;
  switch (v.t) {
    case 'config': return isObj(v.config) ? (v as ToHost) : null;
    case 'invoke': return typeof v.id === 'string' && isObj(v.spec) && typeof v.event === 'string' ? (v as ToHost) : null;
    case 'cancel': return typeof v.id === 'string' ? (v as ToHost) : null;
    case 'ping': return typeof v.n === 'number' ? (v as ToHost) : null;
    case 'shutdown': return v as ToHost;
    default: return null;
  }
}

/** Builds a failure outcome (used by both sides). */
export function failure(kind: InvokeOutcome['kind'], message: string, instanceId = '', durationMs = 0): InvokeOutcome {
  const statusCode = ({ ok: 200, user_error: 430, timeout: 433, oom: 434, canceled: 499, internal: 500 } as const)[kind];
  return { kind, statusCode, errorMessage: message, logs: [], durationMs, memUsageBytes: 0, instanceId };
}
