/**
 * The built-in runtimes the process executor runs, one table: which
 * runtime names each serves, the command that starts its bootstrap, and the
 * search-path variables of the spec (runtime-api.md, "Environment").
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { VersionSpec } from '../../executor';
import { ownNode, runningAsBinary, SCRIPT_NODE_OPTIONS_ENV, type OwnNodeCommand } from '../../lib';
import { findExecutable, nativeAsset } from './assets';
import { ENV_BIN, withOwnNodeOptions } from './environment';
import { javaRuntime, type JavaInstall } from './java';

export interface RuntimeCommand {
  command: string;
  args: string[];
  /** Extra environment of this runtime (search paths), given the instance's code root and /opt. */
  env(codeRoot: string, optDir: string): Record<string, string>;
  /** The platform's own dirs (or files) the command reads (the bootstrap's, the interpreter's): kept visible inside the sandbox. */
  platformDirs: string[];
}

export interface BuiltInRuntime {
  /** 'python', 'nodejs', 'php', 'java', 'go', 'custom'. */
  readonly family: string;
  /**
   * How the executor talks to the process: 'channel' = the private frames on fd 3 (channel.ts,
   * the bootstraps of native/python, native/nodejs, native/php, native/java), 'runtime-api' = the
   * custom runtime's HTTP API (native/custom), spoken by the user's own scf_bootstrap, 'go-rpc' =
   * the cloud Go library's net/rpc + gob on _LAMBDA_SERVER_PORT (go-link.ts), spoken by the
   * function's own executable.
   */
  readonly protocol: 'channel' | 'runtime-api' | 'go-rpc';
  /** Why this host cannot run it ("php not found in PATH"), or null when it can. */
  unavailable(): string | null;
  /** Work done once before the first instance (Java: compiling the bootstrap); rejects with the reason it cannot run. */
  install?(): Promise<void>;
  /**
   * Instances a version keeps started ahead once it has traffic (pool.ts), where a cold start is
   * long enough to pay for one idle process: Java's JVM (bench/runners.js). Default 0.
   */
  readonly spares?: number;
  /** Who runs it, for GetFunction and the README ("python3 (3.11.2)"). */
  describe(): string;
  /** The command for one instance of this version. */
  command(spec: Pick<VersionSpec, 'memoryMb' | 'codeDir' | 'env' | 'handler'>): RuntimeCommand;
}


export interface RuntimeBinaries {
  /** The interpreter of Python functions (default /usr/bin/python3: readable by every uid). */
  python: string;
  /** The Node.js of Node.js functions (default: the server's own). */
  node: string;
  /** php-cli for PHP functions (default: `php` in PATH); null when there is none. */
  php: string | null;
}

/**
 * The runtime table. `versions` says who runs Python and Node.js; `java` is
 * where the Java bootstrap is compiled and cached (java.ts).
 */
export function builtInRuntimes(bin: RuntimeBinaries, versions: { python: string; node: string }, java: JavaInstall): ReadonlyMap<string, BuiltInRuntime> {
  const python: BuiltInRuntime = {
    family: 'python',
    protocol: 'channel',
    // An interpreter that does not run fails every start visibly (405 with its last words).
    unavailable: () => null,
    describe: () => `${bin.python} (Python ${versions.python})`,
    command: () => {
      // The source tree's native/python, or the single executable's copy of it (lib/assets.ts).
      const dir = nativeAsset('python');
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
    unavailable: () => null,
    describe: () => `${bin.node} (Node.js ${versions.node})`,
    command: ({ memoryMb, env }) => {
      const dir = nativeAsset('nodejs');
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
  const php: BuiltInRuntime = {
    family: 'php',
    protocol: 'channel',
    unavailable: () => (bin.php === null ? 'php not found in PATH (Debian: php-cli)' : null),
    describe: () => `${bin.php} (PHP ${versionOnce(`php:${bin.php}`, bin.php, ['-r', 'echo PHP_VERSION;'], /^(\S+)$/)})`,
    command: () => ({
      // -n: no php.ini of the host (its display_errors, auto_prepend_file…): the bootstrap sets what matters.
      command: bin.php ?? 'php',
      args: ['-n', '-d', 'display_errors=stderr', nativeAsset('php', 'bootstrap.php')],
      env: (_codeRoot, optDir) => ({ ISOLA_OPT_DIR: optDir }),
      platformDirs: [nativeAsset('php'), ...(bin.php === null ? [] : [path.dirname(bin.php)])],
    }),
  };
  const go: BuiltInRuntime = {
    family: 'go',
    protocol: 'go-rpc',
    unavailable: () => null,
    describe: () => 'the function\'s own executable (the cloud Go library\'s net/rpc + gob protocol)',
    // The handler names the executable at the code root (the same path inside the sandbox). The Go
    // runtime's collector aims at the function's memory (GOMEMLIMIT), unless the function sets its own.
    command: ({ codeDir, handler, memoryMb, env }) => ({
      command: path.join(codeDir, handler), args: [], env: (): Record<string, string> => (env['GOMEMLIMIT'] ? {} : { GOMEMLIMIT: `${memoryMb}MiB` }), platformDirs: [],
    }),
  };
  const custom: BuiltInRuntime = {
    family: 'custom',
    protocol: 'runtime-api',
    unavailable: () => null,
    describe: () => 'the function\'s own scf_bootstrap (custom runtime, HTTP runtime API)',
    // The code root is the same path inside the sandbox's mount namespace (sandbox: codeRoot = codeDir),
    // so this is the path the confined process sees.
    command: ({ codeDir, env }) => ({ ...withOwnNodeOptions(path.join(codeDir, 'scf_bootstrap'), [], env), env: () => ({}), platformDirs: [] }),
  };
  return new Map([['python', python], ['nodejs', nodejs], ['php', php], ['java', javaRuntime(java)], ['go', go], ['custom', custom]]);
}

const knownVersions = new Map<string, string>();

/** `command args`'s version (matched by `re` on its output), run once per key and remembered; 'unknown' when it does not run. */
export function versionOnce(key: string, command: string | null, args: string[], re: RegExp): string {
  let v = knownVersions.get(key);
  if (v === undefined) {
    v = 'unknown';
    if (command !== null) {
      try {
        const out = execFileSync(command, args, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
        v = re.exec(out.trim())?.[1] ?? 'unknown';
      } catch {
        // stays 'unknown': every start then fails visibly
      }
    }
    knownVersions.set(key, v);
  }
  return v;
}

/** `php`, as the server's PATH finds it (null: PHP functions cannot run here). */
export function defaultPhp(): string | null {
  return findExecutable('php');
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
  if (/^Php\d+(\.\d+)?$/.test(runtime)) return 'php';
  if (/^Java\d+$/.test(runtime)) return 'java';
  if (runtime === 'Go1') return 'go';
  if (runtime === 'CustomRuntime') return 'custom';
  return null;
}
