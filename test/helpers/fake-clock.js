'use strict';
// A fake clock for the async queue (core/async/clock.ts): time moves only
// when the test calls advance(), which fires the timers that fall due, in
// order. Lets a schedule of retries (seconds to hours) run without waiting.

function fakeClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  let nextId = 1;
  const timers = new Map();
  return {
    now: () => now,
    setTimer(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimer(id) {
      timers.delete(id);
    },
    /** Moves time forward by `ms`, firing due timers (those they set too) in time order. */
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let first;
        for (const [id, t] of timers) if (t.at <= end && (!first || t.at < first[1].at)) first = [id, t];
        if (!first) break;
        timers.delete(first[0]);
        now = Math.max(now, first[1].at);
        first[1].fn();
      }
      now = end;
    },
  };
}

module.exports = { fakeClock };
