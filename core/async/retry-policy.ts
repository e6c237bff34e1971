/**
 * What a run's outcome means for a queued event: done, run again later
 * (and when), or dead-lettered. Reads the outcome table's `retry` column
 * (core/outcomes): 'always' (throttles, platform failures) is retried for as
 * long as the event is younger than its maximum age; 'policy' (user errors)
 * up to the function's RetryNum; 'never' ends it at once.
 *
 * Back-off is exponential with jitter: the n-th retry of a failure waits a
 * random time in [d/2, d], d = min(maxMs, baseMs × 2^(n-1)); a throttle
 * waits the same way from `throttleBaseMs`, so a function held at reserved
 * concurrency 0 is polled ever more rarely (up to `throttleMaxMs`) but
 * drains soon after it is raised.
 */
import { OUTCOMES, type Outcome } from '../outcomes';
import type { AsyncRetryConfig } from '../functions';

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  throttleBaseMs: number;
  throttleMaxMs: number;
  /** [0, 1) — injectable so tests get exact delays. */
  random: () => number;
}

export type Decision =
  | { kind: 'done'; failed: boolean }
  | { kind: 'retry'; delayMs: number; as: 'failure' | 'throttle' | 'uncounted' }
  | { kind: 'dead'; why: string };

export interface AttemptState {
  enqueuedAt: number;
  /** Failures counted before this run. */
  failures: number;
  throttles: number;
  attempt: number;
}

export function backoff(n: number, baseMs: number, maxMs: number, random: () => number): number {
  const d = Math.min(maxMs, baseMs * 2 ** Math.max(0, n - 1));
  return Math.round(d / 2 + (random() * d) / 2);
}

/** The decision after a run that ended with `outcome` at `now`; `noRetry` (async execution mode): only throttles are tried again. */
export function decide(outcome: Outcome, state: AttemptState, policy: AsyncRetryConfig, now: number, o: BackoffOptions, noRetry = false): Decision {
  const row = OUTCOMES[outcome];
  if (outcome === 'ok') return { kind: 'done', failed: false };
  const deadline = state.enqueuedAt + policy.msgTtl * 1000;
  let next: Extract<Decision, { kind: 'retry' }>;
  if (row.metricClass === 'throttle') {
    next = { kind: 'retry', delayMs: backoff(state.throttles + 1, o.throttleBaseMs, o.throttleMaxMs, o.random), as: 'throttle' };
  } else if (noRetry) {
    return { kind: 'dead', why: `${row.status} ${row.name} (async execution mode: not retried)` };
  } else if (row.retry === 'always') {
    next = { kind: 'retry', delayMs: backoff(state.attempt, o.baseMs, o.maxMs, o.random), as: 'uncounted' };
  } else if (row.retry === 'policy') {
    if (state.failures + 1 > policy.retryNum) return { kind: 'dead', why: `${row.status} ${row.name} after ${policy.retryNum} retries` };
    next = { kind: 'retry', delayMs: backoff(state.failures + 1, o.baseMs, o.maxMs, o.random), as: 'failure' };
  } else {
    return { kind: 'dead', why: `${row.status} ${row.name} (not retried)` };
  }
  if (now + next.delayMs > deadline) return { kind: 'dead', why: `${row.status} ${row.name}; maximum age ${policy.msgTtl} s reached` };
  return next;
}
