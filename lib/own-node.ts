/**
 * How the server starts Node.js children of its own (isolate hosts, the
 * Node.js runtime's bootstrap) with Node flags, for both ways isola runs.
 *
 * An npm install runs `node <flags> <script>`. A single executable hands
 * every argument to its own script, so it starts itself with a subcommand
 * (SUBCOMMANDS, dispatched by bin/binary-main.js) and the flags go through
 * NODE_OPTIONS (Node 20 honours a SEA config's `execArgv` only from 22.20 /
 * 24.7); only flags NODE_OPTIONS allows work there (--no-node-snapshot,
 * --max-old-space-size, …).
 */
import { CACHE_ENV, runningAsBinary } from './assets';

/** The binary's own entries, by name: the subcommand selects one. */
export const OWN_ENTRIES = ['isolate-host'] as const;
export type OwnEntry = (typeof OWN_ENTRIES)[number];

/** The binary's hidden subcommands: run an entry of its own, or run a script as `node <script>` would. */
export const SUBCOMMANDS = { entry: '__isola-entry', script: '__isola-node' } as const;
/**
 * What the script runner sets NODE_OPTIONS back to before the script starts
 * (unset: NODE_OPTIONS is removed), so the script sees the value it was
 * given, not the flags the binary needed to pass along with it.
 */
export const SCRIPT_NODE_OPTIONS_ENV = 'ISOLA_SCRIPT_NODE_OPTIONS';

export interface OwnNodeCommand {
  command: string;
  args: string[];
  /** Environment the child needs besides its own (NODE_OPTIONS and the asset cache, for the binary). */
  env: Record<string, string>;
}

/**
 * The command running `script` under this process's own Node.js with `flags`;
 * `entry` names the same code among the binary's own entries (the binary does
 * not read scripts of the npm install).
 */
export function ownNode(flags: readonly string[], script: string, entry?: OwnEntry): OwnNodeCommand {
  if (!runningAsBinary()) return { command: process.execPath, args: [...flags, script], env: {} };
  const env: Record<string, string> = { NODE_OPTIONS: flags.join(' ') };
  if (entry === undefined) return { command: process.execPath, args: [SUBCOMMANDS.script, script], env };
  // The binary's own entries read its assets (the isolate host: the sandbox scripts, isolated-vm).
  const cache = process.env[CACHE_ENV];
  if (cache !== undefined && cache !== '') env[CACHE_ENV] = cache;
  return { command: process.execPath, args: [SUBCOMMANDS.entry, entry], env };
}
