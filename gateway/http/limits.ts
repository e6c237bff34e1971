/**
 * The data plane's limits and header names (platform-semantics §2, §5),
 * in one schema of types and defaults; `registerHttpRoutes` accepts overrides
 * (tests use small ones).
 */
import { defaultsOf, resolveOptions, type Schema } from '../../lib';

export interface HttpLimits {
  /** Request body over this → 406 RequestTooLarge (spec: 6 MB), detected while the body arrives. */
  maxRequestBodyBytes: number;
  /** Function response headers over this many bytes (name + value + 4 each) → 500 (spec: 4 KB). */
  maxResponseHeaderBytes: number;
  /**
   * Bodies with a Content-Length up to this are collected in the gateway and
   * handed over whole (one copy of the socket chunks); larger or chunked
   * bodies stream to the function as they arrive.
   */
  bufferedBodyBytes: number;
  /** A streamed body pauses the socket when this many bytes wait for the function… */
  streamHighWaterBytes: number;
  /** …and resumes it when the function has read the queue down to this. */
  streamLowWaterBytes: number;
}

const positive = (value: number) => ({ type: 'number', integer: true, min: 1, default: value }) as const;

/** Each limit's type and default (all positive integers), for the one options validator. */
const SCHEMA: Schema<HttpLimits> = {
  maxRequestBodyBytes: positive(6 * 1024 * 1024),
  maxResponseHeaderBytes: positive(4096),
  bufferedBodyBytes: positive(64 * 1024),
  streamHighWaterBytes: positive(256 * 1024),
  streamLowWaterBytes: positive(64 * 1024),
};

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = defaultsOf(SCHEMA);

/** Selects the qualifier (version or alias) of a call; absent = `$DEFAULT`. Dropped before the function sees the request. */
export const QUALIFIER_HEADER = 'x-scf-qualifier';

/** Checks overrides (positive integers, known keys only; the closest key is suggested) and freezes the limits. */
export function resolveLimits(overrides: Partial<HttpLimits> = {}): Readonly<HttpLimits> {
  return resolveOptions(SCHEMA, overrides, { noun: 'HTTP limit' });
}
