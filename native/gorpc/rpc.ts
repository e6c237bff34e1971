/**
 * A Go net/rpc client over one TCP connection, with gob encoding (the
 * default codec of net/rpc: each call is a Request header then the
 * argument; each reply a Response header then the result, matched by Seq).
 * Enough to call a Go function built with the cloud's Go library
 * (Function.Ping, Function.Invoke).
 */
import net from 'node:net';
import { GobDecoder } from './gob-decoder';
import { GobEncoder } from './gob-encoder';
import { GobError, GOB_STRING, GOB_UINT, type GobType } from './gob-types';

/** net/rpc's request header (rpc.Request). */
const REQUEST: GobType = Object.freeze({
  kind: 'struct', name: 'Request',
  fields: Object.freeze([{ name: 'ServiceMethod', type: GOB_STRING }, { name: 'Seq', type: GOB_UINT }]),
});

export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(readonly code: 'ERR_RPC_CLOSED' | 'ERR_RPC_PROTOCOL' | 'ERR_RPC_SERVER', message: string) {
    super(message);
  }
}

interface Pending {
  resolve(v: Record<string, unknown>): void;
  reject(e: Error): void;
}

export class GoRpcClient {
  private readonly encoder = new GobEncoder();
  private readonly decoder = new GobDecoder();
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  /** The header of the reply whose body comes next (net/rpc sends them as two gob values). */
  private header: { seq: number; error: string } | null = null;
  private closedWith: RpcError | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new RpcError('ERR_RPC_CLOSED', `the connection failed: ${err.message}`)));
    socket.on('close', () => this.fail(new RpcError('ERR_RPC_CLOSED', 'the connection closed')));
  }

  /** A client over a connection already made (one opened inside an instance's network namespace). */
  static over(socket: net.Socket): GoRpcClient {
    return new GoRpcClient(socket);
  }

  /** Calls `method` ('Function.Invoke') with `arg` of type `argType`; resolves with the reply's body as an object. */
  call(method: string, argType: GobType, arg: unknown): Promise<Record<string, unknown>> {
    if (this.closedWith !== null) return Promise.reject(this.closedWith);
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      const bytes = Buffer.concat([this.encoder.encode(REQUEST, { ServiceMethod: method, Seq: seq }), this.encoder.encode(argType, arg)]);
      this.socket.write(bytes);
    });
  }

  /** Closes the connection; calls in flight reject with ERR_RPC_CLOSED. */
  close(): void {
    this.fail(new RpcError('ERR_RPC_CLOSED', 'the client was closed'));
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let values;
    try {
      values = this.decoder.push(chunk);
    } catch (err) {
      this.fail(new RpcError('ERR_RPC_PROTOCOL', `the Go function's reply is not gob: ${(err as GobError).message}`));
      this.socket.destroy();
      return;
    }
    for (const v of values) {
      const body = v.value as Record<string, unknown>;
      if (this.header === null) {
        this.header = { seq: Number(body['Seq'] ?? 0), error: String(body['Error'] ?? '') };
        continue;
      }
      const { seq, error } = this.header;
      this.header = null;
      const p = this.pending.get(seq);
      if (p === undefined) continue;
      this.pending.delete(seq);
      if (error !== '') p.reject(new RpcError('ERR_RPC_SERVER', error));
      else p.resolve(body ?? {});
    }
  }

  private fail(err: RpcError): void {
    this.closedWith ??= err;
    for (const p of this.pending.values()) p.reject(this.closedWith);
    this.pending.clear();
  }
}
