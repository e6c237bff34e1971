/** Face of core/functions/: function life cycle, configuration and its limits, the runtime catalogue, the samples. */
export { type FunctionConfig, LIMITS } from './function-config';
export { configOf, type FunctionChange, FunctionService, type FunctionView, LATEST, type TriggerView } from './functions';
export { entryCandidates, type FunctionType, getRuntime, type RuntimeFamily, type RuntimeInfo } from './runtimes';
export { deploySampleOnce } from './sample';
export { type FunctionSummaryRow } from './function-list';
export {
  ASYNC_LIMITS, DEFAULT_ASYNC_RETRY, readAsyncTriggerConfig, type AsyncRetryConfig, type DeadLetterConfig,
} from './async-options';
