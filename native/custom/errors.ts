/** Errors of the custom runtime API, with stable codes (match on `code`). */
import { CodedError } from '../sandbox';

export type RuntimeApiErrorCode =
  /** invoke() while an invocation is in progress (one at a time). */
  | 'ERR_RUNTIME_API_BUSY'
  /** The server was closed (pending invoke, ready). */
  | 'ERR_RUNTIME_API_CLOSED'
  /** abandon() dropped the invocation (timeout, process exit). */
  | 'ERR_RUNTIME_API_ABANDONED'
  /** adopt() of a server that cannot be served (a uid check asked for, already listening, not TCP). */
  | 'ERR_RUNTIME_API_ADOPT';

export class RuntimeApiError extends CodedError<RuntimeApiErrorCode> {
  override readonly name = 'RuntimeApiError';
}
