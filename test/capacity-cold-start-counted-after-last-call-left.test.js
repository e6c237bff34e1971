'use strict';
// A cold-started call can answer before its executor reports the new
// instance (the isolate hosts send their pool counts on a 10 ms timer). The
// capacity owner used to forget a version as soon as its last call left, and
// with it the instance it had just admitted: a call sent right after the
// first one answered read the executor's stale count of 0 and spent a second
// burst token for an instance that already existed (seen in CI: with a burst
// limit of 2, the next instance the platform needed was then refused).
const t = require('tap');
const { countingAdmission } = require('./helpers/counting-admission');
const { CapacityOwner } = require('../dist/core/capacity');

/** A one-slot target whose executor never reports an instance (its count lags). */
const lagging = { key: 'k-f', namespace: 'default', functionName: 'f', memoryMb: 128, slots: 1, instanceCount: () => 0 };

t.test('the next call right after the first one answered spends no second token', async (t) => {
  const { admission, counts } = countingAdmission();
  const owner = new CapacityOwner(admission);
  const now = Date.now();
  owner.enter(lagging, now).ticket.release();
  t.equal(counts.tokens, 1, 'the first call started an instance');
  t.same(owner.inFlight(), {}, 'no call in flight');
  owner.enter(lagging, now + 20).ticket.release();
  t.equal(counts.tokens, 1, 'the instance admitted 20 ms ago is still counted');
  owner.enter(lagging, now + 900).ticket.release();
  t.equal(counts.tokens, 1, 'and 900 ms after it was admitted');
});

t.test('past the trust window the executor\'s count is believed again', async (t) => {
  const { admission, counts } = countingAdmission();
  const owner = new CapacityOwner(admission);
  const now = Date.now();
  owner.enter(lagging, now).ticket.release();
  owner.enter(lagging, now + 1500).ticket.release();
  t.equal(counts.tokens, 2, 'the executor says no instance 1.5 s later: a new one is needed');
});

t.test('idle versions are forgotten once the window has passed', async (t) => {
  const { admission } = countingAdmission();
  const owner = new CapacityOwner(admission);
  const now = Date.now();
  for (let i = 0; i < 50; i++) owner.enter({ ...lagging, key: `k-${i}`, functionName: `f${i}` }, now).ticket.release();
  t.equal(owner.versions.size, 50, 'kept while their instances may be missing from the count');
  owner.enter(lagging, now + 1500).ticket.release();
  t.equal(owner.versions.size, 1, 'swept by the next call after the window: only the version just called is kept');
});
