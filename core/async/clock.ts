/**
 * The time source of the async queue (leases, back-off, maximum age): the
 * system clock by default, a fake one in tests so a schedule of retries runs
 * without waiting (test/helpers/fake-clock.js).
 */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** Calls `fn` after `ms`; returns what `clearTimer` takes. */
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimer: (fn: () => void, ms: number) => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return timer;
  },
  clearTimer: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
});
