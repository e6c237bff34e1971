/**
 * A function's async-invocation settings, kept in the version's options:
 * the retry policy (UpdateFunctionEventInvokeConfig's AsyncTriggerConfig)
 * and the dead-letter target (DeadLetterConfig of CreateFunction /
 * UpdateFunctionConfiguration). The queue (core/async) reads them from the
 * resolved version.
 */
import { ApiError } from '../errors';

export interface AsyncRetryConfig {
  /** Retries after the first failed run (user errors; throttles and platform failures do not count). */
  retryNum: number;
  /** Maximum age of an event, seconds: past it the event is not run again. */
  msgTtl: number;
}

/** `FUNCTION`: another function of the namespace gets the event and its error; `QUEUE`: an isola dead-letter queue of that name. */
export interface DeadLetterConfig {
  type: 'FUNCTION' | 'QUEUE';
  name: string;
}

export const ASYNC_LIMITS = Object.freeze({
  retryNumDefault: 2,
  retryNumMax: 10,
  msgTtlDefault: 6 * 60 * 60,
  msgTtlMin: 60,
  msgTtlMax: 6 * 60 * 60,
});

export const DEFAULT_ASYNC_RETRY: AsyncRetryConfig = Object.freeze({ retryNum: ASYNC_LIMITS.retryNumDefault, msgTtl: ASYNC_LIMITS.msgTtlDefault });

/** AsyncTriggerConfig `{RetryConfig: [{RetryNum}], MsgTTL}`; an absent part keeps `current`'s. */
export function readAsyncTriggerConfig(value: unknown, current: AsyncRetryConfig): AsyncRetryConfig {
  const bad = (why: string): never => {
    throw new ApiError('InvalidParameterValue.AsyncTriggerConfig', `AsyncTriggerConfig ${why}.`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('must be an object {RetryConfig: [{RetryNum}], MsgTTL}');
  const { RetryConfig: retryConfig, MsgTTL: msgTtl } = value as { RetryConfig?: unknown; MsgTTL?: unknown };
  const next = { ...current };
  if (retryConfig !== undefined) {
    if (!Array.isArray(retryConfig) || retryConfig.length !== 1) bad('.RetryConfig must be a list of one {RetryNum}');
    const retryNum = ((retryConfig as unknown[])[0] as { RetryNum?: unknown } | null)?.RetryNum;
    if (typeof retryNum !== 'number' || !Number.isInteger(retryNum) || retryNum < 0) bad('.RetryConfig[0].RetryNum must be a whole number of at least 0');
    if ((retryNum as number) > ASYNC_LIMITS.retryNumMax) {
      throw new ApiError('LimitExceeded.RetryNum', `RetryNum must be at most ${ASYNC_LIMITS.retryNumMax}, got ${retryNum as number}.`);
    }
    next.retryNum = retryNum as number;
  }
  if (msgTtl !== undefined) {
    if (typeof msgTtl !== 'number' || !Number.isInteger(msgTtl)) bad('.MsgTTL must be a whole number of seconds');
    if ((msgTtl as number) < ASYNC_LIMITS.msgTtlMin || (msgTtl as number) > ASYNC_LIMITS.msgTtlMax) {
      throw new ApiError('LimitExceeded.MsgTTL', `MsgTTL must be from ${ASYNC_LIMITS.msgTtlMin} to ${ASYNC_LIMITS.msgTtlMax} seconds, got ${msgTtl as number}.`);
    }
    next.msgTtl = msgTtl as number;
  }
  return next;
}

/**
 * DeadLetterConfig `{Type, Name}`: Type `FUNCTION` or `QUEUE` (isola's
 * targets; the cloud's CMQ queues and topics do not exist here and are
 * refused rather than ignored). `{Type: "", Name: ""}` or null clears it.
 */
export function readDeadLetterConfig(value: unknown): DeadLetterConfig | null {
  if (value === null) return null;
  const bad = (why: string): never => {
    throw new ApiError('InvalidParameterValue.DeadLetterConfig', `DeadLetterConfig ${why}.`);
  };
  if (typeof value !== 'object' || Array.isArray(value)) return bad('must be an object {Type, Name}');
  const { Type: type, Name: name } = value as { Type?: unknown; Name?: unknown };
  if ((type === '' || type === undefined) && (name === '' || name === undefined)) return null;
  if (type !== 'FUNCTION' && type !== 'QUEUE') bad(`.Type must be FUNCTION or QUEUE (CMQ queues and topics are not available on this server), got ${JSON.stringify(type)}`);
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/.test(name)) {
    bad(`.Name must be 2-60 characters of letters, digits, "_" and "-", starting with a letter, got ${JSON.stringify(name)}`);
  }
  return { type: type as DeadLetterConfig['type'], name: name as string };
}
