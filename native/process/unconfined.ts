/**
 * The unconfined fallback of the sandbox seam (sandbox-seam.ts): what can be
 * enforced without privileges. Each instance gets a private temp dir (wiped
 * at dispose) and per-process rlimits set through util-linux `prlimit`:
 * open files (RLIMIT_NOFILE), data segment (RLIMIT_DATA, a backstop: see
 * dataLimitMb), file
 * size (RLIMIT_FSIZE = the /tmp size). No own uid, no cgroup: the process
 * runs as the server's user and could read what the server can read. Stale
 * processes of a dead server are found by a tag in their environment.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ConfinedInstance, ConfineRequest, Sandbox } from './sandbox-seam';

/**
 * RLIMIT_DATA is a backstop here, above the runtimes' own limits (the Python
 * bootstrap lowers it to its usage + the function's memory; Node.js gets
 * --max-old-space-size): V8 needs about twice its heap limit plus ~130 MB
 * of data segment to reach its own clean "heap out of memory" instead of a
 * crash on a failed mmap (measured: 64 MB heap, 128 MB limit → SIGSEGV).
 */
const dataLimitMb = (memoryMb: number): number => 2 * memoryMb + 192;
const MB = 1024 * 1024;
const TAG_VAR = 'ISOLA_INSTANCE_TAG';

export function createUnconfinedSandbox(options: { dataDir: string }): Sandbox {
  const root = path.join(options.dataDir, 'instances');
  // One tag per data dir: a later server on the same data dir finds what an earlier one left.
  const tag = createHash('sha256').update(path.resolve(options.dataDir)).digest('hex').slice(0, 16);
  return {
    privileged: false,
    describe: () => 'sandbox: unconfined (rlimits for memory, open files and file size; private /tmp dir per instance; '
      + 'no own uid, no cgroup — functions run as the server user and can read what it can read)',
    async confine(req: ConfineRequest): Promise<ConfinedInstance> {
      const dir = path.join(root, req.instanceId);
      const tmpDir = path.join(dir, 'tmp');
      const optDir = path.join(dir, 'opt');
      await fs.promises.mkdir(tmpDir, { recursive: true, mode: 0o700 });
      await fs.promises.mkdir(optDir, { recursive: true, mode: 0o700 });
      for (const layer of req.layerDirs) await overlay(layer, optDir);
      const { limits } = req;
      const dataBytes = dataLimitMb(limits.memoryMb) * MB;
      let disposed: Promise<void> | null = null;
      return {
        command: '/usr/bin/env',
        args: [`${TAG_VAR}=${tag}-${req.instanceId}`, 'prlimit', `--nofile=${limits.openFiles}`, `--data=${dataBytes}`, `--fsize=${limits.tmpMb * MB}`, '--', req.command, ...req.args],
        cwd: req.codeDir,
        codeRoot: req.codeDir,
        // The layers merged in binding order (symlinks to their files; a later layer's file wins).
        optDir,
        tmpDir,
        uid: null,
        oomKilled: () => false,
        memoryBytes: () => null,
        dispose() {
          // Also what left the process group (a new session, a daemon): it still carries the tag.
          disposed ??= (async () => {
            killTagged(`${TAG_VAR}=${tag}-${req.instanceId}\0`);
            await fs.promises.rm(dir, { recursive: true, force: true }).catch(() => undefined);
          })();
          return disposed;
        },
      };
    },
    async reapStale(): Promise<number> {
      const killed = killTagged(`${TAG_VAR}=${tag}-`);
      await fs.promises.rm(root, { recursive: true, force: true }).catch(() => undefined);
      return killed;
    },
  };
}

/**
 * Merges the tree `from` into `into`: directories are made, files linked (a
 * symlink to the layer's file, replacing what an earlier layer put there).
 * Layers are read-only content-addressed trees, so links are safe to share.
 */
async function overlay(from: string, into: string): Promise<void> {
  for (const entry of await fs.promises.readdir(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(into, entry.name);
    if (entry.isDirectory()) {
      const existing = await fs.promises.lstat(dst).catch(() => null);
      if (existing !== null && !existing.isDirectory()) await fs.promises.rm(dst, { force: true });
      await fs.promises.mkdir(dst, { recursive: true });
      await overlay(src, dst);
    } else {
      await fs.promises.rm(dst, { recursive: true, force: true });
      await fs.promises.symlink(src, dst);
    }
  }
}

/** SIGKILLs every process whose environment holds `entry` (readable for the server's own processes). */
function killTagged(entry: string): number {
  const needle = Buffer.from(entry);
  let n = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: Buffer;
    try { environ = fs.readFileSync(`/proc/${entry}/environ`); } catch { continue; }
    if (environ.indexOf(needle) === -1) continue;
    try { process.kill(Number(entry), 'SIGKILL'); n++; } catch { /* gone meanwhile */ }
  }
  return n;
}
