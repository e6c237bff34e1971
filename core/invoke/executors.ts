/**
 * Where a function's executor is chosen: one table from runtime family to
 * executor, and the registry of the executors this server started.
 */
import type { Executor, ExecutorStats } from '../../executor';
import type { FunctionType, RuntimeFamily, RuntimeInfo } from '../functions';

/** The executors this build has. */
export type ExecutorName = 'isolate';

/**
 * Which executor runs each runtime family, for event and for web (HTTP)
 * functions; null = not available on this server yet (functions on it can
 * be stored but not invoked). Node.js event functions run in isolates (no
 * Node built-ins) until the Node.js runner lands in native/; web functions
 * of the SCF runtimes are started by `scf_bootstrap`, which needs it too.
 */
export const EXECUTOR_OF: Readonly<Record<RuntimeFamily, Readonly<Record<FunctionType, ExecutorName | null>>>> = Object.freeze({
  isolate: { Event: 'isolate', HTTP: 'isolate' },
  nodejs: { Event: 'isolate', HTTP: null },
  python: { Event: null, HTTP: null },
  php: { Event: null, HTTP: null },
  java: { Event: null, HTTP: null },
  go: { Event: null, HTTP: null },
  custom: { Event: null, HTTP: null },
});

/** The started executors, by name. Owns their life cycle. */
export class Executors {
  private readonly list: Executor[];

  constructor(private readonly byName: Readonly<Partial<Record<ExecutorName, Executor>>>) {
    this.list = Object.values(byName).filter((e): e is Executor => e !== undefined);
  }

  /** The executor that runs functions of `type` on `runtime` here, or undefined when none does. */
  forRuntime(runtime: RuntimeInfo, type: FunctionType): Executor | undefined {
    const name = EXECUTOR_OF[runtime.family][type];
    return name === null ? undefined : this.byName[name];
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
