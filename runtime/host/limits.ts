/**
 * Per-invocation quotas on the host capabilities (the spec's log limits, plus
 * timers, fetches and module resolutions) and the HTTP flow limits. The
 * bootstrap gets them in its config and enforces the same numbers inside the
 * isolate; the host checks them again where it is cheaper to trust nothing.
 */
import { HTTP_WINDOW_BYTES, MAX_RESPONSE_BYTES } from '../protocol';

export const LIMITS = Object.freeze({
  maxLogLineBytes: 8192,
  maxLogLines: 5000,
  maxLogBytes: 1024 * 1024,
  maxResultBytes: 6 * 1024 * 1024,
  maxTimers: 1000,
  maxFetchBodyBytes: 6 * 1024 * 1024,
  /** Bounds host memory held for one invocation's responses (× fetchPolicy.maxResponseBytes). */
  maxConcurrentFetches: 6,
  /** require()/import resolutions that reach the host per invocation (cached modules do not count). */
  maxResolvesPerInvocation: 10_000,
  /** crypto (compatibility set): bytes one hash/HMAC call may take (it runs synchronously on the host). */
  maxDigestBytes: 8 * 1024 * 1024,
  /** URL hosts: the longest domain the idna capability maps (longer ones fail to parse). */
  maxIdnaChars: 65_536,
  /** HTTP: response bytes the isolate may send beyond what the client took. */
  httpWindowBytes: HTTP_WINDOW_BYTES,
  /** HTTP: response body limit (410 beyond it). */
  maxResponseBytes: MAX_RESPONSE_BYTES,
  /** HTTP: bytes the request body stream queues in the isolate before it stops asking for more. */
  requestBodyHighWater: 64 * 1024,
});
