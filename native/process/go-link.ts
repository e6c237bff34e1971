/**
 * The process executor's side of the Go runtime (spec: runtime-api.md,
 * "Go"): the function's own executable, built with the cloud's Go library,
 * serves net/rpc + gob on 127.0.0.1:$_LAMBDA_SERVER_PORT. Ready = its
 * `Function.Ping` answers; each event is one `Function.Invoke`. The
 * instance (instance.ts) owns the process, the deadline and the exit; this
 * owns the port, the connection and the translation of the reply.
 *
 * The port is a free one the server picks (bind port 0, release, hand it
 * over): on the host's network a fixed one would collide between instances
 * (in an instance's own namespace any would do). The connection comes from
 * the instance's network (instance-network.ts): inside its namespace, where
 * nothing on the host can reach the port.
 */
import net from 'node:net';
import type { EventCall, VersionSpec } from '../../executor';
import { FUNCTION_INVOKE, FUNCTION_PING, GoRpcClient, INVOKE_REQUEST, PING_REQUEST, RpcError, invokeReplyOf } from '../gorpc';
import type { Ending } from './instance';
import { resultOf } from './results';
import { freePort } from '../sandbox';

/** How often the start polls for the function's listener (ms). */
const POLL_MS = 10;

export class GoLink {
  private client: GoRpcClient | null = null;
  private closed = false;
  /** The settle of the invocation in flight, so an abandoned one is not answered twice. */
  private current = 0;

  private constructor(readonly port: number) {}

  /** Picks the instance's port. */
  static async open(): Promise<GoLink> {
    return new GoLink(await freePort());
  }

  /** The variables the Go library reads (they win over the function's own). */
  env(): Record<string, string> {
    return { _LAMBDA_SERVER_PORT: String(this.port) };
  }

  /**
   * Resolves once `Function.Ping` answers on the port (connected by `connect`); polls until then.
   * Never resolves when the link is closed first (the instance's start is
   * raced against the process's exit and the init timeout).
   */
  async ready(connect: (port: number, timeoutMs: number) => Promise<net.Socket>): Promise<void> {
    while (!this.closed) {
      let client: GoRpcClient | null = null;
      try {
        client = GoRpcClient.over(await connect(this.port, 1000));
        await client.call(FUNCTION_PING, PING_REQUEST, {});
        if (this.closed) {
          client.close();
          break;
        }
        this.client = client;
        return;
      } catch {
        client?.close();
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
    await new Promise<never>(() => {});
  }

  /**
   * Hands the event over; resolves with the invocation's ending plus
   * whether the process ends after it (a panic: ShouldExit), or null when
   * the invocation was abandoned meanwhile. Never rejects.
   */
  async invoke(call: EventCall, spec: VersionSpec): Promise<{ end: Ending; shouldExit: boolean } | null> {
    const n = ++this.current;
    const deadline = Date.now() + spec.timeoutMs;
    let body: Record<string, unknown>;
    try {
      if (this.client === null) throw new RpcError('ERR_RPC_CLOSED', 'the function is not connected');
      body = await this.client.call(FUNCTION_INVOKE, INVOKE_REQUEST, {
        Payload: Buffer.from(call.event, 'utf8'),
        RequestId: call.requestId,
        Deadline: { Seconds: Math.floor(deadline / 1000), Nanos: (deadline % 1000) * 1_000_000 },
        Namespace: spec.namespace,
        FunctionName: spec.functionName,
        FunctionVersion: spec.version,
        MemoryLimitInMb: spec.memoryMb,
        TimeLimitInMs: spec.timeoutMs,
        Environment: JSON.stringify(spec.env),
      });
    } catch (err) {
      if (n !== this.current || this.closed) return null;
      // A closed connection is the process going away: its exit settles the call (439 / 434).
      if (err instanceof RpcError && err.code === 'ERR_RPC_CLOSED') return null;
      return { end: { kind: 'internal', errorMessage: `the Go function's rpc failed: ${(err as Error).message}` }, shouldExit: true };
    }
    if (n !== this.current) return null;
    const reply = invokeReplyOf(body);
    if (reply.ok) return { end: resultOf(reply.payload.toString('utf8')), shouldExit: false };
    return {
      end: { kind: 'user_error', errorMessage: reply.message, ...(reply.stack ? { errorStack: `${reply.type}: ${reply.message}\n${reply.stack}` } : {}) },
      shouldExit: reply.shouldExit,
    };
  }

  /** Gives up the invocation in progress (its late reply is dropped). */
  abandon(): void {
    this.current++;
  }

  close(): void {
    this.closed = true;
    this.client?.close();
  }
}
