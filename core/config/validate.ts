import { ApiError, type ErrorCode } from '../errors';

/** Small parameter readers that answer the API's error codes naming the parameter. */

export function optionalString(params: Record<string, unknown>, name: string, code: ErrorCode = 'InvalidParameterValue'): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ApiError(code, `${name} must be a string, got ${typeof value}.`);
  return value;
}

export function requiredString(params: Record<string, unknown>, name: string, code: ErrorCode = 'InvalidParameterValue'): string {
  const value = optionalString(params, name, code);
  if (value === undefined || value === '') throw new ApiError('MissingParameter', `The parameter ${name} is required.`);
  return value;
}

/** Reads an integer that may arrive as a number or, from GET requests, a numeric string. */
export function optionalInteger(params: Record<string, unknown>, name: string, code: ErrorCode = 'InvalidParameterValue'): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new ApiError(code, `${name} must be an integer, got ${JSON.stringify(value)}.`);
  return n;
}

/** Offset/Limit paging with the API's defaults (0 and 20) and bounds. */
export function paging(params: Record<string, unknown>, maxLimit = 100): { offset: number; limit: number } {
  const offset = optionalInteger(params, 'Offset', 'InvalidParameterValue.Offset') ?? 0;
  const limit = optionalInteger(params, 'Limit', 'InvalidParameterValue.Limit') ?? 20;
  if (offset < 0) throw new ApiError('InvalidParameterValue.Offset', `Offset must be >= 0, got ${offset}.`);
  if (limit < 0 || limit > maxLimit) throw new ApiError('InvalidParameterValue.Limit', `Limit must be from 0 to ${maxLimit}, got ${limit}.`);
  return { offset, limit };
}

/** The API's time form, `YYYY-MM-DD HH:MM:SS` (UTC). */
export const TIME_PATTERN = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

// Codes are named in full (not built from the name) so the catalogue test sees each one answered.
const TIME_CODES = { StartTime: 'InvalidParameterValue.StartTime', EndTime: 'InvalidParameterValue.EndTime' } as const satisfies Record<string, ErrorCode>;

/**
 * Reads a time given as `YYYY-MM-DD HH:MM:SS` (UTC, as the server reports
 * times) → epoch ms; absent or empty → undefined. Anything else is
 * `InvalidParameterValue.<name>`.
 */
export function optionalTime(params: Record<string, unknown>, name: keyof typeof TIME_CODES): number | undefined {
  const code = TIME_CODES[name];
  const value = optionalString(params, name, code);
  if (value === undefined || value === '') return undefined;
  const ms = TIME_PATTERN.test(value) ? Date.parse(value.replace(' ', 'T') + 'Z') : NaN;
  if (!Number.isFinite(ms)) throw new ApiError(code, `${name} must be YYYY-MM-DD HH:MM:SS, got ${JSON.stringify(value)}.`);
  return ms;
}

/** Epoch ms → `YYYY-MM-DD HH:MM:SS` (UTC), the form `optionalTime` reads. */
export function formatTime(ms: number): string {
  // SCF times are 'YYYY-MM-DD HH:MM:SS'; the server reports UTC.
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}
