// Face of lib/: pure helpers every layer may use (they import nothing internal).
export * from './options';
export * from './log-quota';
export * from './percent';
export * from './assets';
export * from './own-node';
