/**
 * Cgroups for instances: detects, per controller (memory, pids), whether the
 * machine offers it on the v2 unified hierarchy or on a v1 hierarchy (this
 * machine is hybrid: v1 memory and pids, a v2 mount without them), and
 * creates one group per instance under one parent per data dir,
 * `isola-<hash of the data dir>`, nested in the server's own cgroup so the
 * server's own limits (systemd, a container) still cover its instances.
 */
import fs from 'node:fs';
import path from 'node:path';

export type Controller = 'memory' | 'pids';
const CONTROLLERS: readonly Controller[] = ['memory', 'pids'];

/** Where one controller lives: a directory under which the parent group is made. */
interface Placement {
  version: 1 | 2;
  /** The server's own cgroup directory in that hierarchy. */
  ownDir: string;
}

export interface CgroupLayout {
  /** Per controller, where it is available and writable; absent = not available (rlimits only). */
  readonly placements: Partial<Record<Controller, Placement>>;
}

interface Mount { point: string; root: string; fstype: string; superOptions: string[] }

function parseMounts(mountinfo: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const l = left.split(' ');
    const r = right.split(' ');
    mounts.push({ root: unescape(l[3] ?? ''), point: unescape(l[4] ?? ''), fstype: r[0] ?? '', superOptions: (r[2] ?? '').split(',') });
  }
  return mounts;
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** The process's cgroup path per v1 controller and for v2 (key ''), from /proc/<pid>/cgroup. */
function parseOwn(procCgroup: string): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of procCgroup.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    for (const c of (m[1] ?? '').split(',')) own.set(c, m[2] ?? '/');
  }
  return own;
}

function joinOwn(mount: Mount, own: string): string {
  // A container may mount the hierarchy at the server's own group (root ≠ '/').
  const rel = mount.root !== '/' && own.startsWith(mount.root) ? own.slice(mount.root.length) : own;
  return path.resolve(mount.point, `.${rel}`);
}

function readable(file: string): string | null {
  try { return fs.readFileSync(file, 'utf8'); } catch { return null; }
}

/**
 * Finds, per controller, the hierarchy to use: v2 when the unified
 * hierarchy offers it to the server's own group, else a v1 hierarchy that
 * mounts it. Writability is proven later by creating the parent group.
 */
export function detectCgroups(): CgroupLayout {
  const mountinfo = readable('/proc/self/mountinfo');
  const procCgroup = readable('/proc/self/cgroup');
  if (mountinfo === null || procCgroup === null) return { placements: {} };
  return cgroupLayoutOf(mountinfo, procCgroup, readable);
}

/** detectCgroups on given texts (`read` reads a file or answers null): the parsing, testable on any machine's files. */
export function cgroupLayoutOf(mountinfo: string, procCgroup: string, read: (file: string) => string | null): CgroupLayout {
  const mounts = parseMounts(mountinfo);
  const own = parseOwn(procCgroup);
  const placements: Partial<Record<Controller, Placement>> = {};
  const v2 = mounts.find((m) => m.fstype === 'cgroup2');
  const v2Own = v2 && own.has('') ? joinOwn(v2, own.get('') ?? '/') : null;
  const v2Controllers = v2Own ? (read(path.join(v2Own, 'cgroup.controllers')) ?? '').trim().split(/\s+/) : [];
  for (const c of CONTROLLERS) {
    if (v2Own && v2Controllers.includes(c)) {
      placements[c] = { version: 2, ownDir: v2Own };
      continue;
    }
    const v1 = mounts.find((m) => m.fstype === 'cgroup' && m.superOptions.includes(c));
    if (v1 && own.has(c)) placements[c] = { version: 1, ownDir: joinOwn(v1, own.get(c) ?? '/') };
  }
  return { placements };
}

/** The parent group's name for a data dir: stable across restarts, distinct per data dir. */
export function parentGroupName(dataDirHash: string): string {
  return `isola-${dataDirHash}`;
}

/**
 * Creates (if needed) the parent group in every hierarchy in use and drops
 * the controllers it cannot create. On v2 the controllers must be enabled in
 * the server's own group, which the kernel allows only when that group has
 * no processes of its own ("no internal processes"): where that fails, v2
 * memory/pids are dropped and the rlimit fallbacks apply.
 */
export function prepareParents(layout: CgroupLayout, parentName: string): { dirs: Partial<Record<Controller, string>>; problems: string[] } {
  const dirs: Partial<Record<Controller, string>> = {};
  const problems: string[] = [];
  for (const c of CONTROLLERS) {
    const p = layout.placements[c];
    if (!p) continue;
    const dir = path.join(p.ownDir, parentName);
    try {
      if (p.version === 2) {
        enableV2(p.ownDir, c);
        fs.mkdirSync(dir, { recursive: true });
        enableV2(dir, c);
      } else {
        fs.mkdirSync(dir, { recursive: true });
      }
      dirs[c] = dir;
    } catch (err) {
      problems.push(`${c} cgroup (v${p.version}) not writable at ${dir}: ${(err as Error).message}`);
    }
  }
  return { dirs, problems };
}

function enableV2(dir: string, c: Controller): void {
  const control = path.join(dir, 'cgroup.subtree_control');
  if ((readable(control) ?? '').split(/\s+/).includes(c)) return;
  fs.writeFileSync(control, `+${c}`);
}

/** One instance's groups: one directory per hierarchy in use (v2: one directory for both controllers). */
/** One buffer for every peak read (synchronous, so never shared by two reads at once). */
const PEAK_BUF = Buffer.alloc(32);

export class InstanceCgroup {
  /** The open peak-memory file: undefined until the first read, null when there is none (or after remove). */
  private peak: number | null | undefined = undefined;

  private constructor(
    /** Per controller, the instance's group directory. */
    readonly dirs: Partial<Record<Controller, string>>,
    private readonly versions: Partial<Record<Controller, 1 | 2>>,
  ) {}

  /** Creates the instance's groups under the parents and writes the limits. Throws on a write the kernel refuses. */
  static create(layout: CgroupLayout, parents: Partial<Record<Controller, string>>, instanceId: string, memoryBytes: number, pids: number): InstanceCgroup {
    const dirs: Partial<Record<Controller, string>> = {};
    const versions: Partial<Record<Controller, 1 | 2>> = {};
    for (const c of CONTROLLERS) {
      const parent = parents[c];
      const version = layout.placements[c]?.version;
      if (!parent || !version) continue;
      const dir = path.join(parent, instanceId);
      // The parent is removed whenever it empties (removeParents): made again here, synchronously with the child.
      fs.mkdirSync(parent, { recursive: true });
      if (version === 2) enableV2(parent, c);
      fs.mkdirSync(dir);
      dirs[c] = dir;
      versions[c] = version;
    }
    const group = new InstanceCgroup(dirs, versions);
    group.limit(memoryBytes, pids);
    return group;
  }

  /** Re-opens the groups a previous server recorded (for reaping). */
  static reopen(dirs: Partial<Record<Controller, string>>): InstanceCgroup {
    const versions: Partial<Record<Controller, 1 | 2>> = {};
    for (const c of CONTROLLERS) {
      const dir = dirs[c];
      if (dir) versions[c] = fs.existsSync(path.join(dir, 'cgroup.controllers')) ? 2 : 1;
    }
    return new InstanceCgroup(dirs, versions);
  }

  private limit(memoryBytes: number, pids: number): void {
    const mem = this.dirs.memory;
    if (mem && this.versions.memory === 2) {
      fs.writeFileSync(path.join(mem, 'memory.max'), String(memoryBytes));
      // Swap would let the tree dodge the limit.
      writeIfPresent(path.join(mem, 'memory.swap.max'), '0');
    } else if (mem) {
      fs.writeFileSync(path.join(mem, 'memory.limit_in_bytes'), String(memoryBytes));
      // memsw ≥ memory is required; equal means no swap on top of the limit.
      writeIfPresent(path.join(mem, 'memory.memsw.limit_in_bytes'), String(memoryBytes));
    }
    const pidsDir = this.dirs.pids;
    if (pidsDir) fs.writeFileSync(path.join(pidsDir, 'pids.max'), String(pids));
  }

  /** The `cgroup.procs` files the launcher writes its own pid into before it runs user code. */
  procsFiles(): string[] {
    return [...new Set(Object.values(this.dirs))].map((d) => path.join(d, 'cgroup.procs'));
  }

  /** Every pid in any of the instance's groups. */
  pids(): number[] {
    const all = new Set<number>();
    for (const file of this.procsFiles()) {
      for (const line of (readable(file) ?? '').split('\n')) if (line) all.add(Number(line));
    }
    return [...all];
  }

  /** No new process can start in the group (pids.max 0): a fork bomb stops growing while it is killed. */
  stopForks(): void {
    if (this.dirs.pids) writeIfPresent(path.join(this.dirs.pids, 'pids.max'), '0');
  }

  /** The kernel's OOM killer killed a process of the group. */
  oomKilled(): boolean {
    const mem = this.dirs.memory;
    if (!mem) return false;
    const text = this.versions.memory === 2 ? readable(path.join(mem, 'memory.events')) : readable(path.join(mem, 'memory.oom_control'));
    const m = /^oom_kill (\d+)$/m.exec(text ?? '');
    return m ? Number(m[1]) > 0 : false;
  }

  /**
   * Peak memory of the group in bytes (v2 without memory.peak: current), or null. Read after every
   * invocation, so the file stays open and each read is one pread (bench/runners.js: opening and
   * reading it anew cost ≈ 12 µs of a warm call).
   */
  memoryBytes(): number | null {
    if (this.peak === undefined) this.peak = this.openPeak();
    if (this.peak === null) return null;
    try {
      const n = fs.readSync(this.peak, PEAK_BUF, 0, PEAK_BUF.length, 0);
      const text = PEAK_BUF.toString('latin1', 0, n);
      return /^\d+/.test(text) ? Number.parseInt(text, 10) : null;
    } catch {
      return null;
    }
  }

  /** Closes the open peak-memory file (at teardown; a later memoryBytes() answers null). Idempotent. */
  closeFiles(): void {
    if (this.peak !== undefined && this.peak !== null) fs.closeSync(this.peak);
    this.peak = null;
  }

  private openPeak(): number | null {
    const mem = this.dirs.memory;
    if (!mem) return null;
    const files = this.versions.memory === 2 ? ['memory.peak', 'memory.current'] : ['memory.max_usage_in_bytes'];
    for (const f of files) {
      try { return fs.openSync(path.join(mem, f), 'r'); } catch { /* v2 before 5.19 has no memory.peak */ }
    }
    return null;
  }

  /** Removes the groups; a group still holding a process stays (EBUSY) and is reported. */
  remove(): string[] {
    this.closeFiles();
    const left: string[] = [];
    for (const dir of new Set(Object.values(this.dirs))) {
      try {
        fs.rmdirSync(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') left.push(dir);
      }
    }
    return left;
  }
}

/** Removes the parent groups when they hold no instance (a stopped server leaves nothing behind); busy ones stay. */
export function removeParents(parents: Partial<Record<Controller, string>>): void {
  for (const dir of new Set(Object.values(parents))) {
    try { fs.rmdirSync(dir); } catch { /* an instance still runs in it, or it is gone */ }
  }
}

function writeIfPresent(file: string, value: string): void {
  try {
    fs.writeFileSync(file, value);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
