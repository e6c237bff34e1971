/**
 * The instances' uids: a range checked against the machine's users and
 * groups, and claims that keep two instances — of this server or of another
 * isola server on the same machine — from ever sharing a uid (same uid =
 * could signal each other). A claim is a file `/run/isola-sandbox/uids/<uid>`
 * created exclusively, naming its owner server (pid + start time); the claim
 * of a server that is gone is taken over after its processes are killed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SandboxError } from './errors';
import { killUntilGone, pidsOfUid, startTimeOf } from './processes';

const CLAIMS_DIR = '/run/isola-sandbox/uids';

interface ClaimOwner { pid: number; start: number | null; dataDir: string; instanceId: string }

/** Throws unless no user, group, or subordinate id range of the machine falls in [base, base + count). */
export function checkRangeFree(base: number, count: number): void {
  const end = base + count;
  for (const [file, what] of [['/etc/passwd', 'user'], ['/etc/group', 'group']] as const) {
    for (const line of readLines(file)) {
      const [name, , id] = line.split(':');
      const n = Number(id);
      if (Number.isInteger(n) && n >= base && n < end) {
        throw new SandboxError('ERR_SANDBOX_UIDS', `the sandbox uid range ${base}-${end - 1} holds the ${what} ${name} (${n}) of ${file}: choose another uidBase`);
      }
    }
  }
  for (const file of ['/etc/subuid', '/etc/subgid']) {
    for (const line of readLines(file)) {
      const [name, start, size] = line.split(':');
      const s = Number(start);
      const e = s + Number(size);
      if (Number.isInteger(s) && Number.isInteger(e) && s < end && e > base) {
        throw new SandboxError('ERR_SANDBOX_UIDS', `the sandbox uid range ${base}-${end - 1} overlaps ${name}'s subordinate ids ${s}-${e - 1} in ${file}: choose another uidBase`);
      }
    }
  }
}

function readLines(file: string): string[] {
  try { return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')); } catch { return []; }
}

export class UidPool {
  private cursor = 0;
  private readonly self: ClaimOwner;

  constructor(private readonly base: number, private readonly count: number, dataDir: string) {
    this.self = { pid: process.pid, start: startTimeOf(process.pid), dataDir, instanceId: '' };
    fs.mkdirSync(CLAIMS_DIR, { recursive: true, mode: 0o700 });
  }

  /** Claims a free uid for `instanceId`; throws ERR_SANDBOX_UIDS when all are taken. */
  async claim(instanceId: string): Promise<number> {
    const body = JSON.stringify({ ...this.self, instanceId });
    for (let tried = 0; tried < this.count; tried++) {
      const uid = this.base + ((this.cursor + tried) % this.count);
      if (this.tryCreate(uid, body) || ((await this.takeOver(uid)) === 'free' && this.tryCreate(uid, body))) {
        this.cursor = (uid - this.base + 1) % this.count;
        return uid;
      }
    }
    throw new SandboxError('ERR_SANDBOX_UIDS', `all ${this.count} sandbox uids from ${this.base} are in use`);
  }

  /**
   * Gives the uid back (its processes must be gone) — only while the claim
   * still names `instanceId` of this server: a claim that is not ours any more
   * belongs to whoever took it over, and deleting it would let a third server
   * claim the uid beside that owner's running instance.
   */
  release(uid: number, instanceId: string): void {
    const owner = readClaim(uid);
    if (typeof owner !== 'object' || owner.pid !== this.self.pid || owner.instanceId !== instanceId) return;
    try { fs.unlinkSync(path.join(CLAIMS_DIR, String(uid))); } catch { /* already released */ }
  }

  /**
   * Reaps what a dead server's instance left under its uid, by the same
   * takeover as claim() — only while the claim still names `instanceId` and
   * its server is gone. Since that server died, another may have taken the
   * uid over and started an instance of its own under it: a kill by uid from
   * the stale record alone would end that instance. False when the processes
   * outlive the kill (the claim then stays).
   */
  async reapOrphan(uid: number, instanceId: string): Promise<boolean> {
    return (await this.takeOver(uid, instanceId)) !== 'stuck';
  }

  /** The uids claimed for `dataDir` by servers that are gone (for reaping), with the instance that held each. */
  orphanedClaims(dataDir: string): Array<{ uid: number; instanceId: string }> {
    const found: Array<{ uid: number; instanceId: string }> = [];
    for (const name of safeReaddir(CLAIMS_DIR)) {
      const owner = readClaim(Number(name));
      if (typeof owner === 'object' && owner.dataDir === dataDir && !alive(owner)) found.push({ uid: Number(name), instanceId: owner.instanceId });
    }
    return found;
  }

  private tryCreate(uid: number, body: string): boolean {
    try {
      fs.writeFileSync(path.join(CLAIMS_DIR, String(uid)), body, { flag: 'wx', mode: 0o600 });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  }

  /**
   * A claim whose owner server is gone (and, with `instanceId`, that names
   * that instance): kill what still runs under the uid, then drop the claim —
   * 'free'. 'held' when the claim is live or not the one expected, 'stuck'
   * when the processes outlive the kill. The claim is first renamed aside,
   * which only one server can do: two servers taking over the same orphaned
   * uid must not both kill, or one would kill the other's fresh instance.
   */
  private async takeOver(uid: number, instanceId?: string): Promise<'free' | 'held' | 'stuck'> {
    const file = path.join(CLAIMS_DIR, String(uid));
    const seen = readClaim(uid);
    // Released since tryCreate failed: the owner's processes were gone before it released,
    // so the uid is free; nothing may be killed (another server may claim it this instant).
    if (seen === 'missing') return 'free';
    if (seen !== 'unreadable' && !this.orphanOf(seen, instanceId)) return 'held';
    // Unreadable: maybe another server is writing it this instant; only an old one is garbage.
    if (seen === 'unreadable' && (instanceId !== undefined || Date.now() - mtimeMs(file) < 10_000)) return 'held';
    const aside = `${file}.takeover-${process.pid}`;
    try { fs.renameSync(file, aside); } catch { return 'held'; }
    const moved = readClaimFile(aside);
    if (moved === 'missing' || (moved !== 'unreadable' && !this.orphanOf(moved, instanceId))) {
      // Another server claimed the uid between the read and the rename: its claim goes back.
      try { fs.linkSync(aside, file); } catch { /* claimed again meanwhile */ } finally { fs.rmSync(aside, { force: true }); }
      return 'held';
    }
    if (!(await killUntilGone(() => pidsOfUid(uid)))) {
      // Still running: the claim stays, so no instance gets the uid while they run.
      try { fs.linkSync(aside, file); } catch { /* claimed meanwhile */ }
      fs.rmSync(aside, { force: true });
      return 'stuck';
    }
    fs.rmSync(aside, { force: true });
    return 'free';
  }

  private orphanOf(owner: ClaimOwner, instanceId: string | undefined): boolean {
    return !alive(owner) && (instanceId === undefined || owner.instanceId === instanceId);
  }
}

function readClaim(uid: number): ClaimOwner | 'missing' | 'unreadable' {
  return readClaimFile(path.join(CLAIMS_DIR, String(uid)));
}

function readClaimFile(file: string): ClaimOwner | 'missing' | 'unreadable' {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (err) { return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable'; }
  try { return JSON.parse(text) as ClaimOwner; } catch { return 'unreadable'; }
}

function mtimeMs(file: string): number {
  try { return fs.statSync(file).mtimeMs; } catch { return 0; }
}

function alive(owner: ClaimOwner): boolean {
  const start = startTimeOf(owner.pid);
  return start !== null && (owner.start === null || start === owner.start);
}

function safeReaddir(dir: string): string[] {
  try { return fs.readdirSync(dir).filter((n) => /^\d+$/.test(n)); } catch { return []; }
}
