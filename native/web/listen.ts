/**
 * Which TCP ports a process's network has listening sockets on, read from
 * the kernel's per-namespace tables (/proc/<pid>/net/tcp and tcp6 show the
 * network namespace of <pid>): how a web function's readiness is seen —
 * without connecting, which through slirp4netns's port forward would always
 * succeed on the host side — and how a wrong bind (127.0.0.1 only, another
 * port) is told apart from no server at all.
 */
import fs from 'node:fs';

export interface Listener {
  port: number;
  /** The socket's inode (matches the `socket:[inode]` links under /proc/<pid>/fd). */
  inode: number;
  /** Bound to a loopback address only (127.0.0.0/8, ::1, ::ffff:127.x): unreachable from outside its namespace. */
  loopbackOnly: boolean;
}

/** TCP state LISTEN in the kernel's tables. */
const LISTEN = '0A';

/** The listening sockets of `pid`'s network namespace; [] when the process is gone. */
export function listenersOf(pid: number): Listener[] {
  const out: Listener[] = [];
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/net/${table}`, 'latin1');
    } catch {
      continue;
    }
    const lines = text.split('\n');
    for (let i = 1; i < lines.length; i++) {
      const cols = lines[i]!.trim().split(/\s+/);
      if (cols[3] !== LISTEN) continue;
      const [addr, port] = (cols[1] ?? '').split(':');
      if (addr === undefined || port === undefined) continue;
      out.push({ port: parseInt(port, 16), inode: Number(cols[9]), loopbackOnly: isLoopback(addr) });
    }
  }
  return out;
}

/**
 * The socket inodes held by the processes of process group `pgid` (the
 * instance's: its bootstrap leads one): on the host's network the tables
 * list every process's sockets, and only these are the instance's. Scans
 * /proc once — for a diagnosis, not for polling.
 */
export function socketInodesOfGroup(pgid: number): Set<number> {
  const inodes = new Set<number>();
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return inodes;
  }
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
      // Fields after the command (which may hold spaces) : state ppid pgrp …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(Number(m[1]));
      }
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return inodes;
}

/** The address column (hex, each 32-bit word in host byte order — little-endian here) is a loopback address. */
function isLoopback(hex: string): boolean {
  // IPv4: 127.x.x.x is the low byte of the one word, printed last.
  if (hex.length === 8) return hex.slice(6, 8) === '7F';
  // IPv6 ::1, or the v4-mapped ::ffff:127.x.x.x.
  if (hex === '00000000000000000000000001000000') return true;
  return hex.startsWith('0000000000000000FFFF0000') && hex.slice(30, 32) === '7F';
}

/** What a start found at its deadline, in words for the 446 log line. */
export function describeListeners(listeners: Listener[], port: number): string {
  const onPort = listeners.filter((l) => l.port === port);
  if (onPort.length > 0 && onPort.every((l) => l.loopbackOnly)) {
    return `the web server listens on 127.0.0.1:${port} only; bind 0.0.0.0 (all addresses) so the platform can reach it`;
  }
  const others = [...new Set(listeners.map((l) => l.port))].filter((p) => p !== port);
  if (others.length > 0) return `the web server listens on port ${others.join(', ')}, not on ${port}: a web function must serve on port ${port}`;
  return `nothing listens on port ${port}`;
}
