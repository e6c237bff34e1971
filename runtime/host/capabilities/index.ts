/**
 * The host capabilities an isolate gets — its only way to reach the host —
 * declared once, here, in the order the bootstrap receives them.
 *
 * bootstrap() calls the bootstrap (runtime/sandbox/bootstrap.js, whose
 * parameter list host/sandbox.ts generates from this list) with the host's
 * config as JSON followed by the capabilities, and binds the entry points it
 * returns (host/entry-points.ts); it runs when a spare isolate is prepared,
 * with a scope bound later (ScopeSlot). configure() then hands the function's
 * own settings over when an instance takes the isolate. Each capability is its own module:
 * it checks its arguments where it uses them and hands back copies (strings,
 * numbers, copied bytes), never an isolated-vm Reference or ExternalCopy.
 * The bootstrap keeps them in its closure; no global holds one.
 */
import type ivm from 'isolated-vm';
import type { VersionSpec } from '../../types';
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
import { timerCapability } from './timers';
import { wsCapability } from './ws';

export { ScopeSlot, type CapabilityScope } from './scope';
export { HostTimers } from './timers';

/** Name → factory, in the order handed to the bootstrap. */
const REGISTRY: ReadonlyArray<readonly [string, (scope: CapabilityScope) => ivm.Callback]> = [
  ['log', logCapability],
  ['timer', timerCapability],
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

/** The host's part of the bootstrap's config: the same for every isolate of this host. */
const HOST_CONFIG = JSON.stringify({
  limits: LIMITS,
  // What the Node.js compatibility set's process.version/platform/arch report: the host's Node.js.
  node: { version: process.version, platform: process.platform, arch: process.arch },
});

/** The function's own settings as the bootstrap's configure() takes them. */
function functionConfig(spec: VersionSpec): string {
  return JSON.stringify({
    env: spec.env ?? {},
    functionName: spec.functionName,
    version: spec.version,
    namespace: spec.namespace,
    memoryMb: spec.memoryMb,
    timeoutMs: spec.timeoutMs,
  });
}

/**
 * Calls the bootstrap function `boot` (from a prepared isolate; released here) with the host's
 * config and the capabilities of `scope` (a ScopeSlot when no instance exists yet), and returns
 * its entry points. Synchronous, bounded by a 2 s timeout; throws what the bootstrap threw.
 */
export function bootstrap(boot: ivm.Reference<unknown>, scope: CapabilityScope): EntryPoints {
  const args: unknown[] = [HOST_CONFIG];
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

/**
 * Hands the function's settings to a bootstrapped isolate an instance took (once per isolate):
 * process.env, the context fields, the compatibility flags. Throws what the bootstrap threw (an
 * unknown compatibility flag).
 */
export function configure(api: EntryPoints, spec: VersionSpec): void {
  api.configure.applySync(undefined, [functionConfig(spec)], { timeout: 2000 });
}
