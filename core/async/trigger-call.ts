/**
 * A call through an HTTP (apigw) trigger of a function in async execution
 * mode (AsyncRunEnable; spec §8: it "answers every call at once with a
 * RequestId"): the integration-request event the function would have got
 * synchronously (spec/triggers.md) is queued through the one durable
 * enqueue, and the caller gets `202 Accepted` with `{"RequestId": …}` only
 * after the commit. What the queue refuses becomes the data plane's answer:
 * an event over 128 KB 406, a full queue 432, a function gone meanwhile 404.
 */
import { ApiError } from '../errors';
import { errorAnswer, integrationEvent, type ApigwAnswer, type ApigwRequest, type InvokeTarget } from '../invoke';
import { NOT_FOUND, OUTCOMES, type ErrorAnswer } from '../outcomes';
import type { HttpTrigger } from '../routing';
import type { AsyncInvokeRequest } from './enqueue';

/** The answer to a queued trigger call (no status of the spec's table fits "accepted, runs later"). */
const ACCEPTED = { status: 202, statusText: 'Accepted' } as const;

/**
 * Queues the trigger call as an async event of `target`'s version (the one
 * the trigger's qualifier and its alias rules picked for this request) with
 * `requestId`, which the event's `requestContext.requestId` carries too.
 * Never rejects: a refusal is the answer.
 */
export async function queueTriggerCall(
  enqueue: (req: AsyncInvokeRequest) => Promise<string>,
  target: InvokeTarget,
  trigger: HttpTrigger,
  request: ApigwRequest,
  requestId: string,
): Promise<ApigwAnswer> {
  const { resolved } = target;
  const event = JSON.stringify(integrationEvent(trigger, request, requestId));
  try {
    await enqueue({ namespace: trigger.namespace, functionName: trigger.functionName, qualifier: resolved.version, event, requestId });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return errorAnswer(refusalOf(err), requestId, err.message);
  }
  return {
    ...ACCEPTED,
    headers: [['content-type', 'application/json'], ['x-scf-request-id', requestId]],
    body: Buffer.from(JSON.stringify({ RequestId: requestId })),
  };
}

/** The data-plane status of a refused enqueue. */
function refusalOf(err: ApiError): ErrorAnswer {
  if (err.code === 'InvalidParameter.RequestTooLarge') return OUTCOMES.request_too_large;
  if (err.code === 'LimitExceeded.Quota') return OUTCOMES.throttled;
  if (err.code.startsWith('ResourceNotFound.')) return NOT_FOUND;
  return OUTCOMES.internal;
}
