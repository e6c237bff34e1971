/**
 * createSandbox: confinement of one instance's process tree. As root, each
 * instance gets its own uid, cgroups (memory, pids), a private mount
 * namespace (tmpfs /tmp, read-only code, layers on /opt, the data dir
 * hidden) and rlimits; unprivileged (or disabled), what works without root:
 * rlimits, an own tmp dir, a merged /opt of symlinks, kill by marker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { detectCgroups, InstanceCgroup, parentGroupName, prepareParents, removeParents, type CgroupLayout, type Controller } from './cgroups';
import { SandboxError } from './errors';
import { privilegedArgv, SHARED_WRITABLE_DIRS, TOOLS, unprivilegedArgv } from './launcher';
import { mergeLayers } from './merge';
import { resolveSandboxOptions, type ResolvedSandboxOptions } from './options';
import { startTimeOf } from './processes';
import { RecordBook, type InstanceRecord } from './records';
import { tearDown, type Remains } from './teardown';
import type { ConfinedInstance, ConfineRequest, Sandbox, SandboxOptions } from './types';
import { checkRangeFree, UidPool } from './uids';

/**
 * Where no memory cgroup applies, RLIMIT_DATA is the memory backstop, set
 * above the runtimes' own limits (the Python bootstrap lowers it to its usage
 * plus the function's memory; Node.js gets --max-old-space-size): V8 needs
 * about twice its heap limit plus ~130 MB of data segment to reach its own
 * clean "heap out of memory" instead of crashing on a failed mmap (measured:
 * 64 MB heap under a 128 MB limit → SIGSEGV; Node.js did not start at all
 * with the limit equal to the function's memory).
 */
const dataLimitKb = (memoryMb: number): number => (2 * memoryMb + 192) * 1024;

const INSTANCE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * Builds the sandbox for a server's data dir. Privileged when the server
 * runs as root, `enabled` is not false and util-linux's unshare/setpriv and
 * bash are present. Throws (ERR_SANDBOX_UIDS) when the uid range holds a
 * user or group of the machine, ERR_INVALID_OPTION on bad options.
 */
export function createSandbox(options: SandboxOptions): Sandbox {
  const o = resolveSandboxOptions(options);
  const missingTools = Object.values(TOOLS).filter((tool) => !fs.existsSync(tool));
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && o.enabled && missingTools.length === 0) return new PrivilegedSandbox(o);
  const why = !o.enabled ? 'the sandbox is disabled by setting'
    : !root ? `the server does not run as root (uid ${process.getuid?.() ?? '?'})`
      : `${missingTools.join(', ')} missing`;
  return new UnprivilegedSandbox(o, why);
}

abstract class SandboxBase implements Sandbox {
  abstract readonly privileged: boolean;
  protected readonly records: RecordBook;
  protected readonly active = new Map<string, ConfinedInstance>();
  protected readonly hostRoot: string;

  constructor(protected readonly o: ResolvedSandboxOptions) {
    fs.mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
    this.hostRoot = path.join(o.dataDir, 'sandbox');
    this.records = new RecordBook(path.join(this.hostRoot, 'instances'));
  }

  abstract describe(): string;
  protected abstract start(req: ConfineRequest): Promise<ConfinedInstance>;
  protected abstract remainsOf(record: InstanceRecord): Remains;
  protected abstract uidPool(): UidPool | null;

  async confine(req: ConfineRequest): Promise<ConfinedInstance> {
    checkRequest(req);
    if (this.active.has(req.instanceId)) throw new SandboxError('ERR_SANDBOX_DUPLICATE', `instance ${req.instanceId} is already confined`);
    const instance = await this.start(req);
    this.active.set(req.instanceId, instance);
    return instance;
  }

  async reapStale(): Promise<number> {
    const reaped = new Set<string>();
    for (const record of this.records.all()) {
      if (this.active.has(record.instanceId)) continue;
      // A live server on the same data dir (should not happen) keeps its instances.
      if (record.serverPid && startTimeOf(record.serverPid) === record.serverStart && record.serverPid !== process.pid) continue;
      await tearDown(this.remainsOf(record), this.uidPool());
      this.records.remove(record.instanceId);
      reaped.add(record.instanceId);
    }
    for (const id of await this.reapUnrecorded()) reaped.add(id);
    this.afterTeardown();
    return reaped.size;
  }

  /** Called after instances were torn down. */
  protected afterTeardown(): void {}

  /** Leftovers no record names (a crash between creating them and writing the record). */
  protected abstract reapUnrecorded(): Promise<string[]>;

  /** Wraps an instance's teardown: once, idempotent, record removed after. */
  protected disposer(remains: Remains): () => Promise<void> {
    let done: Promise<void> | null = null;
    return () => {
      done ??= tearDown(remains, this.uidPool()).then(() => {
        this.records.remove(remains.instanceId);
        this.active.delete(remains.instanceId);
        this.afterTeardown();
      });
      return done;
    };
  }

  protected record(instanceId: string, uid: number | null, cgroups: Partial<Record<Controller, string>>, hostDirs: string[]): void {
    this.records.write({ instanceId, uid, cgroups, hostDirs, serverPid: process.pid, serverStart: startTimeOf(process.pid) });
  }
}

class PrivilegedSandbox extends SandboxBase {
  readonly privileged = true;
  private readonly uids: UidPool;
  private readonly layout: CgroupLayout;
  private readonly parents: Partial<Record<Controller, string>>;
  private readonly cgroupProblems: string[];
  private readonly hideDir: string;
  private readonly sharedDirs = SHARED_WRITABLE_DIRS.filter((dir) => fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory());

  constructor(o: ResolvedSandboxOptions) {
    super(o);
    if (isInside(o.dataDir, '/opt')) {
      throw new SandboxError('ERR_SANDBOX_DATA_DIR', `the data dir ${o.dataDir} is under /opt, where each instance mounts its layers: it could not be hidden from instances; choose another data dir`);
    }
    checkRangeFree(o.uidBase, o.uidCount);
    // Instances must not read it; the server (root) is not affected by the mode.
    fs.chmodSync(o.dataDir, 0o700);
    this.hideDir = topClosedAncestor(o.dataDir);
    this.uids = new UidPool(o.uidBase, o.uidCount, o.dataDir);
    this.layout = detectCgroups();
    // Required here, not at the top: every isolate host loads native's face and never confines.
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    const hash = createHash('sha256').update(o.dataDir).digest('hex').slice(0, 12);
    // Made once to prove each hierarchy writable, then removed: they exist only while instances do.
    const { dirs, problems } = prepareParents(this.layout, parentGroupName(hash));
    removeParents(dirs);
    this.parents = dirs;
    this.cgroupProblems = problems;
  }

  /** `dir` lies under a path the instance's mount namespace covers: /tmp, the shared writable dirs, the hidden data dir. */
  private covered(dir: string): boolean {
    const abs = path.resolve(dir);
    return ['/tmp', ...this.sharedDirs, this.hideDir].some((root) => abs === root || abs.startsWith(root.endsWith('/') ? root : `${root}/`));
  }

  describe(): string {
    const end = this.o.uidBase + this.o.uidCount - 1;
    const groups = (['memory', 'pids'] as const).map((c) => {
      const v = this.layout.placements[c]?.version;
      if (this.parents[c] && v) return `${c} cgroup v${v}`;
      return c === 'memory' ? 'no memory cgroup (RLIMIT_DATA per process instead)' : 'no pids cgroup (RLIMIT_NPROC of the instance uid only)';
    });
    return `sandbox: root — each instance under its own uid/gid (${this.o.uidBase}-${end}), a private mount namespace `
      + `(tmpfs /tmp, also on ${this.sharedDirs.join(', ') || 'no other dir'}, read-only code, layers read-only on /opt, the data dir hidden), `
      + `${groups.join(', ')}, rlimits (open files, core 0, processes per uid); the network as the executors say below`
      + (this.cgroupProblems.length ? `; ${this.cgroupProblems.join('; ')}` : '');
  }

  protected uidPool(): UidPool {
    return this.uids;
  }

  protected override afterTeardown(): void {
    if (this.active.size === 0) removeParents(this.parents);
  }

  protected async start(req: ConfineRequest): Promise<ConfinedInstance> {
    const uid = await this.uids.claim(req.instanceId);
    let cgroup: InstanceCgroup;
    try {
      cgroup = InstanceCgroup.create(this.layout, this.parents, req.instanceId, req.limits.memoryMb * 1024 * 1024, req.limits.pids);
    } catch (err) {
      this.uids.release(uid, req.instanceId);
      throw new SandboxError('ERR_SANDBOX_CGROUP', `instance ${req.instanceId}: ${(err as Error).message}`);
    }
    this.record(req.instanceId, uid, cgroup.dirs, []);
    const { command, args } = privilegedArgv({
      instanceId: req.instanceId,
      codeDir: req.codeDir,
      hideDir: this.hideDir,
      tmpMb: req.limits.tmpMb,
      uid,
      openFiles: req.limits.openFiles,
      processes: req.limits.pids,
      dataKb: cgroup.dirs.memory ? 'unlimited' : dataLimitKb(req.limits.memoryMb),
      sharedDirs: this.sharedDirs,
      procsFiles: cgroup.procsFiles(),
      layerDirs: req.layerDirs,
      keepDirs: (req.platformDirs ?? []).filter((dir) => this.covered(dir)),
      privateNetwork: req.network === 'private',
      startGate: req.startGate === true,
      command: req.command,
      args: req.args,
    });
    return {
      command, args, cwd: req.codeDir,
      codeRoot: req.codeDir, optDir: '/opt', tmpDir: '/tmp', uid,
      oomKilled: () => cgroup.oomKilled(),
      memoryBytes: () => cgroup.memoryBytes(),
      dispose: this.disposer({ instanceId: req.instanceId, uid, cgroup, hostDirs: [], marked: false, orphan: false }),
    };
  }

  protected remainsOf(record: InstanceRecord): Remains {
    return { instanceId: record.instanceId, uid: record.uid, cgroup: InstanceCgroup.reopen(record.cgroups), hostDirs: record.hostDirs, marked: false, orphan: true };
  }

  protected async reapUnrecorded(): Promise<string[]> {
    const ids: string[] = [];
    const byId = new Map<string, Partial<Record<Controller, string>>>();
    for (const [c, parent] of Object.entries(this.parents) as Array<[Controller, string]>) {
      for (const entry of safeReaddirEntries(parent)) {
        if (!entry.isDirectory() || !INSTANCE_ID.test(entry.name) || this.active.has(entry.name)) continue;
        byId.set(entry.name, { ...byId.get(entry.name), [c]: path.join(parent, entry.name) });
      }
    }
    for (const [id, dirs] of byId) {
      await tearDown({ instanceId: id, uid: null, cgroup: InstanceCgroup.reopen(dirs), hostDirs: [], marked: false, orphan: true }, null);
      ids.push(id);
    }
    for (const { uid, instanceId } of this.uids.orphanedClaims(this.o.dataDir)) {
      if (this.active.has(instanceId)) continue;
      await tearDown({ instanceId, uid, cgroup: null, hostDirs: [], marked: false, orphan: true }, this.uids);
      ids.push(instanceId);
    }
    return ids;
  }
}

class UnprivilegedSandbox extends SandboxBase {
  readonly privileged = false;

  constructor(o: ResolvedSandboxOptions, private readonly why: string) {
    super(o);
  }

  describe(): string {
    return `sandbox: WEAKER ISOLATION — ${this.why}: instances run under the server's own uid (they can read the data dir, `
      + 'other instances\' files and signal the server), with no cgroup, no mount namespace and no size limit on /tmp; '
      + 'applied: rlimits (open files, core 0, data segment = memory limit per process, file size = tmp limit per file), '
      + 'an own tmp dir (TMPDIR), layers merged as symlinks, and dispose() kills the processes carrying the instance\'s environment marker';
  }

  protected uidPool(): null {
    return null;
  }

  protected async start(req: ConfineRequest): Promise<ConfinedInstance> {
    if (req.network === 'private') throw new SandboxError('ERR_SANDBOX_NETWORK', `instance ${req.instanceId}: a private network namespace needs the privileged sandbox (${this.why})`);
    const tmpDir = path.join(this.hostRoot, 'tmp', req.instanceId);
    const optDir = path.join(this.hostRoot, 'opt', req.instanceId);
    this.record(req.instanceId, null, {}, [tmpDir, optDir]);
    fs.rmSync(tmpDir, { recursive: true, force: true });
    fs.rmSync(optDir, { recursive: true, force: true });
    fs.mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
    mergeLayers(req.layerDirs, optDir);
    const { command, args } = unprivilegedArgv({
      instanceId: req.instanceId, tmpDir,
      openFiles: req.limits.openFiles,
      dataKb: dataLimitKb(req.limits.memoryMb),
      fileSizeKb: req.limits.tmpMb * 1024,
      startGate: req.startGate === true,
      command: req.command, args: req.args,
    });
    return {
      command, args, cwd: req.codeDir,
      codeRoot: req.codeDir, optDir, tmpDir, uid: null,
      oomKilled: () => false,
      memoryBytes: () => null,
      dispose: this.disposer({ instanceId: req.instanceId, uid: null, cgroup: null, hostDirs: [tmpDir, optDir], marked: true, orphan: false }),
    };
  }

  protected remainsOf(record: InstanceRecord): Remains {
    return { instanceId: record.instanceId, uid: null, cgroup: null, hostDirs: record.hostDirs, marked: true, orphan: true };
  }

  protected async reapUnrecorded(): Promise<string[]> {
    const ids: string[] = [];
    for (const kind of ['tmp', 'opt']) {
      const dir = path.join(this.hostRoot, kind);
      for (const name of safeReaddir(dir)) {
        if (this.active.has(name)) continue;
        fs.rmSync(path.join(dir, name), { recursive: true, force: true });
        if (!ids.includes(name)) ids.push(name);
      }
    }
    return ids;
  }
}

function checkRequest(req: ConfineRequest): void {
  const bad = (what: string): never => { throw new SandboxError('ERR_SANDBOX_BAD_REQUEST', what); };
  if (!INSTANCE_ID.test(req.instanceId)) bad(`instanceId must match ${INSTANCE_ID}, got ${JSON.stringify(req.instanceId)}`);
  for (const dir of [req.codeDir, ...req.layerDirs]) {
    if (!path.isAbsolute(dir)) bad(`${dir} is not an absolute path`);
    if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) bad(`${dir} is not a directory`);
  }
  for (const [key, value] of Object.entries(req.limits)) {
    if (!Number.isInteger(value) || value < 1) bad(`limits.${key} must be a positive integer, got ${value}`);
  }
  if (!req.command) bad('command is empty');
}

function isInside(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The top-most ancestor of `dir` (or `dir` itself) others may not traverse: hiding it hides everything the instance could not reach anyway. */
function topClosedAncestor(dir: string): string {
  const parts = dir.split(path.sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const candidate = path.sep + parts.slice(0, i).join(path.sep);
    if ((fs.statSync(candidate).mode & 0o001) === 0) return candidate;
  }
  return dir;
}

function safeReaddirEntries(dir: string): fs.Dirent[] {
  try { return fs.readdirSync(dir, { withFileTypes: true }); } catch { return []; }
}

function safeReaddir(dir: string): string[] {
  try { return fs.readdirSync(dir); } catch { return []; }
}
