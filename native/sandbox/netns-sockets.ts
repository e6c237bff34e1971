/**
 * TCP sockets made inside an instance's own network namespace, for the
 * server: a connection to a port that only exists in there (a Go function's
 * rpc port), or a port the server listens on in there (the custom runtime's
 * API, which its scf_bootstrap calls on 127.0.0.1) — without forwarding
 * either to the host, where every other process could connect too.
 *
 * A socket belongs to the namespace it was created in, whatever the creating
 * process does afterwards; Node cannot enter a namespace, so one small root
 * helper — Python's standard library, `setns(2)` through ctypes — enters the
 * instance's namespace, creates the socket, goes back to its own, connects
 * (or binds and listens) and hands the descriptor to the server over Node's
 * IPC channel (SCM_RIGHTS, as `subprocess.send(message, handle)` does between
 * two Node processes: a `NODE_HANDLE` message of type `net.Socket` or
 * `net.Server`, acknowledged by Node itself). One helper serves every instance of the server; it exits
 * with its IPC channel (the server gone).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type net from 'node:net';

// Request (Node → helper, one JSON line): {id, pid, port, listen?}. Answer: a NODE_HANDLE message
// carrying the connected (or, with `listen`, listening) socket with {id} as its message, or the line
// {id, error}. Lines with a `cmd` are
// Node's own (NODE_HANDLE_ACK) and skipped.
const HELPER = String.raw`
import ctypes, json, os, socket
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)
own = os.open('/proc/self/ns/net', os.O_RDONLY)
ipc = socket.socket(fileno=int(os.environ['NODE_CHANNEL_FD']))

def answer(obj, fd=None):
    line = (json.dumps(obj) + '\n').encode()
    if fd is None:
        ipc.sendall(line)
    else:
        socket.send_fds(ipc, [line], [fd])

def enter(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), 'setns: ' + os.strerror(ctypes.get_errno()))

def socket_in(pid):
    ns = os.open('/proc/%d/ns/net' % pid, os.O_RDONLY)
    try:
        enter(ns)
        try:
            return socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        finally:
            try:
                enter(own)
            except OSError:
                os._exit(1)  # never serve a second request from inside an instance's namespace
    finally:
        os.close(ns)

def serve(req):
    try:
        s = socket_in(int(req['pid']))
    except OSError as e:
        return answer({'id': req['id'], 'error': str(e)})
    try:
        if req.get('listen'):
            s.bind(('127.0.0.1', int(req['port'])))
            s.listen(64)
            answer({'cmd': 'NODE_HANDLE', 'type': 'net.Server', 'msg': {'id': req['id']}}, s.fileno())
            return
        s.settimeout(1)
        s.connect(('127.0.0.1', int(req['port'])))
        answer({'cmd': 'NODE_HANDLE', 'type': 'net.Socket', 'msg': {'id': req['id']}}, s.fileno())
    except OSError as e:
        answer({'id': req['id'], 'error': e.strerror or str(e)})
    finally:
        s.close()

buf = b''
while True:
    chunk = ipc.recv(65536)
    if not chunk:
        break
    buf += chunk
    *lines, buf = buf.split(b'\n')
    for line in lines:
        req = json.loads(line)
        if 'cmd' not in req:
            serve(req)
`;

const PYTHON = '/usr/bin/python3';

type Handle = net.Socket | net.Server;

interface Waiter { resolve(handle: Handle): void; reject(err: Error): void }

export class NamespaceSockets {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Waiter>();
  private nextId = 1;
  private closed = false;

  /**
   * A TCP connection to 127.0.0.1:`port` in the network namespace of `pid`
   * (root only). Rejects with the reason (`Connection refused` while nothing
   * listens there yet, the process gone, the helper not running).
   */
  connect(pid: number, port: number): Promise<net.Socket> {
    return this.request(pid, port, false) as Promise<net.Socket>;
  }

  /**
   * A server listening on 127.0.0.1:`port` in the network namespace of `pid`
   * (root only; its loopback must be up — slirp4netns's `--configure` does it).
   * Only processes in that namespace can connect. Rejects with the reason
   * (`Address already in use`, the process gone, the helper not running).
   */
  listen(pid: number, port: number): Promise<net.Server> {
    return this.request(pid, port, true) as Promise<net.Server>;
  }

  private request(pid: number, port: number, listen: boolean): Promise<Handle> {
    const child = this.started();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, pid, port, ...(listen ? { listen } : {}) }, (err: Error | null) => {
        if (err) this.settle(id, err);
      });
    });
  }

  /** Stops the helper; pending and later connects reject. Idempotent. */
  close(): void {
    this.closed = true;
    this.child?.kill('SIGKILL');
    this.child = null;
    this.failAll(new Error('the server is closing'));
  }

  private started(): ChildProcess {
    if (this.closed) throw new Error('the namespace socket helper is closed');
    if (this.child !== null) return this.child;
    if (!fs.existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: no connection into an instance's network namespace`);
    const child = spawn(PYTHON, ['-I', '-S', '-c', HELPER], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
    child.on('message', (msg: { id?: unknown; error?: unknown }, handle?: Handle) => {
      if (typeof msg?.id !== 'number') return;
      this.settle(msg.id, handle ?? new Error(typeof msg.error === 'string' ? msg.error : 'no socket'));
    });
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      this.failAll(new Error(`the namespace socket helper exited (${signal ?? code})`));
    });
    // Nothing pending keeps the server alive for its sake.
    child.unref();
    (child as unknown as { channel?: { unref(): void } }).channel?.unref();
    this.child = child;
    return child;
  }

  private settle(id: number, outcome: Handle | Error): void {
    const waiter = this.pending.get(id);
    if (waiter === undefined) {
      if ('destroy' in outcome) outcome.destroy();
      else if ('close' in outcome) outcome.close();
      return;
    }
    this.pending.delete(id);
    if (outcome instanceof Error) waiter.reject(outcome);
    else waiter.resolve(outcome);
  }

  private failAll(err: Error): void {
    for (const [id, waiter] of this.pending) {
      this.pending.delete(id);
      waiter.reject(err);
    }
  }
}
