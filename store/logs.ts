/**
 * Invocation logs, the face other folders import: the tables of migration
 * 0002 (logs-repo.ts) and the batch writer that keeps disk writes off the
 * request path (log-writer.ts, with its options in log-writer-options.ts, its
 * stats in log-writer-stats.ts, its retry policy in log-writer-retry.ts and
 * its worker thread in log-writer-worker.ts). Timing, durability, retries and
 * the crash-loss bound are described in the header of log-writer.ts.
 */
export {
  LogsRepo,
  MAX_COUNT,
  type ColdStartRecord,
  type InvocationQuery,
  type InvocationRecord,
  type InvocationRow,
  type LogLineRecord,
  type LogLineRow,
  type LogLineType,
  type LogOrderBy,
} from './logs-repo';
export { defaultLogWriterOptions, type LogWriterOptions } from './log-writer-options';
export type { LogWriterStats } from './log-writer-stats';
export { LogWriter } from './log-writer';
