/**
 * WebSocket events of one instance's connections (client frames and closes)
 * waiting for the isolate. Events that arrive while an entry runs cross
 * together in the next one (`wsEvents`): one queued entry delivers everything
 * queued by the time it runs.
 */
import type { VersionSpec } from '../types';
import type { EntryPoints } from './entry-points';
import type { Job } from './entry-queue';

const NO_RUN = (): Promise<unknown> => Promise.resolve();

export class WsQueue {
  /** [rid, data, code, reason] × n. */
  private events: unknown[] = [];
  private queued = false;

  constructor(private readonly inst: { readonly api: EntryPoints; readonly spec: VersionSpec }) {}

  /**
   * Adds an event (a client frame, or the close when `d` is null). Returns the
   * entry to queue when none is queued yet, else null.
   */
  add(rid: string, d: string | Uint8Array | null, code: number, reason: string): Job | null {
    // A view into a frame buffer would be cloned with its whole buffer: copy the bytes out.
    this.events.push(rid, d instanceof Uint8Array ? new Uint8Array(d) : d, code, reason);
    if (this.queued) return null;
    this.queued = true;
    return { run: NO_RUN, rid: null, owner: null, collect: this.collect };
  }

  clear(): void {
    this.events = [];
    this.queued = false;
  }

  /** The queued events as one isolate call: a JSON string when all are text or closes. */
  private readonly collect = (): { run: () => Promise<unknown>; rids: string[] } => {
    const list = this.events;
    this.events = [];
    this.queued = false;
    const rids: string[] = [];
    let binary = false;
    for (let i = 0; i < list.length; i += 4) {
      if (!rids.includes(list[i] as string)) rids.push(list[i] as string);
      if (list[i + 1] instanceof Uint8Array) binary = true;
    }
    const timeout = this.inst.spec.timeoutMs + 50;
    const api = this.inst.api;
    const run = binary
      ? () => api.wsEvents.apply(undefined, [list], { timeout, arguments: { copy: true } })
      : () => api.wsEvents.apply(undefined, [JSON.stringify(list)], { timeout });
    return { run, rids };
  };
}
