/** Finding and killing processes through /proc: by uid, by pid list, by an environment marker. */
import fs from 'node:fs';

/** The pids of every process whose real uid is `uid`. */
export function pidsOfUid(uid: number): number[] {
  const found: number[] = [];
  for (const pid of allPids()) {
    const status = readOrNull(`/proc/${pid}/status`);
    const m = status ? /^Uid:\s+(\d+)/m.exec(status) : null;
    if (m && Number(m[1]) === uid) found.push(pid);
  }
  return found;
}

/**
 * The pids of the server's own-uid processes whose initial environment holds
 * `marker` (unprivileged mode, where neither a uid nor a cgroup tells an
 * instance's processes apart). A process can rewrite its environment, so
 * this is best effort; the README says so.
 */
export function pidsWithMarker(marker: string): number[] {
  const found: number[] = [];
  const needle = Buffer.from(`\0${marker}\0`);
  for (const pid of allPids()) {
    let environ: Buffer;
    try { environ = fs.readFileSync(`/proc/${pid}/environ`); } catch { continue; }
    if (Buffer.concat([Buffer.from([0]), environ]).includes(needle)) found.push(pid);
  }
  return found;
}

function allPids(): number[] {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
}

/** The kernel's start time of `pid` (clock ticks since boot), or null when it is gone: tells a reused pid apart. */
export function startTimeOf(pid: number): number | null {
  const stat = readOrNull(`/proc/${pid}/stat`);
  if (!stat) return null;
  // Field 22; the command name (field 2) may hold spaces and parentheses, so count after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const value = Number(fields[19]);
  return Number.isFinite(value) ? value : null;
}

/** SIGKILL to each pid; ones already gone are skipped. */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone, or never ours to kill */ }
  }
}

/**
 * Kills what `list()` returns until it returns nothing, polling: a process
 * forking while it dies shows up in the next round. Resolves true when the
 * list is empty, false after `timeoutMs`.
 */
export async function killUntilGone(list: () => number[], timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = list().filter((pid) => !isZombie(pid));
    if (pids.length === 0) return true;
    if (Date.now() > deadline) return false;
    killAll(pids);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A zombie runs nothing and holds nothing but its exit status: its parent (the caller, or init) reaps it. */
function isZombie(pid: number): boolean {
  const stat = readOrNull(`/proc/${pid}/stat`);
  if (!stat) return true;
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
}

function readOrNull(file: string): string | null {
  try { return fs.readFileSync(file, 'utf8'); } catch { return null; }
}
