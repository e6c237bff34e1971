/**
 * Where a function's executor is chosen: one table from runtime family to
 * executor, and the registry of the executors this server started.
 */
import type { Executor, ExecutorStats } from '../../executor';
import type { FunctionType, RuntimeFamily, RuntimeInfo } from '../functions';

/** The executors this build has. */
export type ExecutorName = 'isolate' | 'process' | 'web';

export type ExecutorTable = Readonly<Record<RuntimeFamily, Readonly<Record<FunctionType, ExecutorName | null>>>>;

/**
 * Which executor runs each runtime family, for event and for web (HTTP)
 * functions; null = not available on this server yet (functions on it can
 * be stored but not invoked). Python and Node.js event functions run in
 * subprocesses (native/process), as do PHP, Java and Go ones; `nodejs` says whether the Node.js names go
 * to the process executor (default) or to isolates (the `nodejsExecutor`
 * setting). Custom runtime event functions run their scf_bootstrap in the
 * process executor, which serves it the HTTP runtime API. Web functions of
 * every subprocess runtime are started by their `scf_bootstrap` and proxied
 * by the web executor (native/web), whatever the language.
 */
export function executorTable(options: { nodejs: 'process' | 'isolate' } = { nodejs: 'process' }): ExecutorTable {
  return Object.freeze({
    isolate: { Event: 'isolate', HTTP: 'isolate' },
    nodejs: { Event: options.nodejs, HTTP: 'web' },
    python: { Event: 'process', HTTP: 'web' },
    php: { Event: 'process', HTTP: 'web' },
    java: { Event: 'process', HTTP: 'web' },
    go: { Event: 'process', HTTP: 'web' },
    custom: { Event: 'process', HTTP: 'web' },
  });
}

/** The default table. */
export const EXECUTOR_OF: ExecutorTable = executorTable();

/** The started executors, by name. Owns their life cycle. */
export class Executors {
  private readonly list: Executor[];

  constructor(private readonly byName: Readonly<Partial<Record<ExecutorName, Executor>>>, private readonly table: ExecutorTable = EXECUTOR_OF) {
    this.list = Object.values(byName).filter((e): e is Executor => e !== undefined);
  }

  /** The executor that runs functions of `type` on `runtime` here, or undefined when none does. */
  forRuntime(runtime: RuntimeInfo, type: FunctionType): Executor | undefined {
    const name = this.table[runtime.family][type];
    return name === null ? undefined : this.byName[name];
  }

  /** What runs functions of `type` on `runtime` here, in words (GetFunction's StatusDesc). */
  describe(runtime: RuntimeInfo, type: FunctionType): string {
    const name = this.table[runtime.family][type];
    const executor = name === null ? undefined : this.byName[name];
    if (executor === undefined) return `${type === 'HTTP' ? 'Web functions on ' : ''}${runtime.name} cannot be invoked on this server yet.`;
    return `Runs in ${executor.describeRuntime?.(runtime.name) ?? `the ${executor.name} executor`}.`;
  }

  /** One snapshot per executor. */
  stats(): ExecutorStats[] {
    return this.list.map((e) => e.stats());
  }

  /** Closes every executor (in-flight calls finish first); idempotent. */
  async close(): Promise<void> {
    await Promise.all(this.list.map((e) => e.close()));
  }

  destroy(): void {
    for (const e of this.list) e.destroy();
  }
}
