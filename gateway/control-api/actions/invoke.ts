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

type Called = ReturnType<typeof target>;

/** The `Result` of a queued call: its RequestId, every other field empty (spec §5). */
function queuedResult(requestId: string) {
  return { Result: { FunctionRequestId: requestId, RetMsg: '', ErrMsg: '', Log: '', MemUsage: 0, Duration: 0, BillDuration: 0, InvokeResult: 0 } };
}

/** Queues `event` for the called function; the RequestId once the event is durable. */
async function enqueue(ctx: ActionContext, called: Called, event: string, refusal: string) {
  // The queue keeps no routing keys yet: refused rather than ignored (alias weights still apply when the event runs).
  if (called.routingKeys) throw new ApiError('InvalidParameterValue.RoutingKey', refusal);
  const { namespace, functionName, qualifier } = called;
  return queuedResult(await ctx.platform.async.enqueue({ namespace, functionName, qualifier, event }));
}

/**
 * A synchronous call (Invoke RequestResponse, InvokeFunction): run now and answer the result —
 * except for a function in async execution mode (AsyncRunEnable), which answers every call at
 * once with a RequestId (spec §8): the call becomes an async event of up to 24 h.
 */
async function invoke(ctx: ActionContext, params: ActionParams, event: string, defaultQualifier: string, tail: boolean, maxLogBytes?: number) {
  const called = target(params, defaultQualifier);
  return inNamespace(ctx, called.namespace, async () => {
    if (ctx.platform.async.runsAsync(called.namespace, called.functionName, called.qualifier)) {
      const refusal = `Function ${called.functionName} runs in async execution mode (AsyncRunEnable): its calls are queued as async events, which cannot carry a RoutingKey yet.`;
      return enqueue(ctx, called, event, refusal);
    }
    return toWire(await ctx.platform.invocations.invokeSync({ ...called, event }), tail, maxLogBytes);
  });
}

export const invokeActions: ActionTable = {
  async Invoke(params, ctx) {
    const type = optionalString(params, 'InvocationType', 'InvalidParameterValue.InvocationType') ?? 'RequestResponse';
    const event = optionalString(params, 'ClientContext', 'InvalidParameterValue.ClientContext') ?? '';
    if (type === 'Event') {
      // Async: the RequestId once the event is durable.
      const called = target(params, '$LATEST');
      return inNamespace(ctx, called.namespace, () =>
        enqueue(ctx, called, event, 'RoutingKey applies to synchronous invocations only: an Event invocation cannot carry one yet.'),
      );
    }
    if (type !== 'RequestResponse') {
      throw new ApiError('InvalidParameterValue.InvocationType', `InvocationType must be RequestResponse or Event, got ${type}.`);
    }
    return invoke(ctx, params, event, '$LATEST', logType(params));
  },

  async InvokeFunction(params, ctx) {
    const tail = logType(params);
    // InvokeFunction returns at most 4 KB of log (the tail end).
    return invoke(ctx, params, optionalString(params, 'Event', 'InvalidParameterValue.Param') ?? '', '$DEFAULT', tail, 4096);
  },
};
