'use strict';
/**
 * The load generator: one autocannon run against a URL, reduced to the
 * figures the benches print. Runs in the bench process, never in the
 * server's.
 */
const autocannon = require('autocannon');

/**
 * Runs autocannon for `duration` seconds with `connections` connections and
 * resolves { rps, p50, p99, mean, requests, errors, breakdown, sample }.
 * `errors` counts everything that was not a good answer: socket errors,
 * timeouts, non-2xx statuses and bodies `verifyBody` rejected (mismatches);
 * `sample` holds the first rejected body, to say why. rps is completed
 * requests per second averaged over the run; p50/p99/mean are latencies in
 * ms (µs resolution) over every answered request.
 */
async function runLoad({ url, method = 'GET', headers, body, connections, duration, verifyBody, pipelining = 1 }) {
  let sample;
  const latencies = new Recorder();
  const verify = verifyBody
    ? (text) => {
        const ok = verifyBody(text);
        if (!ok && sample === undefined) sample = String(text).slice(0, 300);
        return ok;
      }
    : undefined;
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, method, headers, body, connections, duration, pipelining, verifyBody: verify, timeout: 10 },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    // autocannon's own histogram has 1 ms resolution (0 or 1 ms for a hello server); keep the exact times instead.
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.add(responseTime));
    // autocannon keeps running on socket errors; remember the first one so a refused server is explained.
    instance.on('reqError', (err) => {
      if (sample === undefined) sample = `request error: ${err.message}`;
    });
  });
  const breakdown = {
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches ?? 0,
  };
  const completed = result.requests.total;
  return {
    rps: completed / (result.duration || duration),
    p50: latencies.percentile(50),
    p99: latencies.percentile(99),
    mean: latencies.mean(),
    requests: completed,
    errors: breakdown.errors + breakdown.timeouts + breakdown.non2xx + breakdown.mismatches,
    breakdown,
    sample,
  };
}

/** Latencies (ms) in a growable Float64Array: cheap to add at 50k+ per second, sorted once at the end. */
class Recorder {
  constructor() {
    this.values = new Float64Array(1 << 16);
    this.length = 0;
    this.sorted = undefined;
  }
  add(ms) {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = ms;
  }
  /** Nearest-rank percentile, rounded to µs; NaN when nothing was recorded. */
  percentile(p) {
    if (this.length === 0) return NaN;
    this.sorted ??= this.values.slice(0, this.length).sort();
    const rank = Math.min(this.length, Math.max(1, Math.ceil((p / 100) * this.length)));
    return Math.round(this.sorted[rank - 1] * 1000) / 1000;
  }
  mean() {
    if (this.length === 0) return NaN;
    let sum = 0;
    for (let i = 0; i < this.length; i++) sum += this.values[i];
    return Math.round((sum / this.length) * 1000) / 1000;
  }
}

module.exports = { runLoad, Recorder };
