/**
 * A fixed-bucket log histogram of durations (ms): the quantile sketch behind
 * the per-minute p50/p99. Recording is one `Math.log` and one increment into
 * a preallocated Uint32Array; sketches of the same layout merge by adding
 * buckets, so minutes of several series (or several processes) combine
 * without keeping samples.
 *
 * Layout: bucket 0 holds every value ≤ MIN_MS (0.01 ms); bucket i ≥ 1 holds
 * (MIN_MS·R^(i−1), MIN_MS·R^i] with R = 1.1, up to MAX_MS (10^6 ms, longer
 * than the 900 s timeout ceiling; larger values land in the last bucket).
 *
 * Error bound. A quantile is answered with the geometric middle of the bucket
 * holding the nearest-rank sample (rank ⌈q·n⌉), clamped to the minimum and
 * maximum seen. The exact nearest-rank value lies in the same bucket, so the
 * estimate is within √1.1 − 1 ≈ 4.9 % of it (relative), or within 0.01 ms for
 * values ≤ 0.01 ms. test/metrics.test.js checks the bound on random samples.
 */

export const MIN_MS = 0.01;
export const MAX_MS = 1_000_000;
export const RATIO = 1.1;
const LN_RATIO = Math.log(RATIO);
/** Number of buckets: bucket 0 plus ⌈log_R(MAX/MIN)⌉. */
export const BUCKETS = 1 + Math.ceil(Math.log(MAX_MS / MIN_MS) / LN_RATIO);
/** The relative error bound stated above. */
export const RELATIVE_ERROR = Math.sqrt(RATIO) - 1;

/** Index of the bucket holding `ms`. */
export function bucketOf(ms: number): number {
  if (!(ms > MIN_MS)) return 0; // NaN and negatives too
  const i = Math.ceil(Math.log(ms / MIN_MS) / LN_RATIO);
  return i < BUCKETS ? i : BUCKETS - 1;
}

/** The largest value bucket `i` holds (the last bucket also holds everything above it). */
export function upperBoundOf(i: number): number {
  return MIN_MS * Math.pow(RATIO, i);
}

/** The value a quantile falling into bucket `i` is reported as. */
function representative(i: number): number {
  return i === 0 ? MIN_MS : MIN_MS * Math.pow(RATIO, i - 0.5);
}

export const newBuckets = (): Uint32Array => new Uint32Array(BUCKETS);

/**
 * The nearest-rank `q` quantile (0 < q ≤ 1) of the samples counted in
 * `buckets` (`count` of them), clamped to [min, max]; 0 when empty.
 */
export function quantile(buckets: Uint32Array, count: number, q: number, min: number, max: number): number {
  if (count <= 0) return 0;
  const rank = Math.max(1, Math.ceil(q * count));
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i]!;
    if (seen >= rank) return Math.min(max, Math.max(min, representative(i)));
  }
  return max;
}

/** Adds `from` into `into` (same layout). */
export function mergeBuckets(into: Uint32Array, from: Uint32Array): void {
  for (let i = 0; i < into.length; i++) into[i]! += from[i]!;
}

/**
 * Sparse bytes for storage: (index, count) pairs of the non-empty buckets as
 * little-endian u32. A minute of a busy function takes a few dozen pairs.
 */
export function encodeBuckets(buckets: Uint32Array): Buffer {
  let used = 0;
  for (let i = 0; i < buckets.length; i++) if (buckets[i] !== 0) used++;
  const out = Buffer.allocUnsafe(used * 8);
  let at = 0;
  for (let i = 0; i < buckets.length; i++) {
    const n = buckets[i]!;
    if (n === 0) continue;
    out.writeUInt32LE(i, at);
    out.writeUInt32LE(n, at + 4);
    at += 8;
  }
  return out;
}

/** Adds the sparse pairs of `bytes` (from encodeBuckets) into `into`; ignores out-of-range indexes. */
export function addEncoded(into: Uint32Array, bytes: Uint8Array | null): void {
  if (!bytes) return;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 8 <= view.length; at += 8) {
    const i = view.readUInt32LE(at);
    if (i < into.length) into[i]! += view.readUInt32LE(at + 4);
  }
}
