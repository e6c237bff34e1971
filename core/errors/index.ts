// Face of core/errors/: what other folders may import from it.
export * from './errors';
export { apiErrorFromStore } from './from-store';
