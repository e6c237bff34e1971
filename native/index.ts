/**
 * Face of native/: what other folders may use. The process supervision
 * shared by the isolate hosts (runtime/) and the subprocess runners, the
 * sandbox confining a runner instance, and the custom runtime API.
 */
export * from './supervision';
export * from './sandbox';
export * from './custom';
export * from './process';
export * from './web';
