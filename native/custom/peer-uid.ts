/**
 * Who is on the other end of a loopback TCP connection: the uid column of
 * the client socket's row in /proc/net/tcp (the kernel's socket table; every
 * local socket is listed there with its owner). Linux only; IPv4 loopback
 * only (the runtime API listens on 127.0.0.1).
 */
import fs from 'node:fs';

/** How a runtime API finds the uid behind a loopback connection (null: unknown, refused). */
export interface PeerLookup {
  uidOf(clientPort: number, serverPort: number): Promise<number | null>;
}

/** The lookup through /proc/net/tcp alone (no helper process). */
export const PROC_NET_TCP: PeerLookup = { uidOf: (clientPort, serverPort) => peerUid(clientPort, serverPort) };

/** `127.0.0.1:port` as /proc/net/tcp writes it: the address in host byte order (little-endian here), the port big-endian, hex upper case. */
function loopbackKey(port: number): string {
  return `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The uid owning the client socket 127.0.0.1:`clientPort` connected to
 * 127.0.0.1:`serverPort`, or null when no such row exists (the client is
 * already gone, or the file cannot be read). Read once per connection
 * before any byte is served, off the event loop: the kernel walks its whole
 * socket hash table to produce the file (≈ 5 ms here, see the README).
 */
export async function peerUid(clientPort: number, serverPort: number): Promise<number | null> {
  let table: string;
  try {
    table = await fs.promises.readFile('/proc/net/tcp', 'latin1');
  } catch {
    return null;
  }
  const local = loopbackKey(clientPort);
  const remote = loopbackKey(serverPort);
  // Each row: sl local rem st tx:rx tr:when retrnsmt uid timeout inode …
  let at = table.indexOf(` ${local} ${remote} `);
  while (at !== -1) {
    const fields = table.slice(at, table.indexOf('\n', at)).trim().split(/\s+/);
    const uid = Number(fields[6]);
    if (Number.isInteger(uid)) return uid;
    at = table.indexOf(` ${local} ${remote} `, at + 1);
  }
  return null;
}
