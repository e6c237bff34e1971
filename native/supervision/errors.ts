/** Errors of process supervision, with stable codes (match on `code`, not on the class or the message). */

export type SupervisionErrorCode =
  /** The child could not be spawned (no such command, no permission). */
  | 'ERR_CHILD_SPAWN'
  /** The child exited (or was killed) before it answered ready. */
  | 'ERR_CHILD_EXITED'
  /** The child did not answer ready within the start timeout; it was killed. */
  | 'ERR_CHILD_START_TIMEOUT'
  /** start() was called while the child is running. */
  | 'ERR_CHILD_RUNNING';

export class SupervisionError extends Error {
  override readonly name = 'SupervisionError';

  /** ERR_CHILD_EXITED: how the child ended (an exit code, or the signal that killed it). */
  readonly exit?: { code: number | null; signal: NodeJS.Signals | null };

  constructor(readonly code: SupervisionErrorCode, message: string, exit?: { code: number | null; signal: NodeJS.Signals | null }) {
    super(message);
    if (exit !== undefined) this.exit = exit;
  }
}
