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
