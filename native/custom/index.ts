/**
 * Face of native/custom: the custom runtime's HTTP runtime API, one server
 * per instance, spoken by `scf_bootstrap`.
 */
export { RuntimeApiServer, type RuntimeAnswer, type RuntimeApiOptions, type RuntimeInvocation } from './runtime-api';
export { RuntimeApiError, type RuntimeApiErrorCode } from './errors';
export { peerUid, PROC_NET_TCP, type PeerLookup } from './peer-uid';
export { SockDiagLookup } from './sock-diag';
