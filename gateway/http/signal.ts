/**
 * A minimal AbortSignal for one data-plane call. Node's AbortController
 * costs ~5 % of the gateway's per-request CPU (measured with a stub runtime:
 * createAbortSignal + its SafeMap were the top self-time entries), and the
 * signal fires at most once per call, so this keeps only what the runtime's
 * face uses: `aborted`, `reason`, `addEventListener('abort')`,
 * `removeEventListener`, `onabort`, `throwIfAborted`.
 * TODO(perf): if the runtime ever hands the signal to a Node API that
 * brand-checks it (fetch, AbortSignal.any), create a real AbortController
 * lazily there instead.
 */
type Listener = (event: { type: 'abort' }) => void;

export class CallSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: Listener | null = null;
  private listeners: Listener[] | undefined;

  addEventListener(type: string, listener: Listener): void {
    if (type !== 'abort') return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    if (type !== 'abort' || !this.listeners) return;
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** Fires once; later calls do nothing. */
  abort(reason: unknown = new Error('the call was aborted')): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners ?? [];
    this.listeners = undefined;
    const event = { type: 'abort' as const };
    try {
      this.onabort?.(event);
    } catch (err) {
      console.error('[gateway] abort listener failed:', err);
    }
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        console.error('[gateway] abort listener failed:', err);
      }
    }
  }

  /** This object where an AbortSignal is expected (see the class comment for the subset it supports). */
  asAbortSignal(): AbortSignal {
    return this as unknown as AbortSignal;
  }
}
