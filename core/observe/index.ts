/** Face of core/observe/: invocation logs (records, queries, formats) and metrics (per-minute series, /metrics). */
export { billedDuration } from './log-format';
export { type InvocationLog, type InvocationOutcome, type LogOrderBy, type LogSearch, LogService, type LogWriterStats, parseStatusFilter } from './logs';
export { MetricsService } from './metrics';
export { type MetricPoint } from './metrics-minute';
export { WebSocketCounters } from './websocket-counters';
