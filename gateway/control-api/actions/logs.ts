/**
 * GetFunctionLogs and GetRequestStatus (spec/scf-api.md §3.10). Items carry
 * the API's fields plus `StatusCode` (spec §5) beside `RetCode`.
 *
 * `SearchContext.Offset` (retired in the cloud API) is reused as a follow
 * cursor: every GetFunctionLogs answer carries `SearchContext.Offset`, and a
 * request that sends it back gets only the invocations committed since,
 * oldest first — what `isola logs --follow` polls.
 *
 * TotalCount saturates at 10000 (Offset + Limit may not pass it either): an
 * exact count of a busy function's week of records would be a long scan.
 */
import { ApiError } from '../../../core';
import { parseStatusFilter, type InvocationLog, type LogOrderBy, type LogSearch, type LogService } from '../../../core';
import { DEFAULT_NAMESPACE, rowOfStatus } from '../../../core';
import type { Platform } from '../../../core';
import { formatTime, optionalInteger, optionalString, optionalTime, requiredString } from '../../../core';
import type { ActionParams, ActionTable } from '../types';

/** Offset + Limit may not pass this (the cloud's bound). */
const MAX_WINDOW = 10_000;
const ORDER_BY: readonly LogOrderBy[] = ['start_time', 'duration', 'mem_usage', 'function_name'];
const FIFTEEN_MINUTES = 15 * 60 * 1000;

/** The log service, once the platform carries one. */
function logsOf(platform: Platform): LogService {
  const logs = (platform as Platform & { logs?: LogService }).logs;
  if (!logs) throw new ApiError('UnsupportedOperation', 'Invocation logs are not enabled on this server.');
  return logs;
}

/** Namespace and function name, checked to exist (ResourceNotFound.Namespace / .Function). */
function target(params: ActionParams, platform: Platform): { namespace: string; functionName: string } {
  const functionName = requiredString(params, 'FunctionName', 'InvalidParameterValue.FunctionName');
  const namespace = optionalString(params, 'Namespace', 'InvalidParameterValue.Namespace') || DEFAULT_NAMESPACE;
  platform.functions.get(namespace, functionName);
  return { namespace, functionName };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** The stored status is a success in the outcome table. */
const succeeded = (log: InvocationLog): boolean => rowOfStatus(log.statusCode).metricClass === 'success';

/** FunctionLog (spec §4) + StatusCode, and (isola extensions) the qualifier called, the version that ran and the alias that routed it. */
const toFunctionLog = (log: InvocationLog) => ({
  FunctionName: log.functionName,
  Qualifier: log.qualifier,
  FunctionVersion: log.version,
  Alias: log.alias ?? '',
  RetMsg: succeeded(log) ? (log.retMsg ?? '') : (log.errorMessage ?? log.retMsg ?? ''),
  RequestId: log.requestId,
  StartTime: formatTime(log.startTime),
  RetCode: log.retCode,
  InvokeFinished: rowOfStatus(log.statusCode).logStatus === 'canceled' ? 0 : 1,
  Duration: round3(log.durationMs),
  BillDuration: log.billDuration,
  MemUsage: log.memUsageBytes,
  Log: log.log,
  Level: '',
  Source: '',
  RetryNum: log.retryNum,
  StatusCode: log.statusCode,
});

/** RequestStatus (spec §4: RetCode 0 ok / −1 error, MemUsage in MB) + StatusCode. */
const toRequestStatus = (log: InvocationLog) => ({
  FunctionName: log.functionName,
  RetMsg: succeeded(log) ? (log.retMsg ?? '') : (log.errorMessage ?? log.retMsg ?? ''),
  RequestId: log.requestId,
  StartTime: formatTime(log.startTime),
  RetCode: succeeded(log) ? 0 : -1,
  Duration: round3(log.durationMs),
  MemUsage: Math.round((log.memUsageBytes / (1024 * 1024)) * 100) / 100,
  RetryNum: log.retryNum,
  StatusCode: log.statusCode,
});

function followCursor(params: ActionParams): number | undefined {
  const context = params['SearchContext'];
  if (context === undefined || context === null) return undefined;
  const offset = typeof context === 'object' ? (context as { Offset?: unknown }).Offset : undefined;
  if (offset === undefined || offset === null || offset === '') return undefined;
  if (typeof offset !== 'string' || !/^\d{1,15}$/.test(offset)) {
    throw new ApiError('InvalidParameterValue.SearchContext', `SearchContext.Offset must be a cursor returned by GetFunctionLogs, got ${JSON.stringify(offset)}.`);
  }
  return Number(offset);
}

export const logActions: ActionTable = {
  async GetFunctionLogs(params, { platform }) {
    const logs = logsOf(platform);
    const { namespace, functionName } = target(params, platform);
    const offset = optionalInteger(params, 'Offset', 'InvalidParameterValue.Offset') ?? 0;
    const limit = optionalInteger(params, 'Limit', 'InvalidParameterValue.Limit') ?? 20;
    if (offset < 0) throw new ApiError('InvalidParameterValue.Offset', `Offset must be >= 0, got ${offset}.`);
    if (limit < 0) throw new ApiError('InvalidParameterValue.Limit', `Limit must be >= 0, got ${limit}.`);
    if (offset + limit > MAX_WINDOW) throw new ApiError('LimitExceeded.Offset', `Offset + Limit must be at most ${MAX_WINDOW}, got ${offset + limit}.`);
    const order = (optionalString(params, 'Order', 'InvalidParameterValue.Order') || 'desc').toLowerCase();
    if (order !== 'asc' && order !== 'desc') throw new ApiError('InvalidParameterValue.Order', `Order must be desc or asc, got ${order}.`);
    const orderBy = optionalString(params, 'OrderBy', 'InvalidParameterValue.OrderBy') || 'start_time';
    if (!(ORDER_BY as readonly string[]).includes(orderBy)) {
      throw new ApiError('InvalidParameterValue.OrderBy', `OrderBy must be one of ${ORDER_BY.join(', ')}, got ${orderBy}.`);
    }
    const filter = params['Filter'];
    if (filter !== undefined && filter !== null && (typeof filter !== 'object' || Array.isArray(filter))) {
      throw new ApiError('InvalidParameterValue.Filter', 'Filter must be an object like {"RetCode": "not0"}.');
    }
    const retCode = filter ? optionalString(filter as ActionParams, 'RetCode', 'InvalidParameterValue.Filter') : undefined;
    const startTime = optionalTime(params, 'StartTime');
    const endTime = optionalTime(params, 'EndTime');
    if (startTime !== undefined && endTime !== undefined && endTime < startTime) {
      throw new ApiError('InvalidParameterValue.EndTime', 'EndTime must not be earlier than StartTime.');
    }
    const query: LogSearch = {
      namespace,
      functionName,
      qualifier: optionalString(params, 'Qualifier', 'InvalidParameterValue.Qualifier') || undefined,
      requestId: optionalString(params, 'FunctionRequestId', 'InvalidParameterValue.FunctionRequestId') || undefined,
      status: retCode ? parseStatusFilter(retCode) : undefined,
      startTime,
      // The bound is a whole second: include everything that started within it.
      endTime: endTime === undefined ? undefined : endTime + 999,
      after: followCursor(params),
      order,
      orderBy: orderBy as LogOrderBy,
      offset,
      limit,
    };
    // A follower sees new commits on its next poll; any other search first waits for what is still in memory.
    if (query.after === undefined) await logs.settle();
    const page = logs.search(query);
    return {
      TotalCount: page.total,
      Data: page.items.map(toFunctionLog),
      SearchContext: { Offset: String(page.cursor), Limit: limit, Keyword: '', Type: '' },
    };
  },

  async GetRequestStatus(params, { platform }) {
    const logs = logsOf(platform);
    const { namespace, functionName } = target(params, platform);
    const requestId = requiredString(params, 'FunctionRequestId', 'InvalidParameterValue.FunctionRequestId');
    const now = Date.now();
    const startTime = optionalTime(params, 'StartTime') ?? now - FIFTEEN_MINUTES;
    const endTime = optionalTime(params, 'EndTime') ?? now;
    if (endTime < startTime) throw new ApiError('InvalidParameterValue.EndTime', 'EndTime must be later than StartTime.');
    // An async event still queued or between retries is running (RetCode 1), whatever its past attempts logged.
    const queued = platform.async.findStatus(namespace, functionName, requestId);
    if (queued?.status === 'RUNNING') {
      return {
        TotalCount: 1,
        Data: [{
          FunctionName: functionName, RetMsg: '', RequestId: requestId, StartTime: formatTime(queued.startTime), RetCode: 1,
          Duration: 0, MemUsage: 0, RetryNum: Math.max(0, queued.attempt - 1), StatusCode: queued.statusCode,
        }],
      };
    }
    await logs.settle();
    const page = logs.search({ namespace, functionName, requestId, startTime, endTime: endTime + 999, order: 'desc', limit: 100 });
    return { TotalCount: page.total, Data: page.items.map(toRequestStatus) };
  },
};
