/** Face of core/routing/: (namespace, function, qualifier) → a resolved version, cached. */
export { type ResolvedVersion, VersionResolver } from './version-resolver';
