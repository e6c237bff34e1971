/**
 * Face of native/: what other folders may use. Today the process supervision
 * shared by the isolate hosts (runtime/) and the subprocess runners to come.
 */
export * from './supervision';
export * from './process';
