/** Face of core/functions/: function life cycle, configuration and its limits, the runtime catalogue, the samples. */
export { assertDescription, type FunctionConfig, LIMITS } from './function-config';
export { type FunctionChange, FunctionService, type FunctionView, LATEST, type TriggerView } from './functions';
export { configColumns, configOf, triggerViewOf } from './rows';
export { DEFAULT_ALIAS, type VersionListQuery, VersionService } from './versions';
export { AliasService, type AliasInput, type AliasView } from './aliases';
export { type LayerListQuery, LayerService, type LayerVersionView, layerDirsOf } from './layers';
export { EMPTY_ROUTING, type IntegerRange, parseRange, RULE_KEY_PREFIX, type RoutingConfig, type VersionMatch, type VersionWeight } from './alias-routing';
export { entryCandidates, type FunctionType, getRuntime, RUNTIMES, type RuntimeFamily, type RuntimeInfo } from './runtimes';
export { deploySampleOnce } from './sample';
export { type FunctionSummaryRow } from './function-list';
export {
  ASYNC_LIMITS, DEFAULT_ASYNC_RETRY, readAsyncTriggerConfig, type AsyncRetryConfig, type DeadLetterConfig,
} from './async-options';
