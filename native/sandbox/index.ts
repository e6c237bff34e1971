/**
 * Face of native/sandbox: confinement of one subprocess instance's process
 * tree (uid, cgroups, mount namespace, rlimits) behind one interface.
 */
export { createSandbox } from './sandbox';
export { CodedError, SandboxError, type SandboxErrorCode } from './errors';
export type { ConfinedInstance, ConfineRequest, InstanceLimits, Sandbox, SandboxOptions } from './types';
/** The cgroup detection on given /proc texts (for tests and diagnostics). */
export { cgroupLayoutOf, type CgroupLayout } from './cgroups';
/** An instance's own network namespace: the mode a server can give, its slirp4netns link, sockets opened inside it. */
export { detectNetworkMode, freePort, linkDir, SlirpLink, type NetworkMode } from './network';
export { NamespaceSockets } from './netns-sockets';
/** The fd a gated launcher (`ConfineRequest.startGate`) waits on for the caller's go. */
export { GATE_FD } from './launcher';
