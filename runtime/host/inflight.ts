/**
 * One invocation in flight on an instance: its deadline, the quotas its host
 * callbacks have used, its console lines, and its outcome once settled.
 */
import type { ColdStart, ExecutorOutcome, LogLine } from '../types';
import type { HttpExchange } from './http-exchange';

export interface Inflight {
  rid: string;
  start: number;
  /** Epoch ms: past it the watchdog times the call out. */
  deadline: number;
  logs: LogLine[];
  logBytes: number;
  fetches: number;
  fetchesActive: number;
  /** Highest heap reading seen while the call ran. */
  heap: number;
  cold?: ColdStart;
  resolve(o: ExecutorOutcome): void;
  /** The outcome, settled while an entry ran: finalised after it (see Instance.settle). */
  pending?: ExecutorOutcome;
  /** HTTP invocations: the exchange the response leaves through. */
  http?: HttpExchange;
}

/** Outcomes after which the instance's JavaScript state is sound: the call ended in the user's code. */
export function keepsInstance(kind: ExecutorOutcome['kind']): boolean {
  return kind === 'ok' || kind === 'user_error' || kind === 'response_too_large';
}
