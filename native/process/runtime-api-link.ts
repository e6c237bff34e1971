/**
 * The process executor's side of the custom runtime (spec: runtime-api.md,
 * "Custom runtime"): one RuntimeApiServer (native/custom) per instance, the
 * variables that tell scf_bootstrap where it is, and the translation of the
 * runtime's answer into the invocation's ending. The instance (instance.ts)
 * owns the process, the deadline and the exit; this owns the HTTP side.
 */
import { RuntimeApiError, RuntimeApiServer, type PeerLookup, type RuntimeAnswer } from '../custom';
import type { EventCall, VersionSpec } from '../../executor';
import type { Ending } from './instance';
import { MAX_RESULT_BYTES, resultOf, resultTooLarge } from './results';

export class RuntimeApiLink {
  private constructor(private readonly server: RuntimeApiServer, private readonly host: string, private readonly port: number) {}

  /** Listens for one instance; only `allowedUid` may connect (null: any local process — the server is not root). */
  static async open(allowedUid: number | null, peerLookup: PeerLookup): Promise<RuntimeApiLink> {
    const server = new RuntimeApiServer({ allowedUid, peerLookup, maxBodyBytes: MAX_RESULT_BYTES });
    const { host, port } = await server.listen();
    return new RuntimeApiLink(server, host, port);
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
