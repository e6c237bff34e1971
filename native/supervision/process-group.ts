/**
 * Signalling a child's process group safely. Node reaps a child before its
 * 'exit' event, so by then the leader's pid is free again: the machine may
 * hand it to a new process — with this host's pid_max of 32768 and a busy
 * test suite it did, to another server's fresh sandboxed instance, itself a
 * group leader, which a stale `kill(-pid)` then SIGKILLed. The kernel keeps
 * a pid reserved while any process still uses it as its group id, so a group
 * with members left cannot have a new process under its number.
 */
import fs from 'node:fs';

/**
 * Signals process group `pgid` whose leader has been reaped, unless a
 * process or thread with that pid exists: the group's own members keep the
 * number from being reused, so one that exists is a newcomer (and the group,
 * if any, is its). Returns whether the signal was sent.
 */
export function signalGroupOfReapedLeader(pgid: number, sig: NodeJS.Signals): boolean {
  if (fs.existsSync(`/proc/${pgid}`)) return false;
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false;
  }
}
