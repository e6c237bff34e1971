/**
 * Messages between the runtime (parent) and an isolate host, and their schema
 * checks. Every frame is a plain object with a string `t`.
 */
import { OUTCOME_KINDS, type OutcomeKind } from '../executor';
import type { VersionSpec, ExecutorOutcome } from './types';
import type { FetchPolicyResolved } from './options';

export interface HostConfig {
  keepAliveMs: number;
  dataDir: string;
  fetchPolicy: FetchPolicyResolved;
}

/** Parent → host. */
export type ToHost =
  | { t: 'config'; config: HostConfig }
  | { t: 'invoke'; id: string; spec: VersionSpec; event: string }
  | { t: 'cancel'; id: string }
  /** A graceful stop of a running event invocation (its `context.signal` aborts). */
  | { t: 'term'; id: string }
  | { t: 'ping'; n: number }
  | { t: 'shutdown' }
  /** Keep `n` provisioned instances of `spec` (0 = none): see Pools.provision. */
  | { t: 'provision'; spec: VersionSpec; n: number }
  /**
   * An HTTP request: head, and the whole body (`b`) or `s` = the body follows as `hbody` frames.
   * `k` = the version key; `spec` rides along only when this host has not been sent that spec
   * object yet (the host keeps the last spec per key; see HTTP_SPEC_CACHE). `h` = JSON of the
   * [name, value] header pairs: the isolate parses it, so the host never unpacks them.
   */
  | { t: 'http'; id: string; k: string; spec?: VersionSpec; m: string; u: string; h: string; b: Uint8Array | null; s: boolean }
  /** Request body bytes (may be null) and/or its end (`e`). */
  | { t: 'hbody'; id: string; c: Uint8Array | null; e: boolean }
  /** The sink took `n` more response bytes (credit for the host). */
  | { t: 'hack'; id: string; n: number }
  /** A client WebSocket frame for the function (string = text, bytes = binary). */
  | { t: 'wsmsg'; id: string; d: string | Uint8Array }
  /** The WebSocket connection closed with code `c` and reason `r`: the function's close event. */
  | { t: 'wsend'; id: string; c: number; r: string }
  /** The gateway handed `n` more bytes of the function's frames to the client (credit for the host). */
  | { t: 'wsack'; id: string; n: number }
  /** The answer to the host's `grow` for call `id`: `ok` = a scale-out token was spent, start the instance. */
  | { t: 'grown'; id: string; ok: boolean };

/** Host → parent. */
export type FromHost =
  | { t: 'ready'; pid: number }
  | { t: 'result'; id: string; outcome: ExecutorOutcome }
  | { t: 'pong'; n: number }
  | { t: 'pools'; pools: Record<string, PoolSnapshot>; instances: number }
  /** Response head (`h` = JSON of [name, value] pairs), optionally the whole body `b`, and `e` = ended. */
  | { t: 'hstart'; id: string; s: number; h: string; b: Uint8Array | null; e: boolean }
  /**
   * A complete response and the call's outcome in one frame: `hstart` with the whole body and
   * the end, then `result` (sent when the response was complete when the call ended ok).
   */
  | { t: 'hfinal'; id: string; s: number; h: string; b: Uint8Array | null; outcome: ExecutorOutcome }
  /** Response body bytes (may be null) and/or its end. */
  | { t: 'hchunk'; id: string; c: Uint8Array | null; e: boolean }
  /** `n` request body bytes reached the isolate (credit for the parent's sender). */
  | { t: 'hack'; id: string; n: number }
  /** The function cancelled the request body: stop sending it. */
  | { t: 'hstop'; id: string }
  /** The function answered a WebSocket upgrade with 101 (`h` = JSON of the response's [name, value] pairs). */
  | { t: 'wsopen'; id: string; h: string }
  /** A frame from the function to the client (string = text, bytes = binary). */
  | { t: 'wssend'; id: string; d: string | Uint8Array }
  /** The function closes the connection with code `c`, reason `r`; `l` = the host did, over the send window. */
  | { t: 'wsclose'; id: string; c: number; r: string; l?: boolean }
  /**
   * Dynamic concurrency: call `id` finds every instance of its version behind (each with free
   * slots) and would start another, which spends a scale-out token (platform-semantics §3,
   * burst: the limit is the account's). Answered by `grown`.
   */
  | { t: 'grow'; id: string };

/**
 * One version key's instances on a host: busy and idle; with provisioned
 * instances asked for, `pinned` (the count), `ready` (started, ≤ pinned) and
 * the last failed start's message while some are missing.
 */
export interface PoolSnapshot { busy: number; idle: number; pinned?: number; ready?: number; error?: string | null }

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
      if (typeof v.id !== 'string' || !isObj(o) || !OUTCOME_KINDS.has(o.kind as OutcomeKind) || !Array.isArray(o.logs)) return null;
      return v as FromHost;
    }
    case 'pools': return isObj(v.pools) && typeof v.instances === 'number' ? (v as FromHost) : null;
    case 'hstart': return typeof v.id === 'string' && typeof v.s === 'number' && typeof v.h === 'string' && isBytesOrNull(v.b) && typeof v.e === 'boolean' ? (v as FromHost) : null;
    case 'hfinal': {
      const o = v.outcome;
      if (typeof v.id !== 'string' || typeof v.s !== 'number' || typeof v.h !== 'string' || !isBytesOrNull(v.b)) return null;
      if (!isObj(o) || !OUTCOME_KINDS.has(o.kind as OutcomeKind) || !Array.isArray(o.logs)) return null;
      return v as FromHost;
    }
    case 'hchunk': return typeof v.id === 'string' && isBytesOrNull(v.c) && typeof v.e === 'boolean' ? (v as FromHost) : null;
    case 'hack': return typeof v.id === 'string' && typeof v.n === 'number' ? (v as FromHost) : null;
    case 'hstop': return typeof v.id === 'string' ? (v as FromHost) : null;
    case 'wsopen': return typeof v.id === 'string' && typeof v.h === 'string' ? (v as FromHost) : null;
    case 'wssend': return typeof v.id === 'string' && isData(v.d) ? (v as FromHost) : null;
    case 'wsclose': return typeof v.id === 'string' && typeof v.c === 'number' && typeof v.r === 'string' ? (v as FromHost) : null;
    case 'grow': return typeof v.id === 'string' ? (v as FromHost) : null;
    default: return null;
  }
}

function isBytesOrNull(v: unknown): boolean {
  return v === null || v instanceof Uint8Array;
}

function isData(v: unknown): boolean {
  return typeof v === 'string' || v instanceof Uint8Array;
}

/** Checks a frame from the parent; returns null when it does not match the schema. */
export function checkToHost(v: unknown): ToHost | null {
  if (!isObj(v) || typeof v.t !== 'string') return null;
  switch (v.t) {
    case 'config': return isObj(v.config) ? (v as ToHost) : null;
    case 'invoke': return typeof v.id === 'string' && isObj(v.spec) && typeof v.event === 'string' ? (v as ToHost) : null;
    case 'cancel': return typeof v.id === 'string' ? (v as ToHost) : null;
    case 'term': return typeof v.id === 'string' ? (v as ToHost) : null;
    case 'ping': return typeof v.n === 'number' ? (v as ToHost) : null;
    case 'shutdown': return v as ToHost;
    case 'provision': return isObj(v.spec) && typeof v.n === 'number' && Number.isInteger(v.n) && v.n >= 0 ? (v as ToHost) : null;
    case 'http': return typeof v.id === 'string' && typeof v.k === 'string' && (v.spec === undefined || isObj(v.spec)) && typeof v.m === 'string' && typeof v.u === 'string' && typeof v.h === 'string' && isBytesOrNull(v.b) && typeof v.s === 'boolean' ? (v as ToHost) : null;
    case 'hbody': return typeof v.id === 'string' && isBytesOrNull(v.c) && typeof v.e === 'boolean' ? (v as ToHost) : null;
    case 'hack': return typeof v.id === 'string' && typeof v.n === 'number' ? (v as ToHost) : null;
    case 'wsmsg': return typeof v.id === 'string' && isData(v.d) ? (v as ToHost) : null;
    case 'wsend': return typeof v.id === 'string' && typeof v.c === 'number' && typeof v.r === 'string' ? (v as ToHost) : null;
    case 'wsack': return typeof v.id === 'string' && typeof v.n === 'number' ? (v as ToHost) : null;
    case 'grown': return typeof v.id === 'string' && typeof v.ok === 'boolean' ? (v as ToHost) : null;
    default: return null;
  }
}

/**
 * Specs of `http` frames, cached per version key: the parent remembers at most `parent` keys whose
 * spec a host has (then forgets them all and resends), the host keeps the `host` most recently sent
 * (host ≥ parent, so every key the parent thinks sent is still there).
 */
export const HTTP_SPEC_CACHE = { parent: 4096, host: 8192 } as const;

/** Bytes of a streamed response the host may have sent that the sink has not taken yet. */
export const HTTP_WINDOW_BYTES = 128 * 1024;
/** Bytes of a streamed request body the parent may have sent that have not reached the isolate yet. */
export const HTTP_REQUEST_WINDOW_BYTES = 256 * 1024;
/**
 * WebSocket: bytes of the function's frames a host may have sent that the gateway has not handed
 * to the client yet. A function that sends faster than that has its connection closed (1008): the
 * isolate's send() cannot wait, and the bytes would otherwise pile up in the host and the gateway.
 */
export const WS_SEND_WINDOW_BYTES = 1024 * 1024;
/** The gateway acknowledges WebSocket bytes in steps of this many (one `wsack` per step, not per frame). */
export const WS_ACK_STEP_BYTES = 64 * 1024;
/** Response body limit (the spec's 6 MB): over it the invocation ends as 410. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

/** Builds a failure outcome (used by both sides). */
export function failure(kind: ExecutorOutcome['kind'], message: string, instanceId = '', durationMs = 0): ExecutorOutcome {
  return { kind, errorMessage: message, logs: [], durationMs, memUsageBytes: 0, instanceId };
}

/** A user_error outcome from an error serialised in the isolate ({ name, message, stack }). */
export function userError(info: { name: string; message: string; stack: string }, instanceId: string): ExecutorOutcome {
  const message = info.name ? `${info.name}: ${info.message}` : info.message;
  return { ...failure('user_error', message, instanceId), errorStack: info.stack || message };
}
