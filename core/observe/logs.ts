/**
 * The log service (platform-semantics §6): turns an invocation's outcome
 * into its log record, applies the per-request limits, hands the record to
 * the batch writer (no disk I/O on the request path), and answers searches.
 *
 * A record's text, as the Tail log and GetFunctionLogs return it:
 *
 *   START RequestId: <id>
 *   Init Report RequestId: <id> Coldstart:…ms PullCode:…ms InitRuntime:…ms InitFunction:…ms   (cold start only)
 *   <ISO time>\t<id>\t<LEVEL>\t<message>                                                       (each user line)
 *   <ISO time>\t<id>\tWARN\t[PLATFORM] N log lines dropped: …                                   (flood only)
 *   <ISO time>\t<id>\tERROR\t<error message>                                                    (failed calls with a message)
 *   END RequestId: <id>
 *   Report RequestId: <id> Duration:…ms BilledDuration:…ms Memory:…MB MemUsage:…MB StatusCode:<code>
 *
 * Limits per request: a line's message is cut to `maxLineBytes` (8 KB, the
 * cut marked in the text); within each `windowMs` (5 s, counted from the
 * start of the call) at most `maxLinesPerWindow` lines (5000) and
 * `maxBytesPerWindow` bytes (1 MB) are kept; lines beyond are dropped and one
 * notice line says how many.
 */
import {
  LogWriter,
  type InvocationQuery,
  type InvocationRecord,
  type InvocationRow,
  type LogLineRecord,
  type LogOrderBy,
  type LogsRepo,
  type LogWriterOptions,
  type LogWriterStats,
} from '../../store';
import { resolveOptions, type Schema } from '../../lib';
import { ApiError } from '../errors';
import { rowOfStatus, statusesOf } from '../outcomes';
import { billedDuration, endLine, initReportLine, reportLine, startLine, type ColdStartFigures } from './log-format';

export type { LogWriterStats, LogOrderBy };

/** What the invocation path reports when a call ends (any outcome, throttles included). Times are epoch ms. */
export interface InvocationOutcome {
  requestId: string;
  namespace: string;
  functionName: string;
  /** The qualifier the caller used ($LATEST, a version, an alias). */
  qualifier: string;
  /** The version that ran. */
  version: string;
  /** The alias that routed the call, if any. */
  alias?: string | null;
  startTime: number;
  durationMs: number;
  memoryMb: number;
  memUsageBytes: number;
  /** spec §5: 200, 430, 432, 433, 434, 429, 499, 500… */
  statusCode: number;
  retryNum?: number;
  /** Error text of a failed call (stack for 430, `time out` for 433…); logged as an ERROR line. */
  errorMessage?: string;
  /** The function's return value as text (FunctionLog.RetMsg of a successful call); cut to 8 KB. */
  retMsg?: string;
  /** Present on the call that paid for a cold start: adds the Init Report line. */
  coldStart?: ColdStartFigures;
  /** The user's lines in the order written. */
  lines: ReadonlyArray<{ time: number; level: string; message: string }>;
  /** Lines the runtime already discarded under its own quota; counted in the notice. */
  droppedLines?: number;
}

export interface LogServiceOptions extends LogWriterOptions {
  /**
   * Queue records for the database (default true). False still builds each
   * record and returns its text from `recordInvocation` (the Tail log) but
   * appends nothing to the writer: searches find nothing. Set from the
   * `invocationLogs` setting; exists to measure what storing logs costs.
   */
  persist: boolean;
  maxLineBytes: number;
  maxLinesPerWindow: number;
  maxBytesPerWindow: number;
  windowMs: number;
}

type LogLimits = Pick<LogServiceOptions, 'maxLineBytes' | 'maxLinesPerWindow' | 'maxBytesPerWindow' | 'windowMs'>;

/** The service's own options (the rest go to the LogWriter, which checks them against its schema). */
const SERVICE_SCHEMA: Schema<LogLimits & Pick<LogServiceOptions, 'persist'>> = {
  persist: { type: 'boolean', default: true },
  // Shorter lines could not hold the cut notice.
  maxLineBytes: { type: 'number', integer: true, min: 128, default: 8 * 1024 },
  maxLinesPerWindow: { type: 'number', integer: true, min: 1, default: 5000 },
  maxBytesPerWindow: { type: 'number', integer: true, min: 1, default: 1024 * 1024 },
  windowMs: { type: 'number', integer: true, min: 1, default: 5000 },
};

/**
 * One invocation as searches return it: the record as written (`retCode` is
 * FunctionLog.RetCode, see `retCodeOf`) with its lines rendered into `log`.
 */
export type InvocationLog = Omit<InvocationRecord, 'lines'> & {
  /** Commit order; follow cursors compare against it. */
  id: number;
  /** The whole record's text. */
  log: string;
};

/** A status filter: the API's LogFilter.RetCode values, plus a bare status code ("433"). */
export type StatusFilter = NonNullable<InvocationQuery['status']>;

/** LogFilter.RetCode values, by the log status of core/outcomes' table. */
const STATUS_FILTERS: Readonly<Record<string, StatusFilter>> = {
  is0: { in: statusesOf('success') },
  not0: { notIn: statusesOf('success') },
  TimeLimitExceeded: { in: statusesOf('timeout') },
  ResourceLimitExceeded: { in: statusesOf('throttled') },
  UserCodeException: { in: statusesOf('code_exception') },
  MemoryLimitExceeded: { in: statusesOf('memory') },
};

/** Parses LogFilter.RetCode; throws InvalidParameterValue.Filter for anything else. */
export function parseStatusFilter(value: string): StatusFilter {
  const known = Object.hasOwn(STATUS_FILTERS, value) ? STATUS_FILTERS[value] : undefined;
  if (known) return known;
  if (/^[1-9]\d{2}$/.test(value)) return { in: [Number(value)] };
  throw new ApiError(
    'InvalidParameterValue.Filter',
    `Filter.RetCode must be one of ${Object.keys(STATUS_FILTERS).join(', ')} or a status code, got ${JSON.stringify(value)}.`,
  );
}

/** FunctionLog.RetCode for a status code (the outcome table's). */
export const retCodeOf = (statusCode: number): number => rowOfStatus(statusCode).retCode;

/** A search as the store takes it (`InvocationQuery`), with the follow cursor named `after`. */
export type LogSearch = Omit<InvocationQuery, 'afterId'> & {
  /** Follow mode: only invocations committed after this cursor, oldest first. */
  after?: number;
};

export interface LogPage {
  total: number;
  items: InvocationLog[];
  /** Pass as `after` to get only what is committed later. */
  cursor: number;
}

/**
 * Owns the batch writer over `repo`. The invocation path calls
 * `recordInvocation` once per call; the control API calls `search`. Close it
 * before the database (it flushes what is pending).
 */
export class LogService {
  readonly writer: LogWriter;
  private readonly limits: Readonly<LogLimits>;
  private readonly persist: boolean;

  constructor(
    private readonly repo: LogsRepo,
    options: Partial<LogServiceOptions> = {},
  ) {
    const { persist, maxLineBytes, maxLinesPerWindow, maxBytesPerWindow, windowMs, ...writerOptions } = options;
    const own = resolveOptions(SERVICE_SCHEMA, { persist, maxLineBytes, maxLinesPerWindow, maxBytesPerWindow, windowMs });
    this.persist = own.persist;
    this.limits = own;
    this.writer = new LogWriter(repo, writerOptions);
  }

  /**
   * Builds the record of one finished invocation, queues it for the next
   * batch (O(lines), no I/O; skipped when `persist` is false) and returns its
   * text (the Invoke API's `LogType: "Tail"`).
   */
  recordInvocation(outcome: InvocationOutcome): string {
    const record = this.queue(outcome);
    return renderLog(record.requestId, record, record.lines);
  }

  /** `recordInvocation` without the text: the data plane has no Tail log to return, and rendering it was per-request garbage. */
  queueInvocation(outcome: InvocationOutcome): void {
    this.queue(outcome);
  }

  private queue(outcome: InvocationOutcome): InvocationRecord {
    const endTime = outcome.startTime + outcome.durationMs;
    const lines = this.applyLimits(outcome, endTime);
    if (outcome.errorMessage && rowOfStatus(outcome.statusCode).metricClass !== 'success') {
      lines.push({ time: endTime, level: 'ERROR', type: 'Platform', message: cutLine(outcome.errorMessage, this.limits.maxLineBytes) });
    }
    const record: InvocationRecord = {
      requestId: outcome.requestId,
      namespace: outcome.namespace,
      functionName: outcome.functionName,
      qualifier: outcome.qualifier,
      version: outcome.version,
      alias: outcome.alias ?? null,
      startTime: outcome.startTime,
      logTime: Date.now(),
      durationMs: outcome.durationMs,
      billDuration: billedDuration(outcome.durationMs),
      memoryMb: outcome.memoryMb,
      memUsageBytes: outcome.memUsageBytes,
      statusCode: outcome.statusCode,
      retCode: retCodeOf(outcome.statusCode),
      retryNum: outcome.retryNum ?? 0,
      errorMessage: outcome.errorMessage ?? null,
      retMsg: outcome.retMsg === undefined ? null : cutLine(outcome.retMsg, this.limits.maxLineBytes),
      coldStart: outcome.coldStart ? { ...outcome.coldStart } : null,
      lines,
    };
    if (this.persist) this.writer.append(record);
    return record;
  }

  /**
   * Resolves once every invocation recorded so far is committed, without
   * blocking the event loop: await it before a search that must see the
   * caller's own calls (GetFunctionLogs, GetRequestStatus).
   */
  settle(): Promise<void> {
    return this.writer.flushAsync();
  }

  /** One page of a function's committed invocations with their text. */
  search(query: LogSearch): LogPage {
    // One snapshot for the cursor and the rows: the writer thread commits concurrently.
    const { before, rows, total } = this.repo.read(() => ({ before: this.repo.maxId(), ...this.repo.search(this.storeQuery(query)) }));
    const items = rows.map((row) => this.toLog(row));
    // A full follow page may have left rows behind: resume after its last one.
    const full = query.after !== undefined && rows.length === (query.limit ?? 20) && rows.length > 0;
    const cursor = full ? rows[rows.length - 1]!.id : Math.max(before, query.after ?? 0);
    return { total, items, cursor };
  }

  private storeQuery({ after, ...rest }: LogSearch): InvocationQuery {
    return { ...rest, afterId: after };
  }

  /** Writes pending records now (shutdown, tests). */
  flush(): void {
    this.writer.flush();
  }

  /** Runs a retention pass now; returns the rows removed. */
  prune(): { invocations: number; lines: number } {
    return this.writer.prune();
  }

  stats(): LogWriterStats {
    return this.writer.stats();
  }

  /** Flushes and stops the writer's timers; idempotent. */
  close(): void {
    this.writer.close();
  }

  private toLog(row: InvocationRow): InvocationLog {
    const coldStart =
      row.coldstart_ms === null
        ? null
        : { totalMs: row.coldstart_ms, pullCodeMs: row.pull_code_ms ?? 0, initRuntimeMs: row.init_runtime_ms ?? 0, initFunctionMs: row.init_function_ms ?? 0 };
    const figures = {
      startTime: row.start_time,
      durationMs: row.duration_ms,
      memoryMb: row.memory_mb,
      memUsageBytes: row.mem_usage,
      statusCode: row.status_code,
      coldStart,
    };
    return {
      id: row.id,
      requestId: row.request_id,
      namespace: row.namespace,
      functionName: row.function_name,
      qualifier: row.qualifier,
      version: row.version,
      alias: row.alias,
      startTime: row.start_time,
      logTime: row.log_time,
      durationMs: row.duration_ms,
      billDuration: row.bill_duration,
      memoryMb: row.memory_mb,
      memUsageBytes: row.mem_usage,
      statusCode: row.status_code,
      retCode: row.ret_code,
      retryNum: row.retry_num,
      errorMessage: row.error_message,
      retMsg: row.ret_msg,
      coldStart,
      log: renderLog(row.request_id, figures, this.repo.linesOf(row)),
    };
  }

  /** The user's lines after the 8 KB cut and the per-window flood rule, plus the notice when any was dropped. */
  private applyLimits(outcome: InvocationOutcome, endTime: number): LogLineRecord[] {
    const { maxLineBytes, maxLinesPerWindow, maxBytesPerWindow, windowMs } = this.limits;
    const kept: LogLineRecord[] = [];
    let dropped = outcome.droppedLines ?? 0;
    let window = -1;
    let windowLines = 0;
    let windowBytes = 0;
    for (const line of outcome.lines) {
      const w = Math.floor(Math.max(0, line.time - outcome.startTime) / windowMs);
      // A line stamped earlier than the one before it counts in the current window.
      if (w > window) {
        window = w;
        windowLines = 0;
        windowBytes = 0;
      }
      if (windowLines >= maxLinesPerWindow) {
        dropped++;
        continue;
      }
      const message = cutLine(String(line.message), maxLineBytes);
      const bytes = utf8Length(message);
      if (windowBytes + bytes > maxBytesPerWindow) {
        dropped++;
        continue;
      }
      windowLines++;
      windowBytes += bytes;
      kept.push({ time: line.time, level: normalizeLevel(line.level), type: 'Custom', message });
    }
    if (dropped > 0) {
      kept.push({
        time: endTime,
        level: 'WARN',
        type: 'Platform',
        message:
          `[PLATFORM] ${dropped} log line${dropped === 1 ? '' : 's'} dropped: a request may log at most ` +
          `${maxLinesPerWindow} lines and ${formatSize(maxBytesPerWindow)} per ${windowMs / 1000} s`,
      });
    }
    return kept;
  }
}

type RecordFigures = Pick<InvocationRecord, 'startTime' | 'durationMs' | 'memoryMb' | 'memUsageBytes' | 'statusCode' | 'coldStart'>;

/** The text of one record: platform lines rendered from its figures around its stored lines. */
function renderLog(requestId: string, r: RecordFigures, lines: ReadonlyArray<Pick<LogLineRecord, 'time' | 'level' | 'message'>>): string {
  const out = [startLine(requestId)];
  if (r.coldStart) out.push(initReportLine(requestId, r.coldStart));
  for (const line of lines) out.push(`${new Date(line.time).toISOString()}\t${requestId}\t${line.level}\t${line.message}`);
  out.push(endLine(requestId));
  out.push(reportLine({ requestId, durationMs: r.durationMs, memoryMb: r.memoryMb, memUsageBytes: r.memUsageBytes, statusCode: r.statusCode }));
  return out.join('\n') + '\n';
}

const LEVELS = new Set(['DEBUG', 'INFO', 'WARN', 'ERROR']);

function normalizeLevel(level: string): string {
  const upper = typeof level === 'string' ? level.toUpperCase() : '';
  if (LEVELS.has(upper)) return upper;
  if (upper === 'LOG' || upper === '') return 'INFO';
  if (upper === 'WARNING') return 'WARN';
  if (upper === 'TRACE') return 'DEBUG';
  return upper.slice(0, 16);
}

function utf8Length(text: string): number {
  // Every UTF-16 unit is at most 3 UTF-8 bytes; ASCII (the common case) is 1.
  return text.length < 64 && /^[\x00-\x7f]*$/.test(text) ? text.length : Buffer.byteLength(text, 'utf8');
}

/**
 * Cuts `message` to at most `max` UTF-8 bytes, marker included, on a
 * character boundary; the marker says how long the line was.
 */
export function cutLine(message: string, max: number): string {
  if (message.length * 3 <= max) return message;
  const bytes = Buffer.from(message, 'utf8');
  if (bytes.length <= max) return message;
  const marker = ` ...[truncated: line of ${bytes.length} bytes, limit ${max}]`;
  let keep = max - Buffer.byteLength(marker);
  while (keep > 0 && (bytes[keep]! & 0xc0) === 0x80) keep--;
  return bytes.subarray(0, keep).toString('utf8') + marker;
}

function formatSize(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}
