/**
 * The closed list of invocation outcomes and their status codes and names
 * (platform-semantics §5). The gateway, the Invoke result, logs and metrics
 * all read the same table.
 */
export const STATUS_NAMES: Readonly<Record<number, string>> = Object.freeze({
  200: 'Success',
  404: 'NotFound',
  405: 'ContainerStateExitedByUser',
  406: 'RequestTooLarge',
  410: 'ResponseTooLarge',
  429: 'ResourceLimit',
  430: 'UserCodeException',
  432: 'ResourceLimitReached',
  433: 'TimeLimitReached',
  434: 'MemoryLimitReached',
  439: 'UserProcessExit',
  446: 'PortBindingFailed',
  455: 'WebSocketIdleTimeout',
  456: 'WebSocketClientClose',
  499: 'kRequestCanceled',
  500: 'InternalError',
});

/**
 * The error body callers see, exactly the spec's shape:
 * `{"errorCode":-1,"errorMessage":"TimeLimitReached","statusCode":433}`.
 * Details (the user's error and stack, the throttle reason) go to the log.
 */
export function errorBody(statusCode: number): string {
  return JSON.stringify({ errorCode: -1, errorMessage: STATUS_NAMES[statusCode] ?? 'InternalError', statusCode });
}
