import { ERRORS, isErrorCode, type ErrorCode, type PlainErrorCode } from './catalogue';

/**
 * An error the control API reports to its caller in the API's envelope:
 * `{"Response":{"Error":{"Code","Message"},"RequestId"}}`. `code` is one of
 * the catalogue's codes (catalogue.ts, docs/errors.md; an unknown code does
 * not compile) and is what callers match on; the message names the
 * parameter or resource at fault. A code whose catalogue template has no
 * placeholder may omit the message and gets the template.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  constructor(code: PlainErrorCode, message?: string);
  constructor(code: ErrorCode, message: string);
  constructor(code: ErrorCode, message?: string) {
    super(message ?? ERRORS[code].message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/**
 * An API error, recognised by its name and a catalogued `code` (undici style), not by
 * `instanceof`: an error built by another copy of this module still counts.
 */
export const isApiError = (err: unknown): err is ApiError =>
  err instanceof Error && err.name === 'ApiError' && typeof (err as { code?: unknown }).code === 'string' && isErrorCode((err as unknown as { code: string }).code);
