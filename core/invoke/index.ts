// Face of core/invoke/: what other folders may import from it.
export * from './http-invocation';
export * from './invocation-shared';
export * from './invocation';
export * from './outcome';
export * from './request-id';
export * from './websocket';
