// Face of core/functions/: what other folders may import from it.
export * from './function-code';
export * from './function-config';
export * from './function-list';
export * from './functions';
export * from './runtimes';
export * from './sample';
