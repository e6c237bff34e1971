/**
 * An error the control API reports to its caller in the API's envelope:
 * `{"Response":{"Error":{"Code","Message"},"RequestId"}}`. `code` is one of
 * the SCF API codes (see spec/scf-api.md §6) and is what callers match on;
 * the message names the parameter or resource at fault.
 */
export class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

export const isApiError = (err: unknown): err is ApiError => err instanceof ApiError;
