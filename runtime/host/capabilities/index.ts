/**
 * The host capabilities an isolate gets — its only way to reach the host —
 * declared once, here, in the order the bootstrap receives them.
 *
 * handOver() calls the bootstrap (runtime/sandbox/bootstrap.js, whose
 * parameter list host/sandbox.ts generates from this list) with the instance's
 * config as JSON followed by the capabilities, and binds the entry points it
 * returns (host/entry-points.ts). Each capability is its own module:
 * it checks its arguments where it uses them and hands back copies (strings,
 * numbers, copied bytes), never an isolated-vm Reference or ExternalCopy.
 * The bootstrap keeps them in its closure; no global holds one.
 */
import type ivm from 'isolated-vm';
import { bindEntryPoints, type EntryPoints } from '../entry-points';
import { LIMITS } from '../limits';
import { computeCapability } from './compute';
import { doneCapability } from './done';
import { fetchCapability } from './fetch';
import { httpCapability } from './http';
export { eachFinal } from './http';
import { logCapability } from './log';
import { randomCapability } from './random';
import { resolveCapability, sourceCapability } from './modules';
import type { CapabilityScope } from './scope';
import { wsCapability } from './ws';

export type { CapabilityScope } from './scope';
export { HostTimers } from './timers';

/** Name → factory, in the order handed to the bootstrap. */
const REGISTRY: ReadonlyArray<readonly [string, (scope: CapabilityScope) => ivm.Callback]> = [
  ['log', logCapability],
  ['timer', (scope) => scope.timers.capability()],
  ['fetch', fetchCapability],
  ['done', doneCapability],
  ['resolve', resolveCapability],
  ['source', sourceCapability],
  ['random', randomCapability],
  ['compute', computeCapability],
  ['http', httpCapability],
  ['ws', wsCapability],
];

/** The capability names in hand-over order (the bootstrap's parameters, see host/sandbox.ts). */
export const CAPABILITY_NAMES: readonly string[] = Object.freeze(REGISTRY.map(([name]) => name));

const NODE_INFO = Object.freeze({ version: process.version, platform: process.platform, arch: process.arch });

/** The function's configuration as the bootstrap sees it. */
function bootstrapConfig(scope: CapabilityScope): string {
  const spec = scope.spec;
  return JSON.stringify({
    env: spec.env ?? {},
    functionName: spec.functionName,
    version: spec.version,
    namespace: spec.namespace,
    memoryMb: spec.memoryMb,
    timeoutMs: spec.timeoutMs,
    limits: LIMITS,
    // What the Node.js compatibility set's process.version/platform/arch report: the host's Node.js.
    node: NODE_INFO,
  });
}

/**
 * Calls the bootstrap function `boot` (from a prepared isolate; released here)
 * with the config and the capabilities of `scope`, and returns its entry
 * points. Synchronous, bounded by a 2 s timeout; throws what the bootstrap threw.
 */
export function handOver(boot: ivm.Reference<unknown>, scope: CapabilityScope): EntryPoints {
  const args: unknown[] = [bootstrapConfig(scope)];
  for (const [, make] of REGISTRY) args.push(make(scope));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const ref = (boot as ivm.Reference<any>).applySync(undefined, args as any[], { result: { reference: true }, timeout: 2000 }) as unknown as ivm.Reference<unknown>;
  boot.release();
  try {
    return bindEntryPoints(ref);
  } finally {
    ref.release();
  }
}
