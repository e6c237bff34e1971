// Face of core/config/: what other folders may import from it.
export * from './config';
export * from './validate';
export * from './version';
