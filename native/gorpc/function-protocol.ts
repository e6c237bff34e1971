/**
 * The messages of the cloud Go library's function protocol (spec:
 * runtime-api.md, "Go"): the same shapes as the early AWS Lambda Go
 * protocol. gob matches struct fields by name, so a Go function whose
 * structs have more or fewer fields still decodes what it knows.
 */
import { GOB_BYTES, GOB_INT, GOB_STRING, type GobType } from './gob-types';

export const FUNCTION_PING = 'Function.Ping';
export const FUNCTION_INVOKE = 'Function.Invoke';

export const PING_REQUEST: GobType = Object.freeze({ kind: 'struct', name: 'PingRequest', fields: Object.freeze([]) });

const TIMESTAMP: GobType = Object.freeze({
  kind: 'struct', name: 'InvokeRequest_Timestamp',
  fields: Object.freeze([{ name: 'Seconds', type: GOB_INT }, { name: 'Nanos', type: GOB_INT }]),
});

export const INVOKE_REQUEST: GobType = Object.freeze({
  kind: 'struct', name: 'InvokeRequest',
  fields: Object.freeze([
    { name: 'Payload', type: GOB_BYTES },
    { name: 'RequestId', type: GOB_STRING },
    { name: 'Deadline', type: TIMESTAMP },
    { name: 'Namespace', type: GOB_STRING },
    { name: 'FunctionName', type: GOB_STRING },
    { name: 'FunctionVersion', type: GOB_STRING },
    { name: 'MemoryLimitInMb', type: GOB_INT },
    { name: 'TimeLimitInMs', type: GOB_INT },
    { name: 'Environment', type: GOB_STRING },
  ]),
});

export interface InvokeRequest {
  Payload: Buffer;
  RequestId: string;
  Deadline: { Seconds: number; Nanos: number };
  Namespace: string;
  FunctionName: string;
  FunctionVersion: string;
  MemoryLimitInMb: number;
  TimeLimitInMs: number;
  /** The function's environment variables as a JSON object text. */
  Environment: string;
}

/** InvokeResponse, as read: the payload, or the error (ShouldExit: the function's process ends after it, as after a panic). */
export type InvokeReply =
  | { ok: true; payload: Buffer }
  | { ok: false; message: string; type: string; stack: string; shouldExit: boolean };

/** The reply's body (an InvokeResponse decoded to an object) as an InvokeReply. */
export function invokeReplyOf(body: Record<string, unknown>): InvokeReply {
  const err = body['Error'] as Record<string, unknown> | undefined;
  if (err === undefined) {
    const payload = body['Payload'];
    return { ok: true, payload: Buffer.isBuffer(payload) ? payload : Buffer.alloc(0) };
  }
  const frames = Array.isArray(err['StackTrace']) ? (err['StackTrace'] as Array<Record<string, unknown>>) : [];
  const stack = frames.map((f) => `${String(f['Label'] ?? '')}\n\t${String(f['Path'] ?? '')}:${String(f['Line'] ?? 0)}`).join('\n');
  return { ok: false, message: String(err['Message'] ?? ''), type: String(err['Type'] ?? ''), stack, shouldExit: err['ShouldExit'] === true };
}
