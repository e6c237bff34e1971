// Face of core/routing/: what other folders may import from it.
export * from './version-resolver';
