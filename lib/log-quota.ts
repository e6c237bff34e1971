/**
 * The per-invocation log quotas of the spec (platform-semantics §6: ≤ 8 KB
 * per line, rest cut; ≤ 5000 lines and ≤ 1 MB per request), as one small
 * counter a runner feeds line by line. The isolate runtime enforces the
 * same numbers inside its isolates (runtime/host/limits.ts); the subprocess
 * runners use this.
 */

export const LOG_QUOTA = Object.freeze({
  lineChars: 8192,
  lines: 5000,
  bytes: 1024 * 1024,
  notice: '[isola] log limit reached: further lines of this request are dropped',
});

/** What to do with one line: keep it (cut to the line limit), keep the one notice instead, or drop it. */
export type QuotaVerdict = { keep: string } | { notice: string } | null;

/** Counts one request's lines; once over the line or byte quota it answers the notice once, then null. */
export class LogQuota {
  private lines = 0;
  private bytes = 0;
  private cut = false;

  /** The verdict on `message`. */
  admit(message: string): QuotaVerdict {
    if (this.cut) return null;
    if (this.lines >= LOG_QUOTA.lines || this.bytes >= LOG_QUOTA.bytes) {
      this.cut = true;
      return { notice: LOG_QUOTA.notice };
    }
    const line = message.length > LOG_QUOTA.lineChars ? message.slice(0, LOG_QUOTA.lineChars) : message;
    this.lines++;
    this.bytes += line.length;
    return { keep: line };
  }

  /** The quota was spent (later lines are dropped without looking at them). */
  get spent(): boolean {
    return this.cut;
  }
}
