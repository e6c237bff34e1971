/**
 * Face of core/async/: async invocation. The enqueue side (enqueue.ts, group
 * commit), the consumer that runs queued events through the one pipeline
 * and applies the retry policy (consumer.ts, retry-policy.ts), the injected
 * clock, and the service the control API calls (service.ts).
 */
export { systemClock, type Clock } from './clock';
export { GroupCommit } from './group-commit';
export { backoff, decide, type BackoffOptions, type Decision } from './retry-policy';
export { ASYNC_RUN_MAX_MS, AsyncEnqueuer, leaseMsOf, MAX_ASYNC_EVENT_BYTES, type AsyncInvokeRequest } from './enqueue';
export { AsyncConsumer, type ConsumerOptions } from './consumer';
export { AsyncService, type AsyncQueueStats, type AsyncServiceOptions, type TimerFiringRequest } from './service';
export type { DeadLetterRecord, EventStatusRecord, EventStatus } from '../../store';
