'use strict';
// A stand-in for the capacity owner's Admission in unit tests: grants all
// memory and counts the burst tokens cold starts spend (or refuses them all).

/** Admission that counts burst tokens and grants all memory. */
function countingAdmission(coldStarts = true) {
  const counts = { tokens: 0 };
  const admission = {
    tryAcquire: () => ({ ok: true, release() {} }),
    admitColdStart: () => (coldStarts ? (++counts.tokens, true) : false),
    refuseIfDisabled: () => undefined,
    stats: () => ({}),
  };
  return { admission, counts };
}

module.exports = { countingAdmission };
