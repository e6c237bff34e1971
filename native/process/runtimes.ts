/**
 * The built-in runtimes the process executor runs, one table: which
 * runtime names each serves, the command that starts its bootstrap, and the
 * search-path variables of the spec (runtime-api.md, "Environment").
 */
import path from 'node:path';
import type { VersionSpec } from '../../executor';
import { assetPath, ownNode, runningAsBinary, SCRIPT_NODE_OPTIONS_ENV, type OwnNodeCommand } from '../../lib';

export interface RuntimeCommand {
  command: string;
  args: string[];
  /** Extra environment of this runtime (search paths), given the instance's code root and /opt. */
  env(codeRoot: string, optDir: string): Record<string, string>;
  /** The platform's own dirs (or files) the command reads (the bootstrap's, the interpreter's): kept visible inside the sandbox. */
  platformDirs: string[];
}

export interface BuiltInRuntime {
  /** 'python', 'nodejs', 'custom'. */
  readonly family: string;
  /**
   * How the executor talks to the process: 'channel' = the private frames on fd 3 (channel.ts,
   * the bootstraps of native/python and native/nodejs), 'runtime-api' = the custom runtime's HTTP
   * API (native/custom), spoken by the user's own scf_bootstrap.
   */
  readonly protocol: 'channel' | 'runtime-api';
  /** Who runs it, for GetFunction and the README ("python3 (3.11.2)"). */
  describe(): string;
  /** The command for one instance of this version. */
  command(spec: Pick<VersionSpec, 'memoryMb' | 'codeDir' | 'env'>): RuntimeCommand;
}

/** coreutils' env: starts the Node.js runtime with a NODE_OPTIONS the platform chose. */
const ENV_BIN = '/usr/bin/env';

export interface RuntimeBinaries {
  /** The interpreter of Python functions (default /usr/bin/python3: readable by every uid). */
  python: string;
  /** The Node.js of Node.js functions (default: the server's own). */
  node: string;
}

export function builtInRuntimes(bin: RuntimeBinaries, versions: { python: string; node: string }): ReadonlyMap<string, BuiltInRuntime> {
  const python: BuiltInRuntime = {
    family: 'python',
    protocol: 'channel',
    describe: () => `${bin.python} (Python ${versions.python})`,
    command: () => {
      // The source tree's native/python, or the single executable's copy of it (lib/assets.ts).
      const dir = assetPath('python-bootstrap');
      return {
        command: bin.python,
        // -I: no user site, no PYTHON* variables, no script dir on sys.path (a user module named
        // `bootstrap` must not be shadowed); the bootstrap puts the code root and /opt first itself.
        args: ['-I', path.join(dir, 'bootstrap.py')],
        env: (codeRoot, optDir) => ({ PYTHONPATH: `${codeRoot}:${optDir}`, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', ISOLA_OPT_DIR: optDir }),
        platformDirs: [dir, path.dirname(bin.python)],
      };
    },
  };
  const nodejs: BuiltInRuntime = {
    family: 'nodejs',
    protocol: 'channel',
    describe: () => `${bin.node} (Node.js ${versions.node})`,
    command: ({ memoryMb, env }) => {
      const dir = assetPath('nodejs-bootstrap');
      // The V8 heap gets the function's memory: a heap overrun ends the process with V8's
      // "heap out of memory", which the executor reads as 'oom'.
      const flags = [`--max-old-space-size=${Math.max(16, memoryMb)}`];
      const script = path.join(dir, 'bootstrap.js');
      const own = typeof env['NODE_OPTIONS'] === 'string' && env['NODE_OPTIONS'] !== '' ? env['NODE_OPTIONS'] : null;
      const node = bin.node === process.execPath ? ownNode(flags, script) : { command: bin.node, args: [...flags, script], env: {} };
      return {
        // NODE_OPTIONS is exactly the function's own, or none: a value in the server's environment
        // (a supervisor's, a test harness's `--import` of a file the sandbox hides) never reaches
        // the runtime, whose start it would change or break.
        command: ENV_BIN,
        args: ['-u', 'NODE_OPTIONS', ...nodeOptionsAssignments(node, own), node.command, ...node.args],
        env: (_codeRoot, optDir) => ({ NODE_PATH: `${optDir}:${path.join(optDir, 'node_modules')}` }),
        // The single executable alone, not its folder: a data dir next to it must stay hidden.
        platformDirs: [dir, bin.node === process.execPath && runningAsBinary() ? bin.node : path.dirname(bin.node)],
      };
    },
  };
  const custom: BuiltInRuntime = {
    family: 'custom',
    protocol: 'runtime-api',
    describe: () => 'the function\'s own scf_bootstrap (custom runtime, HTTP runtime API)',
    // The code root is the same path inside the sandbox's mount namespace (sandbox: codeRoot = codeDir),
    // so this is the path the confined process sees.
    command: ({ codeDir }) => ({ command: path.join(codeDir, 'scf_bootstrap'), args: [], env: () => ({}), platformDirs: [] }),
  };
  return new Map([['python', python], ['nodejs', nodejs], ['custom', custom]]);
}

/**
 * `NAME=value` words for env(1): the function's NODE_OPTIONS (`own`). When
 * the node is the single executable, its flags travel in NODE_OPTIONS too
 * (lib/own-node.ts), after the function's own so that they win as they do
 * on node's command line (a later NODE_OPTIONS flag overrides an earlier
 * one), and the script runner restores the function's own value before the
 * bootstrap starts.
 */
function nodeOptionsAssignments(node: OwnNodeCommand, own: string | null): string[] {
  const carried = node.env['NODE_OPTIONS'];
  if (carried === undefined) return own !== null ? [`NODE_OPTIONS=${own}`] : [];
  return [`NODE_OPTIONS=${own !== null ? `${own} ${carried}` : carried}`, ...(own !== null ? [`${SCRIPT_NODE_OPTIONS_ENV}=${own}`] : [])];
}

/** The catalogue name's family ('Python3.9' → 'python'), or null for names this executor does not run. */
export function familyOf(runtime: string): string | null {
  if (/^Python3\.\d+$/.test(runtime)) return 'python';
  if (/^Nodejs\d+\.\d+$/.test(runtime)) return 'nodejs';
  if (runtime === 'CustomRuntime') return 'custom';
  return null;
}
