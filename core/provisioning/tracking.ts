/**
 * Dynamic (utilisation-tracking) provisioned concurrency, as a pure
 * decision (platform-semantics §3): keep ceil(concurrency / target usage)
 * instances between a min and a max; a scale-up is taken at once (the
 * service checks every 10 s), a scale-down at most once per 10 minutes.
 */

/** How often the service asks `decide` (ms). */
export const TRACKING_CHECK_MS = 10_000;
/** Least time between two scale-downs (ms). */
export const SCALE_DOWN_EVERY_MS = 10 * 60_000;

export interface TrackingState {
  /** Instances provisioned now. */
  current: number;
  /** When the count last went down (epoch ms; -Infinity = never). */
  lastScaleDownAt: number;
}

/**
 * The count to provision after a check at `now`, given the highest
 * concurrency seen since the last check (`peak`, calls in flight).
 * Returns the new state (the same object when nothing changes).
 */
export function decide(state: TrackingState, peak: number, cfg: { target: number; min: number; max: number }, now: number): TrackingState {
  const wanted = Math.min(cfg.max, Math.max(cfg.min, Math.ceil(peak / cfg.target)));
  if (wanted > state.current) return { current: wanted, lastScaleDownAt: state.lastScaleDownAt };
  if (wanted < state.current && now - state.lastScaleDownAt >= SCALE_DOWN_EVERY_MS) return { current: wanted, lastScaleDownAt: now };
  return state;
}
