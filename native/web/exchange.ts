/**
 * The one ending of a proxied exchange (HTTP or WebSocket): the first of
 * the proxy's own decision, the execution timeout, the client going away
 * and the instance's exit wins; the others are ignored and every watcher is
 * removed.
 */
import type { OutcomeKind } from '../../executor';
import type { WebInstance } from './instance';

export interface ExchangeEnding {
  /** Ends the exchange as `kind` (ignored once it ended). */
  finish(kind: OutcomeKind, message?: string): void;
  readonly settled: boolean;
}

/**
 * Watches the exchange: the timeout after `timeoutMs` ('timeout', "time
 * out"), `signal` ('canceled', while `cancelable()` says so), the
 * instance's exit (its kind). `onEnd` runs once, with the winner.
 */
export function watchExchange(
  inst: WebInstance,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  cancelable: () => boolean,
  onEnd: (kind: OutcomeKind, message: string | undefined) => void,
): ExchangeEnding {
  let settled = false;
  const finish = (kind: OutcomeKind, message?: string): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    unwatch();
    onEnd(kind, message);
  };
  const timer = setTimeout(() => finish('timeout', 'time out'), timeoutMs);
  const onAbort = (): void => { if (cancelable()) finish('canceled', 'the client went away'); };
  signal?.addEventListener('abort', onAbort, { once: true });
  const unwatch = inst.onExit((f) => finish(f.kind, f.errorMessage));
  if (signal?.aborted) queueMicrotask(onAbort);
  return {
    finish,
    get settled() {
      return settled;
    },
  };
}
