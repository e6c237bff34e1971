/**
 * The limit on an event function's result, one place for both protocols
 * (the fd 3 channel and the custom runtime API).
 */
import type { Ending } from './instance';

/** The largest result an event function may return (spec: 6 MB). */
export const MAX_RESULT_BYTES = 6 * 1024 * 1024;

/** How a result over the limit ends the invocation. */
export function resultTooLarge(memUsageBytes?: number): Ending {
  return { kind: 'user_error', errorMessage: `result too large: over the ${MAX_RESULT_BYTES} byte limit`, ...(memUsageBytes === undefined ? {} : { memUsageBytes }) };
}
