'use strict';
// Polls until a condition holds (for outcomes that happen after an answer: queued events).

/** Resolves with `fn()`'s first truthy value, polling every 50 ms; rejects after `ms` naming `what`. */
async function until(what, fn, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

module.exports = { until };
