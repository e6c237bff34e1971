/**
 * Invocation logs, the face other folders import: the tables of migration
 * 0002 (logs-repo.ts) and the batch writer that keeps disk writes off the
 * request path (log-writer.ts, with its options in log-writer-options.ts and
 * its worker thread in log-writer-worker.ts). Timing, durability and the
 * crash-loss bound are described in the header of log-writer.ts.
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
export { defaultLogWriterOptions, type LogWriterOptions, type LogWriterStats } from './log-writer-options';
export { LogWriter } from './log-writer';
