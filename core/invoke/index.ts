/**
 * Face of core/invoke/: the invocation path. Where the executor is chosen
 * (executors.ts), where a version becomes a callable target (targets.ts),
 * the one pipeline every call goes through (pipeline.ts), and its callers:
 * sync event invocation (event.ts) and HTTP/WebSocket calls (http.ts).
 */
export { EXECUTOR_OF, Executors, executorTable, type ExecutorName, type ExecutorTable } from './executors';
export { Targets, NotRunnableError, slotsOf, concurrencyOf, type InstanceConcurrency, environmentOf, type InvokeTarget, type HttpTarget } from './targets';
export { InvocationPipeline, notRun, type CallPlan, type CallResult, type Ended, type PipelineDeps } from './pipeline';
export { EventInvocationService, MAX_SYNC_EVENT_BYTES, type InvocationResult, type SyncInvokeRequest } from './event';
export {
  HttpInvocationService, PLATFORM_REQUEST_HEADERS, type GatewayFailure, type HttpCallResult, type HttpCallSink, type HttpRoute,
} from './http';
export { ApigwInvocationService, errorAnswer, integrationEvent, type ApigwAnswer, type ApigwRequest, type ApigwRoute } from './apigw';
export { PLATFORM_CLOSE, platformCloseFor, webSocketOutcome, type WebSocketEnd } from './websocket';
export { newRequestId } from './request-id';
export type { HttpRequestData, HttpResponseSink, WebSocketChannel, WebSocketPeer } from '../../executor';
export { AsyncInvocationRunner, type QueuedCall } from './async';
