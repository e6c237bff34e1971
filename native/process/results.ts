/**
 * The limit on an event function's result, and a result's text, one place
 * for every protocol (the fd 3 channel, the custom runtime API, Go's rpc).
 */
import type { Ending } from './instance';

/** The largest result an event function may return (spec: 6 MB). */
export const MAX_RESULT_BYTES = 6 * 1024 * 1024;

/** How a result over the limit ends the invocation. */
export function resultTooLarge(memUsageBytes?: number): Ending {
  return { kind: 'user_error', errorMessage: `result too large: over the ${MAX_RESULT_BYTES} byte limit`, ...(memUsageBytes === undefined ? {} : { memUsageBytes }) };
}

/**
 * A result a runtime answered with, as the invocation's ending: JSON text as
 * it is, any other text (`hello`, empty) as a JSON string (as the cloud
 * returns it); over the limit, the too-large ending.
 */
export function resultOf(body: string): Ending {
  const result = isJson(body) ? body : JSON.stringify(body);
  return Buffer.byteLength(result) > MAX_RESULT_BYTES ? resultTooLarge() : { kind: 'ok', result };
}

function isJson(text: string): boolean {
  if (text.trim() === '') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
