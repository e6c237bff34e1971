/** Ending an instance for good: the one teardown shared by dispose() and reapStale(). */
import fs from 'node:fs';
import { InstanceCgroup } from './cgroups';
import { SandboxError } from './errors';
import { MARKER_VAR } from './launcher';
import { killUntilGone, pidsOfUid, pidsWithMarker } from './processes';
import type { UidPool } from './uids';

export interface Remains {
  instanceId: string;
  uid: number | null;
  cgroup: InstanceCgroup | null;
  hostDirs: readonly string[];
  /** Unprivileged: the instance's processes carry the environment marker. */
  marked: boolean;
  /**
   * A dead server's instance (a reap): its uid is killed and released only
   * through the claim's takeover, which checks the claim still names it.
   */
  orphan: boolean;
}

const KILL_TIMEOUT_MS = 10_000;

/**
 * Kills every process of the instance and waits until none is left — by
 * cgroup first (a process cannot leave it; forks are stopped first so a fork
 * bomb cannot outrun the kill), then by uid (anything the cgroup missed, or
 * all of it where no pids cgroup exists), then by marker (unprivileged) —
 * then removes the cgroup and the host dirs and releases the uid. Throws
 * ERR_SANDBOX_STUCK when processes outlive the kill timeout; the uid then
 * stays claimed so no other instance gets it while they run.
 */
export async function tearDown(r: Remains, uids: UidPool | null): Promise<void> {
  const { cgroup, uid } = r;
  const stuck: string[] = [];
  if (cgroup) {
    cgroup.closeFiles();
    cgroup.stopForks();
    if (!(await killUntilGone(() => cgroup.pids(), KILL_TIMEOUT_MS))) stuck.push(`cgroup pids ${cgroup.pids().join(' ')}`);
  }
  if (uid !== null && r.orphan) {
    if (uids && !(await uids.reapOrphan(uid, r.instanceId))) stuck.push(`uid ${uid}`);
  } else if (uid !== null && !(await killUntilGone(() => pidsOfUid(uid), KILL_TIMEOUT_MS))) {
    stuck.push(`uid ${uid}`);
  }
  if (r.marked && !(await killUntilGone(() => pidsWithMarker(`${MARKER_VAR}=${r.instanceId}`), KILL_TIMEOUT_MS))) stuck.push('marked processes');
  if (stuck.length > 0) {
    throw new SandboxError('ERR_SANDBOX_STUCK', `instance ${r.instanceId}: processes still running after ${KILL_TIMEOUT_MS} ms (${stuck.join('; ')})`);
  }
  if (cgroup) await removeCgroup(cgroup);
  for (const dir of r.hostDirs) fs.rmSync(dir, { recursive: true, force: true });
  if (uid !== null && !r.orphan) uids?.release(uid, r.instanceId);
}

/** The kernel may report a group busy for a moment after its last task died (it is still being released). */
async function removeCgroup(cgroup: InstanceCgroup): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const left = cgroup.remove();
    if (left.length === 0) return;
    if (attempt >= 100) throw new SandboxError('ERR_SANDBOX_STUCK', `cgroup ${left.join(', ')} could not be removed`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
