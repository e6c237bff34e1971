/**
 * Async events and their retry policy (spec/scf-api.md §3.11–3.12):
 * ListAsyncEvents, GetAsyncEventStatus, Get/UpdateFunctionEventInvokeConfig;
 * and two isola extensions for its dead-letter queues (DeadLetterConfig
 * Type QUEUE), which the SCF API has no action for: ListDeadLetters
 * ({Queue?, Offset, Limit} → {TotalCount, DeadLetters: [...]}) and
 * RedriveDeadLetters ({Queue, Ids?} → {TotalCount, Redriven: [RequestId]}).
 * TerminateAsyncEvent stops an event (queued or running): at once, or with
 * GraceShutdown signalled first and killed after the grace period.
 */
import { ApiError, DEFAULT_NAMESPACE, formatTime, optionalString, paging, requiredString } from '../../../core';
import type { EventStatusRecord, Platform } from '../../../core';
import type { ActionParams, ActionTable } from '../types';

const STATUSES = ['RUNNING', 'FINISHED', 'ABORTED', 'FAILED'] as const;

/** `%Y-%m-%d %H:%M:%S.%f` (UTC), AsyncEvent's time form. */
const preciseTime = (ms: number) => `${formatTime(ms)}.${String(ms % 1000).padStart(3, '0')}000`;

function functionOf(params: ActionParams, platform: Platform): { namespace: string; functionName: string } {
  const functionName = requiredString(params, 'FunctionName', 'InvalidParameterValue.FunctionName');
  const namespace = optionalString(params, 'Namespace', 'InvalidParameterValue.Namespace') || DEFAULT_NAMESPACE;
  platform.functions.get(namespace, functionName);
  return { namespace, functionName };
}

const toAsyncEvent = (e: EventStatusRecord) => ({
  InvokeRequestId: e.requestId,
  InvokeType: e.invokeType,
  Qualifier: e.qualifier,
  Status: e.status,
  StartTime: preciseTime(e.startTime),
  EndTime: e.endTime === null ? '' : preciseTime(e.endTime),
});

/** TimeInterval {Start, End} (`YYYY-MM-DD HH:MM:SS`, [Start, End)) → epoch ms bounds. */
function interval(params: ActionParams, name: string): { from?: number; to?: number } {
  const value = params[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ApiError('InvalidParameterValue', `${name} must be {Start, End}, got ${JSON.stringify(value)}.`);
  const read = (key: 'Start' | 'End'): number | undefined => {
    const text = (value as Record<string, unknown>)[key];
    if (text === undefined || text === null || text === '') return undefined;
    const ms = typeof text === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(text) ? Date.parse(text.replace(' ', 'T') + 'Z') : NaN;
    if (!Number.isFinite(ms)) throw new ApiError('InvalidParameterValue', `${name}.${key} must be YYYY-MM-DD HH:MM:SS, got ${JSON.stringify(text)}.`);
    return ms;
  };
  const from = read('Start');
  const to = read('End');
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

function stringList(params: ActionParams, name: string, allowed?: readonly string[]): string[] | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || (allowed && !allowed.includes(v)))) {
    throw new ApiError('InvalidParameterValue', `${name} must be a list of ${allowed ? allowed.join(' / ') : 'strings'}, got ${JSON.stringify(value)}.`);
  }
  return value as string[];
}

export const asyncActions: ActionTable = {
  async ListAsyncEvents(params, { platform }) {
    const { namespace, functionName } = functionOf(params, platform);
    const { offset, limit } = paging(params);
    const order = optionalString(params, 'Order', 'InvalidParameterValue.Order') || 'DESC';
    if (order !== 'ASC' && order !== 'DESC') throw new ApiError('InvalidParameterValue.Order', `Order must be ASC or DESC, got ${order}.`);
    const orderBy = optionalString(params, 'Orderby', 'InvalidParameterValue.Orderby') || 'StartTime';
    if (orderBy !== 'StartTime' && orderBy !== 'EndTime') throw new ApiError('InvalidParameterValue.Orderby', `Orderby must be StartTime or EndTime, got ${orderBy}.`);
    const start = interval(params, 'StartTimeInterval');
    const end = interval(params, 'EndTimeInterval');
    const qualifier = optionalString(params, 'Qualifier', 'InvalidParameterValue.Qualifier') || undefined;
    const requestId = optionalString(params, 'InvokeRequestId') || undefined;
    const statuses = stringList(params, 'Status', STATUSES) as EventStatusRecord['status'][] | undefined;
    const invokeTypes = stringList(params, 'InvokeType');
    const page = platform.async.listStatus({
      namespace, functionName, offset, limit,
      order: order === 'ASC' ? 'asc' : 'desc',
      orderBy: orderBy === 'EndTime' ? 'end_time' : 'start_time',
      ...(qualifier !== undefined ? { qualifier } : {}),
      ...(requestId !== undefined ? { requestId } : {}),
      ...(statuses ? { statuses } : {}),
      ...(invokeTypes ? { invokeTypes } : {}),
      ...(start.from !== undefined ? { startFrom: start.from } : {}),
      ...(start.to !== undefined ? { startTo: start.to } : {}),
      ...(end.from !== undefined ? { endFrom: end.from } : {}),
      ...(end.to !== undefined ? { endTo: end.to } : {}),
    });
    return { TotalCount: page.total, EventList: page.items.map(toAsyncEvent) };
  },

  async GetAsyncEventStatus(params, { platform }) {
    const requestId = requiredString(params, 'InvokeRequestId', 'InvalidParameterValue');
    const namespace = optionalString(params, 'Namespace', 'InvalidParameterValue.Namespace') || DEFAULT_NAMESPACE;
    const e = platform.async.status(namespace, requestId);
    return { Result: { Status: e.status, StatusCode: e.statusCode, InvokeRequestId: e.requestId } };
  },

  async TerminateAsyncEvent(params, { platform }) {
    const { namespace, functionName } = functionOf(params, platform);
    const requestId = requiredString(params, 'InvokeRequestId', 'InvalidParameterValue');
    const grace = params['GraceShutdown'];
    if (grace !== undefined && grace !== null && typeof grace !== 'boolean') {
      throw new ApiError('InvalidParameterValue', `GraceShutdown must be a boolean, got ${JSON.stringify(grace)}.`);
    }
    platform.async.terminate(namespace, functionName, requestId, grace === true);
    return {};
  },

  async GetFunctionEventInvokeConfig(params, { platform }) {
    const { namespace, functionName } = functionOf(params, platform);
    const qualifier = optionalString(params, 'Qualifier', 'InvalidParameterValue.Qualifier') || '$LATEST';
    const config = platform.async.retryConfig(namespace, functionName, qualifier);
    return { AsyncTriggerConfig: { RetryConfig: [{ RetryNum: config.retryNum }], MsgTTL: config.msgTtl } };
  },

  async UpdateFunctionEventInvokeConfig(params, { platform }) {
    const { namespace, functionName } = functionOf(params, platform);
    if (params['AsyncTriggerConfig'] === undefined || params['AsyncTriggerConfig'] === null) {
      throw new ApiError('MissingParameter', 'The parameter AsyncTriggerConfig is required.');
    }
    platform.async.updateRetryConfig(namespace, functionName, params['AsyncTriggerConfig']);
    return {};
  },

  async ListDeadLetters(params, { platform }) {
    const queue = optionalString(params, 'Queue') || undefined;
    const { offset, limit } = paging(params);
    const page = platform.async.listDeadLetters(queue, offset, limit);
    return {
      TotalCount: page.total,
      DeadLetters: page.items.map((d) => ({
        Id: d.id, Queue: d.queue, InvokeRequestId: d.requestId, Namespace: d.namespace, FunctionName: d.functionName,
        Qualifier: d.qualifier, Event: d.payload, Attempts: d.attempts, StatusCode: d.statusCode, Error: d.error,
        EnqueueTime: preciseTime(d.enqueuedAt), FailTime: preciseTime(d.failedAt),
      })),
    };
  },

  async RedriveDeadLetters(params, { platform }) {
    const queue = requiredString(params, 'Queue');
    const ids = params['Ids'];
    if (ids !== undefined && ids !== null && (!Array.isArray(ids) || ids.some((id) => typeof id !== 'number' || !Number.isInteger(id)))) {
      throw new ApiError('InvalidParameterValue', `Ids must be a list of dead-letter ids (integers), got ${JSON.stringify(ids)}.`);
    }
    const moved = platform.async.redrive(queue, (ids ?? undefined) as number[] | undefined);
    return { TotalCount: moved.length, Redriven: moved.map((d) => d.requestId) };
  },
};
