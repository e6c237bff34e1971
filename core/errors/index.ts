// Face of core/errors/: what other folders may import from it.
export * from './errors';
export * from './catalogue';
export { apiErrorFromStore } from './from-store';
