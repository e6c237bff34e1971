/**
 * The built-in runtimes the process executor runs, one table: which
 * runtime names each serves, the command that starts its bootstrap, and the
 * search-path variables of the spec (runtime-api.md, "Environment").
 */
import path from 'node:path';
import type { VersionSpec } from '../../executor';

export interface RuntimeCommand {
  command: string;
  args: string[];
  /** Extra environment of this runtime (search paths), given the instance's code root and /opt. */
  env(codeRoot: string, optDir: string): Record<string, string>;
  /** The platform's own dirs the command reads (the bootstrap's, the interpreter's): kept visible inside the sandbox. */
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

/** Where the bootstraps live: the source tree (they are not compiled). */
const NATIVE_DIR = path.resolve(__dirname, '..', '..', '..', 'native');

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
    command: () => ({
      command: bin.python,
      // -I: no user site, no PYTHON* variables, no script dir on sys.path (a user module named
      // `bootstrap` must not be shadowed); the bootstrap puts the code root and /opt first itself.
      args: ['-I', path.join(NATIVE_DIR, 'python', 'bootstrap.py')],
      env: (codeRoot, optDir) => ({ PYTHONPATH: `${codeRoot}:${optDir}`, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', ISOLA_OPT_DIR: optDir }),
      platformDirs: [path.join(NATIVE_DIR, 'python'), path.dirname(bin.python)],
    }),
  };
  const nodejs: BuiltInRuntime = {
    family: 'nodejs',
    protocol: 'channel',
    describe: () => `${bin.node} (Node.js ${versions.node})`,
    command: ({ memoryMb, env }) => ({
      // NODE_OPTIONS is exactly the function's own, or none: a value in the server's environment
      // (a supervisor's, a test harness's `--import` of a file the sandbox hides) never reaches
      // the runtime, whose start it would change or break.
      command: ENV_BIN,
      args: [
        '-u', 'NODE_OPTIONS', ...(env['NODE_OPTIONS'] ? [`NODE_OPTIONS=${env['NODE_OPTIONS']}`] : []), bin.node,
        // The V8 heap gets the function's memory: a heap overrun ends the process with V8's
        // "heap out of memory", which the executor reads as 'oom'.
        `--max-old-space-size=${Math.max(16, memoryMb)}`, path.join(NATIVE_DIR, 'nodejs', 'bootstrap.js'),
      ],
      env: (_codeRoot, optDir) => ({ NODE_PATH: `${optDir}:${path.join(optDir, 'node_modules')}` }),
      platformDirs: [path.join(NATIVE_DIR, 'nodejs'), path.dirname(bin.node)],
    }),
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

/** The catalogue name's family ('Python3.9' → 'python'), or null for names this executor does not run. */
export function familyOf(runtime: string): string | null {
  if (/^Python3\.\d+$/.test(runtime)) return 'python';
  if (/^Nodejs\d+\.\d+$/.test(runtime)) return 'nodejs';
  if (runtime === 'CustomRuntime') return 'custom';
  return null;
}
