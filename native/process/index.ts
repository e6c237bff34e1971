/**
 * The process executor (subprocess runners): event functions of the
 * built-in Python and Node.js runtimes in supervised, confined processes.
 */
export { createProcessExecutor, DEFAULT_INSTANCE_LIMITS, type ProcessExecutor, type ProcessExecutorOptions, type RuntimeAvailability } from './executor';
export type { PlatformFacts } from './instance';
