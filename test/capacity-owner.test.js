'use strict';
// The capacity owner (core/capacity/capacity.ts): the one place that admits
// a call. Memory is held per busy instance (one per group of N calls with N
// slots); a call beyond the free slots of the instances there are spends one
// burst token — with N slots, one per N calls — even while the executor's
// instance count still lags behind the cold starts.
const t = require('tap');
const { countingAdmission } = require('./helpers/counting-admission');
const { CapacityOwner, AdmissionController } = require('../dist/core/capacity');

/** A capacity target whose executor reports `reported` instances. */
function target(slots, reported = 0, memoryMb = 128, functionName = 'f') {
  return { key: `k-${functionName}`, namespace: 'default', functionName, memoryMb, slots, instanceCount: () => reported };
}

t.test('500 calls at once with 100 slots per instance spend 5 tokens', async (t) => {
  const { admission, counts } = countingAdmission();
  const owner = new CapacityOwner(admission);
  const now = Date.now();
  let admitted = 0;
  for (let i = 0; i < 500; i++) if (owner.enter(target(100), now).ok) admitted++;
  t.equal(admitted, 500);
  t.equal(counts.tokens, 5);
});

t.test('one slot per instance: one token per concurrent call; a freed slot is reused', async (t) => {
  const { admission, counts } = countingAdmission();
  const owner = new CapacityOwner(admission);
  const now = Date.now();
  const tickets = [];
  for (let i = 0; i < 20; i++) tickets.push(owner.enter(target(1), now).ticket);
  t.equal(counts.tokens, 20);
  // A call that left frees its instance for the next one while others are still in flight: no new token.
  tickets[0].release();
  t.ok(owner.enter(target(1), now + 10).ok);
  t.equal(counts.tokens, 20);
});

t.test('a slot freed at response end counts for scale-out before the call is released', async (t) => {
  const { admission, counts } = countingAdmission();
  const owner = new CapacityOwner(admission);
  const now = Date.now();
  const first = owner.enter(target(1), now).ticket;
  t.equal(counts.tokens, 1);
  first.slotFreed();
  owner.enter(target(1), now + 1);
  t.equal(counts.tokens, 1, 'the next call takes the freed slot');
  first.release();
  first.release();
  t.same(owner.inFlight()['k-f'].calls, 1, 'release is idempotent');
});

t.test('warm instances the executor reports spend no token', async (t) => {
  const { admission, counts } = countingAdmission();
  const owner = new CapacityOwner(admission);
  const now = Date.now();
  for (let i = 0; i < 3; i++) owner.enter(target(1, 3), now);
  t.equal(counts.tokens, 0);
  owner.enter(target(1, 3), now);
  t.equal(counts.tokens, 1, 'the fourth concurrent call needs a new instance');
});

t.test('scale-limited: nothing counted, the memory taken is given back', async (t) => {
  const admission = new AdmissionController({ accountMb: 128_000, floorMb: 12_800, burstPerMinute: 1 });
  const owner = new CapacityOwner(admission);
  const now = Date.now();
  t.ok(owner.enter(target(1), now).ok);
  const refused = owner.enter(target(1), now);
  t.match(refused, { ok: false, outcome: 'scale_limited' });
  t.match(admission.stats(), { inUseMb: 128, leases: 1 }, 'only the admitted call holds memory');
  t.same(Object.keys(owner.inFlight()), ['k-f']);
});

t.test('per-instance memory: a multi-slot instance holds its memory once', async (t) => {
  const admission = new AdmissionController({ accountMb: 128_000, floorMb: 12_800, burstPerMinute: 0 });
  admission.setReserved('default', 'web', 512);
  const owner = new CapacityOwner(admission);
  const web = target(3, 0, 512, 'web');
  const now = Date.now();
  const calls = [owner.enter(web, now), owner.enter(web, now), owner.enter(web, now)];
  t.ok(calls.every((c) => c.ok), 'three requests share one instance');
  t.match(admission.stats().functions.find((f) => f.functionName === 'web'), { inUseMb: 512, leases: 1 });
  t.match(owner.enter(web, now), { ok: false, outcome: 'throttled' }, 'a second instance does not fit in 512 MB');
  calls[0].ticket.release();
  calls[0].ticket.release();
  t.equal(owner.inFlight()['k-web'].calls, 2, 'release is idempotent');
  t.match(admission.stats(), { inUseMb: 512 }, 'the instance is still busy');
  calls[1].ticket.release();
  calls[2].ticket.release();
  t.match(admission.stats(), { inUseMb: 0, leases: 0 }, 'last call out gives the memory back');
  t.same(owner.inFlight(), {}, 'an idle version is forgotten');
  const again = [owner.enter(web, now), owner.enter(web, now)];
  t.ok(again.every((c) => c.ok));
  admission.setReserved('default', 'web', 0);
  t.match(owner.enter(web, now), { ok: false, outcome: 'throttled', reason: /disabled/ }, 'disabled refuses even a busy instance');
  t.equal(admission.stats().throttled.concurrency432, 2);
});

/** A dynamic target (100 slots at most) whose executor reports `executor.busy` busy instances. */
function dynamicTarget(functionName, executor) {
  return { key: `k-${functionName}`, namespace: 'default', functionName, memoryMb: 128, slots: 100, dynamic: true, instanceCount: () => executor.busy, busyInstanceCount: () => executor.busy };
}

/** Admission with `quota.free` instances' worth of memory (counted in `quota.held`), burst unlimited. */
function leasingAdmission(quota) {
  return {
    tryAcquire: () => {
      if (quota.free <= 0) return { ok: false, reason: 'quota' };
      quota.free--;
      quota.held++;
      let released = false;
      return { ok: true, release() { if (!released) { released = true; quota.free++; quota.held--; } } };
    },
    admitColdStart: () => true,
    refuseIfDisabled: () => undefined,
    stats: () => ({}),
  };
}

t.test('dynamic concurrency: memory follows the busy instances the executor reports, within one per call and one per 100 calls', async (t) => {
  const quota = { free: Infinity, held: 0 };
  const owner = new CapacityOwner(leasingAdmission(quota));
  const executor = { busy: 1 };
  const dyn = dynamicTarget('dyn', executor);
  const now = Date.now();
  const tickets = [];
  for (let i = 0; i < 3; i++) tickets.push(owner.enter(dyn, now).ticket);
  t.equal(quota.held, 1, '3 calls on one busy instance hold one instance of memory');
  executor.busy = 3; // the executor spread them over three instances (one fell behind)
  tickets.push(owner.enter(dyn, now).ticket);
  t.equal(quota.held, 3, 'three busy instances hold three');
  executor.busy = 10;
  tickets.push(owner.enter(dyn, now).ticket);
  t.equal(quota.held, 5, 'never more than one per call in flight');
  executor.busy = 1;
  tickets.pop().release();
  t.equal(quota.held, 1, 'given back as the instances go idle');
  for (const ticket of tickets) ticket.release();
  t.equal(quota.held, 0, 'nothing held once every call left');
});

t.test('dynamic concurrency: a busy instance the quota cannot cover refuses the call (432) and keeps nothing of it', async (t) => {
  const quota = { free: 2, held: 0 };
  const owner = new CapacityOwner(leasingAdmission(quota));
  const executor = { busy: 1 };
  const dyn = dynamicTarget('dyn2', executor);
  const a = owner.enter(dyn, Date.now());
  const b = owner.enter(dyn, Date.now());
  t.ok(a.ok && b.ok);
  executor.busy = 3;
  const c = owner.enter(dyn, Date.now());
  t.equal(c.ok, false, 'a third busy instance is over the quota');
  t.equal(c.outcome, 'throttled');
  t.equal(quota.held, 2, 'the two calls admitted hold what the quota had');
  executor.busy = 1;
  a.ticket.release();
  b.ticket.release();
  t.equal(quota.held, 0, 'all of it back');
});
