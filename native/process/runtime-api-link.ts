/**
 * The process executor's side of the custom runtime (spec: runtime-api.md,
 * "Custom runtime"): one RuntimeApiServer (native/custom) per instance, the
 * variables that tell scf_bootstrap where it is, and the translation of the
 * runtime's answer into the invocation's ending. The instance (instance.ts)
 * owns the process, the deadline and the exit; this owns the HTTP side.
 *
 * Two places to listen: on the host's 127.0.0.1 (an ephemeral port, only the
 * instance's uid admitted) when the instance shares the host's network, or
 * at a fixed port on 127.0.0.1 inside the instance's own network namespace
 * (`inNamespace`: nothing else listens in a fresh namespace, so the port is
 * known before the spawn; the listening socket is adopted once the
 * namespace exists, before scf_bootstrap is let through the start gate).
 */
import type net from 'node:net';
import { RuntimeApiError, RuntimeApiServer, type PeerLookup, type RuntimeAnswer } from '../custom';
import type { EventCall, VersionSpec } from '../../executor';
import type { Ending } from './instance';
import { MAX_RESULT_BYTES, resultOf, resultTooLarge } from './results';

/** Where the runtime API listens inside an instance's own network namespace (127.0.0.1; web functions use 9000). */
export const RUNTIME_API_PORT_IN_NAMESPACE = 9001;

export class RuntimeApiLink {
  private constructor(private readonly server: RuntimeApiServer, readonly host: string, readonly port: number) {}

  /** Listens on the host's loopback for one instance; only `allowedUid` may connect (null: any local process — the server is not root). */
  static async open(allowedUid: number | null, peerLookup: PeerLookup): Promise<RuntimeApiLink> {
    const server = new RuntimeApiServer({ allowedUid, peerLookup, maxBodyBytes: MAX_RESULT_BYTES });
    const { host, port } = await server.listen();
    return new RuntimeApiLink(server, host, port);
  }

  /** For an instance with its own network namespace: serves once `adopt` hands it the socket listening in there. */
  static inNamespace(): RuntimeApiLink {
    return new RuntimeApiLink(new RuntimeApiServer({ allowedUid: null, maxBodyBytes: MAX_RESULT_BYTES }), '127.0.0.1', RUNTIME_API_PORT_IN_NAMESPACE);
  }

  /** Serves on the socket listening at 127.0.0.1:RUNTIME_API_PORT_IN_NAMESPACE in the instance's namespace. */
  adopt(listening: net.Server): void {
    this.server.adopt(listening);
  }

  /** The runtime's first POST /runtime/init/ready. */
  get ready(): Promise<void> {
    return this.server.ready;
  }

  /** The variables scf_bootstrap gets (the spec's; they win over the function's own). */
  env(spec: VersionSpec): Record<string, string> {
    return { SCF_RUNTIME_API: this.host, SCF_RUNTIME_API_PORT: String(this.port), _HANDLER: spec.handler };
  }

  /**
   * Hands the event out; resolves with how the runtime answered, or null when
   * the invocation was abandoned (the instance's deadline, exit or abort
   * settled it first). Never rejects.
   */
  async invoke(call: EventCall, spec: VersionSpec): Promise<Ending | null> {
    let answer: RuntimeAnswer;
    try {
      answer = await this.server.invoke({ requestId: call.requestId, event: call.event, memoryMb: spec.memoryMb, timeoutMs: spec.timeoutMs });
    } catch (err) {
      if (err instanceof RuntimeApiError && (err.code === 'ERR_RUNTIME_API_ABANDONED' || err.code === 'ERR_RUNTIME_API_CLOSED')) return null;
      return { kind: 'internal', errorMessage: `the runtime API failed: ${(err as Error).message}` };
    }
    return endingOf(answer);
  }

  /** Gives up the invocation in progress (if any): later posts for it get 400. */
  abandon(): void {
    this.server.abandon();
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/**
 * The runtime's answer as the invocation's ending. A response body is the
 * function's result: JSON text as it is, anything else as a JSON string (as
 * the cloud returns it); an error body is the error message (430).
 */
export function endingOf(answer: RuntimeAnswer): Ending {
  switch (answer.kind) {
    case 'too_large':
      return resultTooLarge();
    case 'error':
      return { kind: 'user_error', errorMessage: answer.body };
    case 'response':
      return resultOf(answer.body);
  }
}
