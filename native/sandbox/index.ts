/**
 * Face of native/sandbox: confinement of one subprocess instance's process
 * tree (uid, cgroups, mount namespace, rlimits) behind one interface.
 */
export { createSandbox } from './sandbox';
export { CodedError, SandboxError, type SandboxErrorCode } from './errors';
export type { ConfinedInstance, ConfineRequest, InstanceLimits, Sandbox, SandboxOptions } from './types';
/** The cgroup detection on given /proc texts (for tests and diagnostics). */
export { cgroupLayoutOf, type CgroupLayout } from './cgroups';
