/**
 * The spec's platform log lines (platform-semantics §6). One place formats
 * them so the Tail log, the log store and tests agree on the text.
 */

export interface ReportFigures {
  requestId: string;
  durationMs: number;
  memoryMb: number;
  memUsageBytes: number;
  statusCode: number;
}

export interface ColdStartFigures {
  pullCodeMs: number;
  initRuntimeMs: number;
  initFunctionMs: number;
  totalMs: number;
}

const ms = (n: number) => (Math.round(n * 1000) / 1000).toString();
const mb = (bytes: number) => (Math.round((bytes / (1024 * 1024)) * 100) / 100).toString();

/** Billed duration: whole milliseconds, at least 1. */
export const billedDuration = (durationMs: number) => Math.max(1, Math.ceil(durationMs));

export const startLine = (requestId: string) => `START RequestId: ${requestId}`;
export const endLine = (requestId: string) => `END RequestId: ${requestId}`;

export function reportLine(r: ReportFigures): string {
  return (
    `Report RequestId: ${r.requestId} Duration:${ms(r.durationMs)}ms BilledDuration:${billedDuration(r.durationMs)}ms ` +
    `Memory:${r.memoryMb}MB MemUsage:${mb(r.memUsageBytes)}MB StatusCode:${r.statusCode}`
  );
}

export function initReportLine(requestId: string, c: ColdStartFigures): string {
  return (
    `Init Report RequestId: ${requestId} Coldstart:${ms(c.totalMs)}ms PullCode:${ms(c.pullCodeMs)}ms ` +
    `InitRuntime:${ms(c.initRuntimeMs)}ms InitFunction:${ms(c.initFunctionMs)}ms`
  );
}
