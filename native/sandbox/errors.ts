/** Errors of the sandbox, with stable codes (match on `code`, not on the class or the message). */

export type SandboxErrorCode =
  /** The request is malformed (instance id, paths, limits). */
  | 'ERR_SANDBOX_BAD_REQUEST'
  /** The uid range overlaps users or groups of the machine, or is exhausted. */
  | 'ERR_SANDBOX_UIDS'
  /** A cgroup could not be created or limited. */
  | 'ERR_SANDBOX_CGROUP'
  /** The instance id is already confined. */
  | 'ERR_SANDBOX_DUPLICATE'
  /** The data dir is where an instance's own mounts go (under /opt), so it could not be hidden. */
  | 'ERR_SANDBOX_DATA_DIR'
  /** dispose() could not kill every process of the instance in time (its uid stays claimed, its record kept for reapStale). */
  | 'ERR_SANDBOX_STUCK'
  /** A private network namespace was asked of the unprivileged sandbox. */
  | 'ERR_SANDBOX_NETWORK';

/** An error with a stable code; native's newer modules (sandbox, custom) derive theirs from it. */
export class CodedError<C extends string> extends Error {
  constructor(readonly code: C, message: string) {
    super(message);
  }
}

export class SandboxError extends CodedError<SandboxErrorCode> {
  override readonly name = 'SandboxError';
}
