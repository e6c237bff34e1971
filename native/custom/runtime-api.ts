/**
 * The custom runtime API (spec: runtime-api.md, "Custom runtime"), one
 * server per instance on 127.0.0.1, the address handed to `scf_bootstrap` as
 * SCF_RUNTIME_API / SCF_RUNTIME_API_PORT:
 *
 *   POST /runtime/init/ready            first call resolves `ready`; repeats are ignored (200)
 *   GET  /runtime/invocation/next       long poll; the raw event, headers request_id,
 *                                        memory_limit_in_mb, time_limit_in_ms; asked again
 *                                        during the same invocation: the same event
 *   POST /runtime/invocation/response   the result   } the first of the two is final
 *   POST /runtime/invocation/error      error text   }
 *
 * Out of order (next before ready, a post with no invocation handed out) →
 * 400 `{"error": …}`; unknown path or method → 404. Node's `http` module:
 * four routes and a long poll need no framework.
 *
 * Any local process can connect to a loopback port, so with `allowedUid`
 * set, a connection is served only when its client socket belongs to that
 * uid (looked up in /proc/net/tcp before a byte is read); others get 403 and
 * are closed. Where the instance has a network namespace of its own, the
 * server instead `adopt`s a socket listening in there (made by
 * native/sandbox's NamespaceSockets): only the instance's processes can
 * reach it, so no uid check applies (the host's lookups could not see its
 * sockets anyway).
 */
import type http from 'node:http';
import net from 'node:net';
import { RuntimeApiError } from './errors';
import { PROC_NET_TCP, type PeerLookup } from './peer-uid';

export interface RuntimeApiOptions {
  /** Serve only connections from this uid; null = any local process (the residual risk when not root). */
  allowedUid: number | null;
  /** How the client's uid is found: a shared SockDiagLookup (fast), else /proc/net/tcp (≈ 5 ms per connection). */
  peerLookup?: PeerLookup;
  /** Largest response/error body accepted; a bigger one ends the invocation as 'too_large'. Default 6 MiB. */
  maxBodyBytes?: number;
}

export interface RuntimeInvocation {
  requestId: string;
  /** The raw event (JSON text for event functions). */
  event: string;
  memoryMb: number;
  timeoutMs: number;
}

/** How the runtime answered: its response, its error text, or a body over `maxBodyBytes` (body ''). */
export interface RuntimeAnswer {
  kind: 'response' | 'error' | 'too_large';
  body: string;
}

interface Current {
  inv: RuntimeInvocation;
  eventBytes: Buffer;
  handedOut: boolean;
  resolve(answer: RuntimeAnswer): void;
  reject(err: Error): void;
}

const DEFAULT_MAX_BODY = 6 * 1024 * 1024;

export class RuntimeApiServer {
  /** Resolves on the first POST /runtime/init/ready; rejects (ERR_RUNTIME_API_CLOSED) if closed before. */
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private failReady!: (err: Error) => void;
  private isReady = false;
  private closed = false;
  private current: Current | null = null;
  /** GET /next requests waiting for an invocation. */
  private readonly waiting = new Set<http.ServerResponse>();
  private readonly sockets = new Set<net.Socket>();
  private readonly http: http.Server;
  private tcp: net.Server;
  private readonly maxBodyBytes: number;
  private port = 0;
  private refusedCount = 0;

  constructor(private readonly options: RuntimeApiOptions) {
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    // The owner may never wait for ready (the process died first); that is not an unhandled rejection.
    this.ready.catch(() => {});
    // Required here, not at the top: every isolate host loads native's face and never serves this API.
    const { createServer } = require('node:http') as typeof import('node:http');
    this.http = createServer((req, res) => this.route(req, res));
    // The long poll has no deadline: the runtime waits as long as no event comes.
    this.http.requestTimeout = 0;
    this.http.keepAliveTimeout = 60_000;
    this.tcp = net.createServer({ pauseOnConnect: true }, (socket) => void this.admit(socket));
  }

  /** Listens on 127.0.0.1, an ephemeral port. */
  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.tcp.once('error', reject);
      this.tcp.listen(0, '127.0.0.1', () => {
        this.tcp.off('error', reject);
        this.port = (this.tcp.address() as net.AddressInfo).port;
        resolve({ host: '127.0.0.1', port: this.port });
      });
    });
  }

  /**
   * Serves on `server`, already listening (on 127.0.0.1 inside an instance's own network
   * namespace) instead of listening itself; only without `allowedUid` (a uid lookup sees the
   * host's sockets only). Call instead of listen(), once.
   */
  adopt(server: net.Server): { host: string; port: number } {
    if (this.options.allowedUid !== null) throw new RuntimeApiError('ERR_RUNTIME_API_ADOPT', 'an adopted server is in another network namespace: no uid check can apply there');
    if (this.tcp.listening || this.port !== 0) throw new RuntimeApiError('ERR_RUNTIME_API_ADOPT', 'the runtime API is already listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new RuntimeApiError('ERR_RUNTIME_API_ADOPT', 'the adopted server is not listening on a TCP port');
    this.tcp = server;
    server.on('connection', (socket: net.Socket) => void this.admit(socket));
    if (this.closed) server.close();
    this.port = address.port;
    return { host: address.address, port: address.port };
  }

  /** Connections refused for their uid so far. */
  get refused(): number {
    return this.refusedCount;
  }

  /**
   * Hands the event to the next (or a waiting) GET /runtime/invocation/next;
   * resolves with the first response or error posted for it. Rejects
   * ERR_RUNTIME_API_BUSY while another invocation is in progress,
   * ERR_RUNTIME_API_ABANDONED after abandon(), ERR_RUNTIME_API_CLOSED after close().
   */
  invoke(inv: RuntimeInvocation): Promise<RuntimeAnswer> {
    if (this.closed) return Promise.reject(new RuntimeApiError('ERR_RUNTIME_API_CLOSED', 'the runtime API is closed'));
    if (this.current) return Promise.reject(new RuntimeApiError('ERR_RUNTIME_API_BUSY', `invocation ${this.current.inv.requestId} is in progress`));
    return new Promise<RuntimeAnswer>((resolve, reject) => {
      this.current = { inv, eventBytes: Buffer.from(inv.event), handedOut: false, resolve, reject };
      for (const res of this.waiting) this.handOut(res);
      this.waiting.clear();
    });
  }

  /** The current invocation was given up (timeout, process exit): its promise rejects, later posts for it get 400. */
  abandon(): void {
    const current = this.current;
    this.current = null;
    current?.reject(new RuntimeApiError('ERR_RUNTIME_API_ABANDONED', `invocation ${current.inv.requestId} was abandoned`));
  }

  /** Stops serving: pending invoke and ready reject, waiting polls and connections are closed. Idempotent. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      const current = this.current;
      this.current = null;
      current?.reject(new RuntimeApiError('ERR_RUNTIME_API_CLOSED', 'the runtime API is closed'));
      if (!this.isReady) this.failReady(new RuntimeApiError('ERR_RUNTIME_API_CLOSED', 'the runtime API closed before ready'));
      for (const socket of this.sockets) socket.destroy();
      this.waiting.clear();
    }
    return new Promise((resolve) => {
      if (!this.tcp.listening) return resolve();
      this.tcp.close(() => resolve());
    });
  }

  private async admit(socket: net.Socket): Promise<void> {
    if (this.closed) return void socket.destroy();
    const allowed = this.options.allowedUid;
    if (allowed !== null) {
      socket.once('error', () => socket.destroy());
      const uid = socket.remotePort !== undefined ? await (this.options.peerLookup ?? PROC_NET_TCP).uidOf(socket.remotePort, this.port) : null;
      if (this.closed || socket.destroyed) return void socket.destroy();
      if (uid !== allowed) {
        this.refusedCount++;
        const body = JSON.stringify({ error: 'this runtime API serves only its own instance' });
        socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
        socket.resume();
        return;
      }
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.http.emit('connection', socket);
    socket.resume();
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'POST /runtime/init/ready':
        return this.drainThen(req, res, () => {
          if (!this.isReady) {
            this.isReady = true;
            this.markReady();
          }
          reply(res, 200, {});
        });
      case 'GET /runtime/invocation/next':
        if (!this.isReady) return reply(res, 400, { error: 'POST /runtime/init/ready first' });
        if (this.current) return this.handOut(res);
        this.waiting.add(res);
        res.once('close', () => this.waiting.delete(res));
        return;
      case 'POST /runtime/invocation/response':
        return this.answer(req, res, 'response');
      case 'POST /runtime/invocation/error':
        return this.answer(req, res, 'error');
      default:
        return this.drainThen(req, res, () => reply(res, 404, { error: `no route ${route}` }));
    }
  }

  private handOut(res: http.ServerResponse): void {
    const current = this.current;
    if (!current) return;
    current.handedOut = true;
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': current.eventBytes.length,
      request_id: current.inv.requestId,
      memory_limit_in_mb: String(current.inv.memoryMb),
      time_limit_in_ms: String(current.inv.timeoutMs),
    });
    res.end(current.eventBytes);
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, kind: 'response' | 'error'): void {
    const current = this.current;
    if (!current || !current.handedOut) {
      return this.drainThen(req, res, () => reply(res, 400, { error: 'no invocation in progress (GET /runtime/invocation/next first; the first response or error is final)' }));
    }
    readBody(req, this.maxBodyBytes, (body) => {
      // The invocation may have been abandoned, or answered on another connection, while the body arrived.
      if (this.current !== current) return reply(res, 400, { error: 'no invocation in progress (the first response or error is final)' });
      this.current = null;
      if (body === null) {
        current.resolve({ kind: 'too_large', body: '' });
        return reply(res, 413, { error: `the body is over ${this.maxBodyBytes} bytes` });
      }
      current.resolve({ kind, body });
      reply(res, 200, {});
    });
  }

  /** Reads (and drops) the request body, then answers: an answer before the body is read would leave it in the connection. */
  private drainThen(req: http.IncomingMessage, res: http.ServerResponse, answer: () => void): void {
    req.resume();
    req.once('end', answer);
    req.once('error', () => res.destroy());
  }
}

/** The whole body as text, or null once it passes `max` bytes (the rest is read and dropped). */
function readBody(req: http.IncomingMessage, max: number, done: (body: string | null) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= max) chunks.push(chunk);
  });
  req.once('end', () => done(size <= max ? Buffer.concat(chunks).toString('utf8') : null));
  req.once('error', () => req.socket.destroy());
}

function reply(res: http.ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
