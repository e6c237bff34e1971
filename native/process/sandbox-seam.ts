/**
 * The sandbox seam as the process executor uses it: the confinement of one
 * instance's process tree. These types are the agreed interface of
 * `native/sandbox` (built separately); the executor depends on this shape
 * only, so the unconfined fallback (unconfined.ts) and the full sandbox are
 * interchangeable. TODO(merge): import these from '../sandbox' once it is on
 * main, and drop this file.
 */

/** Per-instance limits the operating system enforces. */
export interface InstanceLimits {
  memoryMb: number;
  pids: number;
  openFiles: number;
  tmpMb: number;
}

export interface ConfineRequest {
  /** Unique per instance, [a-z0-9-]. */
  instanceId: string;
  /** The version's unpacked code tree (host path, inside the data dir). */
  codeDir: string;
  /** Unpacked layers in binding order (a later layer's file wins), merged as the instance's /opt. */
  layerDirs: string[];
  limits: InstanceLimits;
  /** What to run confined (the runtime's interpreter + bootstrap). */
  command: string;
  args: string[];
}

export interface ConfinedInstance {
  /** Spawn exactly this (the caller adds env and stdio; fd 3 survives the wrapping). */
  readonly command: string;
  readonly args: string[];
  readonly cwd: string;
  /** Paths as the confined process sees them. */
  readonly codeRoot: string;
  readonly optDir: string;
  readonly tmpDir: string;
  readonly uid: number | null;
  /** The kernel killed a process of this instance for memory, so an exit is 'oom'. */
  oomKilled(): boolean;
  /** Peak memory of the whole instance in bytes, or null when unknown. */
  memoryBytes(): number | null;
  /** Kill every process of the instance, wipe its /tmp, release what it held. Idempotent. */
  dispose(): Promise<void>;
}

export interface Sandbox {
  readonly privileged: boolean;
  /** One line for the start-up log: what isolation applies. */
  describe(): string;
  confine(req: ConfineRequest): Promise<ConfinedInstance>;
  /** At server start: remove what a previous server left. Returns how many instances were reaped. */
  reapStale(): Promise<number>;
}
