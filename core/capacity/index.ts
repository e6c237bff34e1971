// Face of core/capacity/: what other folders may import from it.
export * from './admission';
export * from './concurrency';
