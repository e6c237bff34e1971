// Face of core/observe/: what other folders may import from it.
export * from './log-format';
export * from './logs';
export * from './metrics-minute';
export * from './metrics-prometheus';
export * from './metrics-sketch';
export * from './metrics';
export * from './websocket-counters';
