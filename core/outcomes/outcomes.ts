/**
 * The closed list of invocation outcomes, and the one table that says what
 * each means to the caller, the log, the metrics and the async queue
 * (platform-semantics §4–§6). Executors report an `OutcomeKind`
 * (executor/contract.ts); the pipeline adds what it decides itself
 * (throttles), the gateway what it sees (body too large, client gone, how a
 * WebSocket closed). No other module writes a status number: everything
 * reads `OUTCOMES[outcome]`.
 */
import type { OutcomeKind } from '../../executor';

/** Every way an invocation can end: the executor's kinds plus the platform's own. */
export type Outcome =
  | OutcomeKind
  /** Over the account's or the function's concurrency, or the function is disabled (reserved 0). */
  | 'throttled'
  /** A new instance was needed and the scale-out speed limit is spent. */
  | 'scale_limited'
  /** The request body was over the limit (the gateway refused it). */
  | 'request_too_large'
  /** A WebSocket closed by the function with a failure code, or by the platform (a limit, shutdown). */
  | 'ws_server_close'
  /** A WebSocket closed by the client with a failure code. */
  | 'ws_client_close'
  /** A WebSocket with no message either way for its idle timeout. */
  | 'ws_idle';

/** FunctionLog / log query categories (LogFilter.RetCode), spec §6. */
export type LogStatus = 'success' | 'failure' | 'timeout' | 'throttled' | 'code_exception' | 'memory' | 'canceled';

/** How the metrics count a call (spec §7): an invocation that succeeded or failed, or a throttle (not an invocation). */
export type MetricClass = 'success' | 'error' | 'throttle';

export interface OutcomeRow {
  /** Platform status code (spec §5). */
  readonly status: number;
  /** The status's name: the `errorMessage` of the error body callers see. */
  readonly name: string;
  /** The API's `InvokeResult`: 0 on success, else the status code. */
  readonly invokeResult: number;
  /** FunctionLog.RetCode: 0 success, 3 canceled, 1 any other failure. */
  readonly retCode: 0 | 1 | 3;
  readonly logStatus: LogStatus;
  readonly metricClass: MetricClass;
  /**
   * May an async event that ended so be run again? Platform failures and
   * throttles always; user errors by the function's retry policy ('policy');
   * never what a retry cannot fix or the caller ended.
   */
  readonly retry: 'always' | 'policy' | 'never';
}

function row(status: number, name: string, logStatus: LogStatus, metricClass: MetricClass, retry: OutcomeRow['retry']): OutcomeRow {
  return Object.freeze({ status, name, invokeResult: status === 200 ? 0 : status, retCode: status === 200 ? 0 : status === 499 ? 3 : 1, logStatus, metricClass, retry });
}

/** The table. */
export const OUTCOMES: Readonly<Record<Outcome, OutcomeRow>> = Object.freeze({
  ok: row(200, 'Success', 'success', 'success', 'never'),
  user_error: row(430, 'UserCodeException', 'code_exception', 'error', 'policy'),
  // The cloud's runtimes answer a missing module or handler as a code exception (430).
  handler_missing: row(430, 'UserCodeException', 'code_exception', 'error', 'never'),
  timeout: row(433, 'TimeLimitReached', 'timeout', 'error', 'policy'),
  oom: row(434, 'MemoryLimitReached', 'memory', 'error', 'policy'),
  response_too_large: row(410, 'ResponseTooLarge', 'failure', 'error', 'never'),
  canceled: row(499, 'kRequestCanceled', 'canceled', 'error', 'never'),
  process_exit: row(439, 'UserProcessExit', 'failure', 'error', 'policy'),
  // Subprocess runners' start failures (runtime-api.md): the process died before ready, its start file
  // is missing (a retry cannot fix it), it never reported ready.
  init_exit: row(405, 'ContainerStateExited', 'failure', 'error', 'policy'),
  bootstrap_missing: row(445, 'ContainerInitError', 'failure', 'error', 'never'),
  init_timeout: row(450, 'InitContainerTimeout', 'failure', 'error', 'policy'),
  port_binding_failed: row(446, 'PortBindingFailed', 'failure', 'error', 'never'),
  internal: row(500, 'InternalError', 'failure', 'error', 'always'),
  throttled: row(432, 'ResourceLimitReached', 'throttled', 'throttle', 'always'),
  scale_limited: row(429, 'ResourceLimit', 'throttled', 'throttle', 'always'),
  request_too_large: row(406, 'RequestTooLarge', 'failure', 'error', 'never'),
  ws_server_close: row(439, 'UserProcessExit', 'failure', 'error', 'never'),
  ws_client_close: row(456, 'WebSocketClientClose', 'failure', 'error', 'never'),
  ws_idle: row(455, 'WebSocketIdleTimeout', 'failure', 'error', 'never'),
});

/** A status code's row (the first outcome with it): for records read back from the store, which keep the status. */
const BY_STATUS: ReadonlyMap<number, OutcomeRow> = (() => {
  const m = new Map<number, OutcomeRow>();
  for (const r of Object.values(OUTCOMES)) if (!m.has(r.status)) m.set(r.status, r);
  return m;
})();

/** The row of a stored status code; an unknown one counts as a platform failure. */
export function rowOfStatus(status: number): OutcomeRow {
  return BY_STATUS.get(status) ?? OUTCOMES.internal;
}

/** The status codes whose outcomes have this log status (log queries by category). */
export function statusesOf(logStatus: LogStatus): number[] {
  const out = new Set<number>();
  for (const r of Object.values(OUTCOMES)) if (r.logStatus === logStatus) out.add(r.status);
  return [...out];
}

/** An error answer: an outcome's row, or one of the answers below that are not invocations. */
export interface ErrorAnswer {
  readonly status: number;
  readonly name: string;
}

/** No such function, qualifier or route: not an invocation, nothing is recorded. */
export const NOT_FOUND: ErrorAnswer = Object.freeze({ status: 404, name: 'NotFound' });
/** A request that cannot be turned into a call (a malformed Content-Length). */
export const BAD_REQUEST: ErrorAnswer = Object.freeze({ status: 400, name: 'BadRequest' });
/** A request body in a transfer coding other than chunked (RFC 9112 §6.1). */
export const NOT_IMPLEMENTED: ErrorAnswer = Object.freeze({ status: 501, name: 'NotImplemented' });
/** An event function behind an HTTP trigger with integrated response returned something that is not one (the call itself succeeded). */
export const BAD_GATEWAY: ErrorAnswer = Object.freeze({ status: 502, name: 'BadGateway' });
/** A WebSocket upgrade to a web function that has WebSocket off. */
export const UPGRADE_REQUIRED: ErrorAnswer = Object.freeze({ status: 426, name: 'UpgradeRequired' });

const bodies = new Map<number, string>();

/**
 * The error body callers see, exactly the spec's shape:
 * `{"errorCode":-1,"errorMessage":"TimeLimitReached","statusCode":433}`.
 * Details (the user's error and stack, the throttle reason) go to the log.
 * Built once per status.
 */
export function errorBodyOf(answer: ErrorAnswer): string {
  let body = bodies.get(answer.status);
  if (body === undefined) {
    body = JSON.stringify({ errorCode: -1, errorMessage: answer.name, statusCode: answer.status });
    bodies.set(answer.status, body);
  }
  return body;
}

/** The error body of an outcome. */
export function errorBody(outcome: Outcome): string {
  return errorBodyOf(OUTCOMES[outcome]);
}
