/**
 * The user's output of one instance, as log lines of the request it belongs
 * to: framed lines from the bootstrap (print/logging/console, with levels)
 * and raw lines read from the process's stdout/stderr (C code, child
 * processes). Lines are kept in the current batch — the running invocation's,
 * or, between invocations and during the cold start, the next invocation's —
 * under the spec's per-request quotas (lib's LogQuota), so a process that
 * writes without end holds at most one quota's worth of server memory.
 */
import type { LogLevel, LogLine } from '../../executor';
import { LOG_QUOTA, LogQuota } from '../../lib';

class Batch {
  readonly lines: LogLine[] = [];
  readonly quota = new LogQuota();
}

export class InstanceOutput {
  private batch = new Batch();
  private readonly partial = { stdout: { pending: '', cutting: false }, stderr: { pending: '', cutting: false } };

  /** A line the bootstrap framed. */
  line(level: LogLevel, message: string, time: number): void {
    const verdict = this.batch.quota.admit(message);
    if (verdict === null) return;
    this.batch.lines.push({ time, level, message: 'keep' in verdict ? verdict.keep : verdict.notice, requestId: '' });
  }

  /** Raw bytes (as text) from the process's stdout or stderr: complete lines become log lines; a line over the cut is cut, the rest of it dropped. */
  raw(stream: 'stdout' | 'stderr', text: string): void {
    const level: LogLevel = stream === 'stdout' ? 'log' : 'error';
    const st = this.partial[stream];
    const pieces = text.split('\n');
    const rest = pieces.pop()!;
    for (const piece of pieces) {
      if (!st.cutting) this.line(level, st.pending + piece, Date.now());
      st.pending = '';
      st.cutting = false;
    }
    if (st.cutting) return;
    st.pending += rest;
    if (st.pending.length > LOG_QUOTA.lineChars) {
      this.line(level, st.pending, Date.now());
      st.pending = '';
      st.cutting = true;
    }
  }

  /** The lines of the batch now ending, tagged with `requestId`; a new batch starts. */
  take(requestId: string): LogLine[] {
    const { lines } = this.batch;
    this.batch = new Batch();
    for (const l of lines) l.requestId = requestId;
    return lines;
  }
}
