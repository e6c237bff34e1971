/**
 * Function helpers shared by `deploy`, `fn` and `config`: fetching a function
 * (or learning that it does not exist), waiting for a create/update to settle,
 * and the readable `key: value` view of GetFunction.
 */
import { type ApiResponse, type ControlClient, RemoteApiError } from './client';
import type { Variable } from './flags';
import { formatBytes, formatFields } from './output';

/** The GetFunction fields the CLI reads; everything else passes through to --json. */
export interface FunctionInfo extends ApiResponse {
  FunctionName?: string;
  Namespace?: string;
  FunctionVersion?: string;
  Qualifier?: string;
  Status?: string;
  StatusDesc?: string;
  StatusReasons?: Array<{ ErrorCode?: string; ErrorMessage?: string }>;
  Runtime?: string;
  Type?: string;
  Handler?: string;
  MemorySize?: number;
  Timeout?: number;
  InitTimeout?: number;
  CodeSize?: number;
  Description?: string;
  Environment?: { Variables?: Variable[] };
  Layers?: Array<{ LayerName?: string; LayerVersion?: number }>;
  Triggers?: Array<{ TriggerName?: string; Type?: string }>;
  FunctionId?: string;
  AddTime?: string;
  ModTime?: string;
}

/** GetFunction, or undefined when the server answers ResourceNotFound.* for it. */
export async function findFunction(client: ControlClient, namespace: string, name: string): Promise<FunctionInfo | undefined> {
  try {
    return await client.call<FunctionInfo>('GetFunction', { FunctionName: name, Namespace: namespace });
  } catch (err) {
    if (err instanceof RemoteApiError && err.code.startsWith('ResourceNotFound')) return undefined;
    throw err;
  }
}

/** Statuses a function passes through while the server works on it. */
const TRANSIENT = new Set(['Creating', 'Updating', 'Publishing', 'Deleting']);

/**
 * Polls GetFunction until the function leaves a transient status (creation
 * and updates may be asynchronous, as in the cloud) and returns it. Throws
 * when it ends in a *Failed status, with the server's reasons.
 */
export async function waitUntilSettled(client: ControlClient, namespace: string, name: string, timeoutMs = 120_000): Promise<FunctionInfo> {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    const info = await client.call<FunctionInfo>('GetFunction', { FunctionName: name, Namespace: namespace });
    const status = info.Status ?? 'Active';
    if (status.endsWith('Failed')) {
      const reasons = (info.StatusReasons ?? []).map((r) => [r.ErrorCode, r.ErrorMessage].filter(Boolean).join(': ')).filter(Boolean);
      const detail = reasons.length > 0 ? reasons.join('; ') : info.StatusDesc || 'no reason given';
      throw new Error(`function ${name} is ${status}: ${detail}`);
    }
    if (!TRANSIENT.has(status)) return info;
    if (Date.now() > deadline) throw new Error(`function ${name} is still ${status} after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 1000);
  }
}

/** The readable view of a GetFunction response. */
export function formatFunction(info: FunctionInfo): string {
  const variables = info.Environment?.Variables ?? [];
  const layers = info.Layers ?? [];
  const triggers = info.Triggers ?? [];
  let text = formatFields([
    ['Name', info.FunctionName],
    ['Namespace', info.Namespace],
    ['Version', info.FunctionVersion ?? info.Qualifier],
    ['Status', info.Status && info.StatusDesc ? `${info.Status} (${info.StatusDesc})` : info.Status],
    ['Runtime', info.Runtime],
    ['Type', info.Type],
    ['Handler', info.Handler || undefined],
    ['Memory', info.MemorySize !== undefined ? `${info.MemorySize} MB` : undefined],
    ['Timeout', info.Timeout !== undefined ? `${info.Timeout} s` : undefined],
    ['InitTimeout', info.InitTimeout !== undefined ? `${info.InitTimeout} s` : undefined],
    ['CodeSize', info.CodeSize !== undefined ? formatBytes(info.CodeSize) : undefined],
    ['Description', info.Description || undefined],
    ['Layers', layers.length > 0 ? layers.map((l) => `${l.LayerName}:${l.LayerVersion}`).join(', ') : undefined],
    ['Triggers', triggers.length > 0 ? triggers.map((tr) => `${tr.TriggerName} (${tr.Type})`).join(', ') : undefined],
    ['FunctionId', info.FunctionId],
    ['Created', info.AddTime],
    ['Modified', info.ModTime],
    ['Environment', variables.length > 0 ? '' : undefined],
  ]);
  for (const v of variables) text += `  ${v.Key}=${v.Value}\n`;
  return text;
}
