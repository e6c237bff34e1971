/**
 * The subset of Go's encoding/gob that net/rpc needs to talk to a Go
 * function built with the cloud's Go library: structs of bools, signed and
 * unsigned integers, floats (decoding), strings, byte slices, nested
 * structs (pointers are flattened, as gob does), slices, arrays and maps
 * (decoding). Interfaces and types with their own GobEncode are refused
 * with a clear error. Wire format: https://pkg.go.dev/encoding/gob.
 *
 * A gob stream is a sequence of messages [uint byteCount][int typeId][…]:
 * a negative id defines type -id (a wireType, sent once per stream before
 * its first value), a positive one carries a value of that type. Each
 * direction of a connection is its own stream, so an encoder remembers the
 * types it sent and a decoder the types it was sent.
 */

/** A type this encoder can send. Struct and slice types are compared by identity: define each once. */
export type GobType =
  | { readonly kind: 'bool' | 'int' | 'uint' | 'string' | 'bytes' }
  | { readonly kind: 'struct'; readonly name: string; readonly fields: ReadonlyArray<{ readonly name: string; readonly type: GobType }> }
  | { readonly kind: 'slice'; readonly name: string; readonly elem: GobType };

export const GOB_BOOL: GobType = Object.freeze({ kind: 'bool' });
export const GOB_INT: GobType = Object.freeze({ kind: 'int' });
export const GOB_UINT: GobType = Object.freeze({ kind: 'uint' });
export const GOB_STRING: GobType = Object.freeze({ kind: 'string' });
export const GOB_BYTES: GobType = Object.freeze({ kind: 'bytes' });

/** The ids gob predefines (encoding/gob type.go). */
export const ID = { bool: 1, int: 2, uint: 3, float: 4, bytes: 5, string: 6, complex: 7, interface: 8 } as const;
/** The first id a stream may give its own types. */
export const FIRST_USER_ID = 65;

export class GobError extends Error {
  override readonly name = 'GobError';
}
