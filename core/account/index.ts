// Face of core/account/: what other folders may import from it.
export * from './identity';
export * from './namespaces';
export * from './signing';
