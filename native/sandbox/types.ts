/**
 * The sandbox seam: what the process executor asks of the confinement of
 * one instance's process tree. The executor spawns the command a
 * `ConfinedInstance` hands back (adding env and stdio) and calls `dispose()`
 * when the instance ends.
 */

/** Per-instance limits the operating system enforces. */
export interface InstanceLimits {
  /** Memory of the whole process tree, /tmp included (cgroup; RLIMIT_DATA per process where no cgroup is writable). */
  memoryMb: number;
  /** Processes (and threads) of the whole tree (pids cgroup and RLIMIT_NPROC under the instance's own uid). */
  pids: number;
  /** RLIMIT_NOFILE of every process. */
  openFiles: number;
  /** Size of the private /tmp (tmpfs size; RLIMIT_FSIZE per file when not root). */
  tmpMb: number;
}

export interface ConfineRequest {
  /** Unique per instance, [a-z0-9-], at most 64 characters. */
  instanceId: string;
  /** The version's unpacked code tree (host path, inside the data dir). */
  codeDir: string;
  /** Unpacked layers in binding order (a later layer's file wins), merged as the instance's /opt. */
  layerDirs: string[];
  limits: InstanceLimits;
  /** What to run confined (the runtime's interpreter + bootstrap): an absolute path, or a name found on PATH. */
  command: string;
  args: string[];
  /**
   * Host directories of the platform's own files the command needs (a runtime's bootstrap), kept
   * visible read-only at the same path where the sandbox covers a parent of theirs — an install
   * under /tmp or inside the data dir would otherwise vanish from the instance's view. A file may
   * be named too (the single executable, kept without the folder it shares with a data dir).
   */
  platformDirs?: string[];
  /**
   * 'host' (default): the instance shares the server's network. 'private': its own network
   * namespace (only a loopback, down until the link's configuration brings it up) — as root only; the caller gives it a link (native/web's
   * slirp4netns) if it needs one. The unprivileged sandbox refuses it (ERR_SANDBOX_NETWORK).
   */
  network?: 'host' | 'private';
  /**
   * Hold the command until the caller says go: the launcher reads one line from fd 4 (GATE_FD; the
   * caller spawns with a pipe there) right before it execs the command, after every step of the
   * confinement — so the caller can prepare what the command needs at its first instruction inside
   * the instance's namespaces (the custom runtime's API listening in its network namespace). EOF on
   * fd 4 ends the launcher without running the command. Default false (fd 4 untouched).
   */
  startGate?: boolean;
}

export interface ConfinedInstance {
  /** Spawn exactly this (the caller adds env and stdio; extra fds such as fd 3 survive the wrapping). */
  readonly command: string;
  readonly args: string[];
  readonly cwd: string;
  /** Paths as the confined process sees them: for USER_CODE_ROOT, PYTHONPATH, NODE_PATH, /tmp. */
  readonly codeRoot: string;
  readonly optDir: string;
  readonly tmpDir: string;
  /** The instance's own uid (null when not root or the sandbox is disabled). */
  readonly uid: number | null;
  /** The kernel killed a process of this instance for memory (cgroup oom_kill counter), so an exit is 'oom'. */
  oomKilled(): boolean;
  /** Peak memory of the whole instance in bytes (cgroup), or null when unknown. */
  memoryBytes(): number | null;
  /**
   * Kill every process of the instance (also ones that left the process
   * group), wait until none is left, remove the cgroup, wipe the private
   * /tmp, release the uid. Idempotent.
   */
  dispose(): Promise<void>;
}

export interface Sandbox {
  /** Running as root with the full sandbox. */
  readonly privileged: boolean;
  /** One line for the start-up log: what isolation applies (and what does not, when not root). */
  describe(): string;
  confine(req: ConfineRequest): Promise<ConfinedInstance>;
  /**
   * At server start: kill and remove whatever a previous server on the same
   * data dir left (crashed, kill -9): processes, cgroups, tmp dirs, uid
   * claims. Returns how many instances were reaped.
   */
  reapStale(): Promise<number>;
}

export interface SandboxOptions {
  /** The server's data directory (required): hidden from instances, holds the instance records. */
  dataDir: string;
  /** First uid (and gid) of the instances' range. Default 200000. */
  uidBase?: number;
  /** How many uids the range holds (= the most instances at once). Default 10000. */
  uidCount?: number;
  /** false: no uid, cgroup or mount namespace even as root (what applies unprivileged still does). Default true. */
  enabled?: boolean;
}
