/**
 * Go's net/rpc with gob encoding, as far as a Go function built with the
 * cloud's Go library needs (native/process's Go runtime calls it).
 */
export { GobDecoder, type GobValue } from './gob-decoder';
export { GobEncoder } from './gob-encoder';
export { GobError, GOB_BOOL, GOB_BYTES, GOB_INT, GOB_STRING, GOB_UINT, type GobType } from './gob-types';
export { GoRpcClient, RpcError } from './rpc';
export { FUNCTION_PING, FUNCTION_INVOKE, INVOKE_REQUEST, PING_REQUEST, type InvokeRequest, type InvokeReply, invokeReplyOf } from './function-protocol';
