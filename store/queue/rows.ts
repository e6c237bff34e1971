/**
 * The queue file's rows as SQLite returns them, and their mapping to the
 * interface's records (types.ts).
 */
import type { DeadLetterRecord, EventStatusRecord, NewEvent } from './types';

/** The columns an event keeps wherever it is (waiting, or in a dead-letter queue). */
export interface QueuedRow {
  request_id: string;
  namespace: string;
  function_name: string;
  qualifier: string;
  payload: string;
  invoke_type: string;
  lease_ms: number;
  enqueued_at: number;
}

export interface EventRow extends QueuedRow {
  id: number;
  attempt: number;
  failures: number;
  throttles: number;
  last_error: string | null;
}

export interface StatusRow {
  request_id: string;
  namespace: string;
  function_name: string;
  qualifier: string;
  invoke_type: string;
  status: EventStatusRecord['status'];
  status_code: number;
  start_time: number;
  end_time: number | null;
  attempt: number;
  error: string | null;
}

export interface DeadRow extends QueuedRow {
  id: number;
  queue: string;
  failed_at: number;
  attempts: number;
  status_code: number;
  error: string;
}

export function inList(where: string[], args: Record<string, unknown>, column: string, values: readonly string[] | undefined): void {
  if (!values || values.length === 0) return;
  const names = values.map((v, i) => {
    args[`${column}${i}`] = v;
    return `@${column}${i}`;
  });
  where.push(`${column} IN (${names.join(', ')})`);
}

export function toNewEvent(row: QueuedRow): NewEvent {
  return {
    requestId: row.request_id, namespace: row.namespace, functionName: row.function_name, qualifier: row.qualifier,
    payload: row.payload, invokeType: row.invoke_type, leaseMs: row.lease_ms,
  };
}

export function toStatus(row: StatusRow): EventStatusRecord {
  return {
    requestId: row.request_id, namespace: row.namespace, functionName: row.function_name, qualifier: row.qualifier,
    invokeType: row.invoke_type, status: row.status, statusCode: row.status_code, startTime: row.start_time,
    endTime: row.end_time, attempt: row.attempt, error: row.error,
  };
}

export function toDead(row: DeadRow): DeadLetterRecord {
  return {
    ...toNewEvent(row), id: row.id, queue: row.queue, enqueuedAt: row.enqueued_at, failedAt: row.failed_at,
    attempts: row.attempts, statusCode: row.status_code, error: row.error,
  };
}
