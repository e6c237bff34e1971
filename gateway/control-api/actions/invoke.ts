import { ApiError, isApiError } from '../../../core';
import type { InvocationResult } from '../../../core';
import { billedDuration } from '../../../core';
import { DEFAULT_NAMESPACE } from '../../../core';
import { optionalString, requiredString } from '../../../core';
import type { ActionContext, ActionParams, ActionTable } from '../types';

/** The API's `Result` structure (spec/scf-api.md §5). InvokeResult comes from the outcome table. */
function toWire(result: InvocationResult, tail: boolean, maxLogBytes?: number) {
  let log = tail ? result.log : '';
  if (maxLogBytes !== undefined && Buffer.byteLength(log) > maxLogBytes) log = Buffer.from(log).subarray(-maxLogBytes).toString('utf8');
  return {
    Result: {
      FunctionRequestId: result.requestId,
      RetMsg: result.retMsg,
      ErrMsg: result.errMsg,
      Log: log,
      MemUsage: result.memUsageBytes,
      Duration: Math.round(result.durationMs * 1000) / 1000,
      BillDuration: billedDuration(result.durationMs),
      InvokeResult: result.invokeResult,
    },
  };
}

function logType(params: ActionParams): boolean {
  const value = optionalString(params, 'LogType', 'InvalidParameterValue.LogType') ?? 'None';
  if (value !== 'None' && value !== 'Tail') throw new ApiError('InvalidParameterValue.LogType', `LogType must be None or Tail, got ${value}.`);
  return value === 'Tail';
}

/** Largest RoutingKey (scf-api.md §3.3). */
const MAX_ROUTING_KEY_BYTES = 1024;

/** RoutingKey: a JSON object of string values (≤ 1024 bytes), what an alias's rules match against. */
function routingKeysOf(params: ActionParams): Record<string, string> | undefined {
  const text = optionalString(params, 'RoutingKey', 'InvalidParameterValue.RoutingKey');
  if (text === undefined || text === '') return undefined;
  const refuse = () => new ApiError('InvalidParameterValue.RoutingKey', `RoutingKey must be a JSON object of strings (at most ${MAX_ROUTING_KEY_BYTES} bytes), got ${JSON.stringify(text.slice(0, 100))}.`);
  if (Buffer.byteLength(text) > MAX_ROUTING_KEY_BYTES) throw refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refuse();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) throw refuse();
  return parsed as Record<string, string>;
}

/** The called function: name, namespace, qualifier (default `defaultQualifier`), routing keys. */
function target(params: ActionParams, defaultQualifier: string) {
  const functionName = requiredString(params, 'FunctionName', 'InvalidParameter.FunctionName');
  const namespace = optionalString(params, 'Namespace', 'InvalidParameterValue.Namespace') || DEFAULT_NAMESPACE;
  const qualifier = optionalString(params, 'Qualifier', 'InvalidParameterValue.Qualifier') || defaultQualifier;
  const routingKeys = routingKeysOf(params);
  return { namespace, functionName, qualifier, ...(routingKeys ? { routingKeys } : {}) };
}

/**
 * Runs `call` on a function of `namespace`; when the function is not found, answers
 * ResourceNotFound.Namespace if the namespace is what is missing. The namespace is read only
 * then: one that holds the function exists (a namespace must be empty to be deleted), so a
 * call that finds its function costs no namespace look-up.
 */
async function inNamespace<T>(ctx: ActionContext, namespace: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isApiError(err) && err.code === 'ResourceNotFound.Function') ctx.platform.namespaces.get(namespace);
    throw err;
  }
}

async function invoke(ctx: ActionContext, params: ActionParams, event: string, defaultQualifier: string) {
  const called = target(params, defaultQualifier);
  return inNamespace(ctx, called.namespace, () => ctx.platform.invocations.invokeSync({ ...called, event }));
}

export const invokeActions: ActionTable = {
  async Invoke(params, ctx) {
    const type = optionalString(params, 'InvocationType', 'InvalidParameterValue.InvocationType') ?? 'RequestResponse';
    if (type === 'Event') {
      // Async: the RequestId once the event is durable; every other Result field is empty (spec §5).
      const { namespace, functionName, qualifier, routingKeys } = target(params, '$LATEST');
      // The queue keeps no routing keys yet: refused rather than ignored (alias weights still apply when the event runs).
      if (routingKeys) throw new ApiError('InvalidParameterValue.RoutingKey', 'RoutingKey applies to synchronous invocations only: an Event invocation cannot carry one yet.');
      const event = optionalString(params, 'ClientContext', 'InvalidParameterValue.ClientContext') ?? '';
      const requestId = await inNamespace(ctx, namespace, () => ctx.platform.async.enqueue({ namespace, functionName, qualifier, event }));
      return { Result: { FunctionRequestId: requestId, RetMsg: '', ErrMsg: '', Log: '', MemUsage: 0, Duration: 0, BillDuration: 0, InvokeResult: 0 } };
    }
    if (type !== 'RequestResponse') {
      throw new ApiError('InvalidParameterValue.InvocationType', `InvocationType must be RequestResponse or Event, got ${type}.`);
    }
    const tail = logType(params);
    const result = await invoke(ctx, params, optionalString(params, 'ClientContext', 'InvalidParameterValue.ClientContext') ?? '', '$LATEST');
    return toWire(result, tail);
  },

  async InvokeFunction(params, ctx) {
    const tail = logType(params);
    const result = await invoke(ctx, params, optionalString(params, 'Event', 'InvalidParameterValue.Param') ?? '', '$DEFAULT');
    // InvokeFunction returns at most 4 KB of log (the tail end).
    return toWire(result, tail, 4096);
  },
};
