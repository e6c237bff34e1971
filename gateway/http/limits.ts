/**
 * The data plane's limits and header names (platform-semantics §2, §5),
 * in one frozen defaults object; `registerHttpRoutes` accepts overrides
 * (tests use small ones).
 */
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

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  maxRequestBodyBytes: 6 * 1024 * 1024,
  maxResponseHeaderBytes: 4096,
  bufferedBodyBytes: 64 * 1024,
  streamHighWaterBytes: 256 * 1024,
  streamLowWaterBytes: 64 * 1024,
});

/** Selects the qualifier (version or alias) of a call; absent = `$DEFAULT`. Dropped before the function sees the request. */
export const QUALIFIER_HEADER = 'x-scf-qualifier';

/** Checks overrides: positive integers, known keys only. */
export function resolveLimits(overrides: Partial<HttpLimits> = {}): Readonly<HttpLimits> {
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in DEFAULT_HTTP_LIMITS)) throw new TypeError(`Unknown HTTP limit \`${key}\`; expected one of ${Object.keys(DEFAULT_HTTP_LIMITS).join(', ')}`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new TypeError(`Expected \`${key}\` to be a positive integer, got ${JSON.stringify(value)}`);
    limits[key as keyof HttpLimits] = value;
  }
  return Object.freeze(limits);
}
