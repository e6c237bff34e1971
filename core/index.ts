/**
 * The face of core/: everything the gateway and the CLI may use. Each
 * concern folder has its own face (index.ts); this one gathers them.
 *
 *   config/     settings (one validator, frozen), API parameter readers, the version
 *   errors/     the API error catalogue
 *   account/    identity, root keys, TC3 signing, namespaces
 *   functions/  function life cycle, configuration, code packages, the runtime catalogue
 *   routing/    (namespace, function, qualifier) → a resolved version
 *   capacity/   who may run now: account and reserved quotas, burst
 *   provisioning/ provisioned concurrency: instances kept ahead of traffic (static, scheduled, tracking)
 *   invoke/     executors, targets, the one invocation pipeline, sync and HTTP calls
 *   outcomes/   the closed list of outcomes and the one table of their status codes
 *   observe/    invocation logs and metrics
 *   platform.ts the composition root: startPlatform()
 */
export * from './config';
export * from './errors';
export * from './account';
export * from './functions';
export * from './routing';
export * from './capacity';
export * from './provisioning';
export * from './invoke';
export * from './outcomes';
export * from './observe';
export * from './async';
export * from './platform';
