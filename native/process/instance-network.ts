/**
 * The network of one event-function instance. Where the server can (root,
 * slirp4netns: native/sandbox's `detectNetworkMode`, the same as web
 * functions), the instance runs in its own network namespace: a loopback of
 * its own (a Go function's rpc port, anything the function listens on, is
 * reachable from nowhere on the host) and slirp4netns's outbound link (NAT
 * to the world, the host's 127.0.0.1 refused) — the web executor's link,
 * without a port forward. The server reaches a port inside through
 * `NamespaceSockets` (a connection opened in the namespace, handed over),
 * and a custom runtime's scf_bootstrap reaches the server's runtime API on a
 * socket the server listens on in there (`listen`). Otherwise (not root, no
 * slirp4netns) the host's network.
 */
import net from 'node:net';
import path from 'node:path';
import { SlirpLink, type NetworkMode } from '../sandbox';

export interface EventNetworkDeps {
  mode: NetworkMode;
  /** Where slirp4netns API sockets go (namespace mode). */
  linkDir: string;
  /** A connection to 127.0.0.1:`port` in the network namespace of `pid` (the executor's NamespaceSockets). */
  connect(pid: number, port: number): Promise<net.Socket>;
  /** A server listening on 127.0.0.1:`port` in the network namespace of `pid` (the executor's NamespaceSockets). */
  listen(pid: number, port: number): Promise<net.Server>;
}

export class InstanceNetwork {
  private link: SlirpLink | null = null;
  private pid = 0;

  /** `own`: the instance gets its own namespace (the executor's namespace mode). */
  readonly own: boolean;

  constructor(private readonly deps: EventNetworkDeps, private readonly instanceId: string) {
    this.own = deps.mode === 'namespace';
  }

  /** What the sandbox gives the instance (`ConfineRequest.network`). */
  get confineAs(): 'host' | 'private' {
    return this.own ? 'private' : 'host';
  }

  /** Links the namespace of the spawned process `pid` to the outside (no-op on the host's network). Rejects at `deadline` or its exit. */
  async attach(pid: number, deadline: number): Promise<void> {
    this.pid = pid;
    if (!this.own) return;
    // 'e' + the instance id (which starts with the server's pid): swept as the web executor's 'w…' sockets are.
    this.link = new SlirpLink(path.join(this.deps.linkDir, `e${this.instanceId}.sock`));
    await this.link.attach(pid, deadline);
  }

  /** A connection to 127.0.0.1:`port` where the instance sees it (its namespace, or the host). */
  connect(port: number, timeoutMs: number): Promise<net.Socket> {
    if (this.own) {
      if (this.pid === 0) return Promise.reject(new Error('the instance is not running'));
      return this.deps.connect(this.pid, port);
    }
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no connection to 127.0.0.1:${port} within ${timeoutMs} ms`)); }, timeoutMs);
      socket.once('connect', () => { clearTimeout(timer); socket.removeAllListeners('error'); resolve(socket); });
      socket.once('error', (err) => { clearTimeout(timer); socket.destroy(); reject(err); });
    });
  }

  /** A server listening on 127.0.0.1:`port` in the instance's own namespace (after `attach`: its loopback is up). */
  listen(port: number): Promise<net.Server> {
    if (!this.own) return Promise.reject(new Error('the instance is on the host network'));
    if (this.pid === 0) return Promise.reject(new Error('the instance is not running'));
    return this.deps.listen(this.pid, port);
  }

  /** Stops the link (the namespace goes with the instance's last process). Idempotent. */
  close(): void {
    this.link?.close();
    this.link = null;
  }
}
