/**
 * The environment of a confined instance's process (runtime-api.md,
 * "Environment"), one place for every kind of instance (event runtimes,
 * custom runtime, web functions).
 */
import type { ConfinedInstance } from '../sandbox';

/**
 * The function's variables, then the runtime's search paths, then the
 * platform's variables — which win over the function's — and `platform`
 * (runtime API address, PORT). TZ defaults to UTC.
 */
export function instanceEnv(
  functionEnv: Record<string, string>,
  searchPaths: Record<string, string>,
  c: Pick<ConfinedInstance, 'codeRoot' | 'tmpDir'>,
  platform: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...functionEnv,
    ...searchPaths,
    TENCENTCLOUD_RUNENV: 'SCF',
    USER_CODE_ROOT: c.codeRoot,
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: c.tmpDir,
    TMPDIR: c.tmpDir,
    LANG: 'C.UTF-8',
    ...platform,
  };
  if (env['TZ'] === undefined) env['TZ'] = 'UTC';
  return env;
}

/** coreutils' env, which every instance's mount namespace shows (/usr/bin). */
export const ENV_BIN = '/usr/bin/env';

/**
 * `command args` started through env(1) with NODE_OPTIONS exactly the
 * function's own, or none. Spawn hooks in the server's process (a test
 * runner's, a supervisor's) can add NODE_OPTIONS to every child whatever env
 * it is given; a node that user code starts (`node app.js` in a
 * scf_bootstrap) would then load files the sandbox hides and fail.
 */
export function withOwnNodeOptions(command: string, args: string[], functionEnv: Record<string, string>): { command: string; args: string[] } {
  const own = functionEnv['NODE_OPTIONS'];
  return { command: ENV_BIN, args: ['-u', 'NODE_OPTIONS', ...(own ? [`NODE_OPTIONS=${own}`] : []), command, ...args] };
}
