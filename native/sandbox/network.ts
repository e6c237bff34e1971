/**
 * The network of one web-function instance. Two modes, chosen once per
 * server (`networkMode`):
 *
 * * 'namespace' (root, Debian's slirp4netns present): the instance runs in
 *   its own network namespace (the sandbox's `network: 'private'`), so every
 *   instance can listen on port 9000 and 127.0.0.1 inside it is its own.
 *   slirp4netns (user-mode TCP/IP, the link rootless containers use) gives
 *   it a tap device with outbound NAT to the world, `--disable-host-loopback`
 *   refusing the host's 127.0.0.1 through the gateway address, and one port
 *   forward 127.0.0.1:<free host port> → the instance's port 9000 that the
 *   gateway's proxy connects to. No host-wide setting changes (no
 *   ip_forward, no iptables); slirp4netns runs sandboxed (its own mount
 *   namespace, capabilities dropped, seccomp) and exits when the server's end
 *   of its exit pipe closes — also when the server is killed.
 * * 'port' (not root, or no slirp4netns): the host's network; the instance
 *   gets a free port in `PORT` and must listen on it (code that hard-codes
 *   9000 cannot run twice), and it can reach the host's loopback services.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const SLIRP4NETNS = '/usr/bin/slirp4netns';

export type NetworkMode = 'namespace' | 'port';

/** The mode this server can give web functions, and why not the other. */
export function detectNetworkMode(privileged: boolean, slirp = SLIRP4NETNS): { mode: NetworkMode; why: string } {
  if (!privileged) return { mode: 'port', why: 'the sandbox is not privileged (not root, or disabled)' };
  if (!fs.existsSync(slirp)) return { mode: 'port', why: `${slirp} is missing (Debian package slirp4netns)` };
  return { mode: 'namespace', why: '' };
}

/** A free TCP port on 127.0.0.1 (closed again: a tiny window where another process could take it; callers retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The slirp4netns link of one instance's namespace. */
export class SlirpLink {
  private child: ChildProcess | null = null;
  private exited = false;

  constructor(private readonly apiSocket: string, private readonly slirp = SLIRP4NETNS) {}

  /**
   * Waits until `pid` has left the server's network namespace (the launcher's
   * `unshare --net` ran: attaching before would put the tap into the host's
   * namespace), starts slirp4netns on it and waits for the link to be
   * configured (outbound traffic works from then on). Rejects when the
   * process exits first or `deadline` (epoch ms) passes.
   */
  async attach(pid: number, deadline: number): Promise<void> {
    const own = fs.readlinkSync('/proc/self/ns/net');
    for (;;) {
      let ns: string;
      try {
        ns = fs.readlinkSync(`/proc/${pid}/ns/net`);
      } catch {
        throw new Error(`the instance's process ${pid} exited before its network was set up`);
      }
      if (ns !== own) break;
      if (Date.now() > deadline) throw new Error('the instance did not enter its network namespace in time');
      await sleep(1);
    }
    fs.rmSync(this.apiSocket, { force: true });
    // fd 3: the exit pipe (slirp4netns exits when the server's end closes); fd 4: it writes "1" once configured.
    const child = spawn(this.slirp, [
      '--configure', '--mtu=65520', '--disable-host-loopback', '--enable-sandbox', '--enable-seccomp',
      '--exit-fd=3', '--ready-fd=4', `--api-socket=${this.apiSocket}`, String(pid), 'tap0',
    ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString('utf8')).slice(-2000); });
    child.once('exit', () => { this.exited = true; });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('slirp4netns did not configure the link in time')), Math.max(1, deadline - Date.now()));
      const fail = (err: Error): void => { clearTimeout(timer); reject(err); };
      (child.stdio[4] as NodeJS.ReadableStream).once('data', () => { clearTimeout(timer); resolve(); });
      child.once('exit', (code, signal) => fail(new Error(`slirp4netns exited (${signal ?? code}): ${stderr.trim().split('\n').at(-1) ?? ''}`)));
      child.once('error', (err) => fail(err));
    });
  }

  /**
   * Forwards a free 127.0.0.1 port of the host to `guestPort` in the namespace (after `attach`):
   * any host process can connect to it, so only what is meant to be reached (a web function's
   * port 9000) gets one. Returns the host port.
   */
  async forward(guestPort: number): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const hostPort = await freePort();
      const answer = await this.api({ execute: 'add_hostfwd', arguments: { proto: 'tcp', host_addr: '127.0.0.1', host_port: hostPort, guest_port: guestPort } });
      if ('return' in answer) return hostPort;
      // Another process took the port between freePort() and the forward's bind: try another.
      if (attempt >= 4) throw new Error(`slirp4netns refused the port forward: ${JSON.stringify(answer)}`);
    }
  }

  /** Stops slirp4netns (its namespace goes with the instance's last process). Idempotent. */
  close(): void {
    const child = this.child;
    this.child = null;
    if (child !== null && !this.exited) child.kill('SIGKILL');
    for (const s of child?.stdio ?? []) (s as { destroy?: () => void } | null)?.destroy?.();
    fs.rmSync(this.apiSocket, { force: true });
  }

  /** One request on slirp4netns's API socket (one JSON object per connection). */
  private api(request: object): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(this.apiSocket);
      let text = '';
      sock.setEncoding('utf8');
      const parsed = (): Record<string, unknown> | null => {
        try {
          return JSON.parse(text) as Record<string, unknown>;
        } catch {
          return null;
        }
      };
      sock.on('data', (d: string) => {
        text += d;
        const answer = parsed();
        if (answer !== null) { sock.destroy(); resolve(answer); }
      });
      sock.on('error', reject);
      sock.on('close', () => reject(new Error(`slirp4netns answered ${JSON.stringify(text.slice(0, 200))}`)));
      sock.write(JSON.stringify(request));
    });
  }
}

/**
 * Where this server's API sockets live: a root-only dir under /run (a unix
 * socket path must stay under 108 bytes, which a data dir path may not).
 */
export function linkDir(): string {
  const dir = path.join('/run', 'isola-net');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  sweepStaleSockets(dir);
  return dir;
}

/**
 * Removes the API sockets a killed server left (its links exited with it):
 * a socket is named after its instance, `w<server pid, base 36>-…` (web) or `e…` (event), and one
 * whose server pid is gone is stale. Another live server's stay.
 */
function sweepStaleSockets(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const m = /^[ew]([0-9a-z]+)-.*\.sock$/.exec(name);
    if (m === null) continue;
    if (!fs.existsSync(`/proc/${parseInt(m[1]!, 36)}`)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
