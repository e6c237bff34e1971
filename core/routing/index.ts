/** Face of core/routing/: (namespace, function, qualifier[, routing keys]) → the version that serves a call, routes cached. */
export { AliasRoute, FixedRoute, type Route, type RoutingKeys } from './route';
export { type ResolvedVersion, VersionResolver } from './version-resolver';
export { ANY_METHOD, parsePattern, RouteTable, type RouteMatch } from './route-table';
export { type ApigwDesc, functionPath, parseApigwDesc } from './apigw-desc';
export { APIGW, assertTriggerQualifier, enableOf, type HttpTrigger, MAX_TRIGGERS_PER_TYPE, statusChange, triggerNameOf, TriggerService } from './triggers';
