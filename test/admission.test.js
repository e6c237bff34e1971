'use strict';
// Concurrency admission (platform-semantics §3) in memory: reserved quotas,
// the shared account quota, the 12,800 MB floor, the burst limit, idempotent
// release; then the ConcurrencyService that feeds it, over a real store.
const t = require('tap');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { AdmissionController, unlimitedAdmission } = require('../dist/core/capacity/admission');
const { resolveConfig, defaultConfig } = require('../dist/core/config/config');
const { startPlatform } = require('../dist/core/platform');
const { makeZip } = require('./helpers/zip');

const fn = (functionName, memoryMb = 128, namespace = 'default') => ({ namespace, functionName, memoryMb });
const fakeClock = (start = 1_000_000) => {
  const clock = { ms: start, now: () => clock.ms };
  return clock;
};
const fnStats = (admission, name) => admission.stats().functions.find((f) => f.functionName === name);

t.test('defaults come from the config', async (t) => {
  t.equal(defaultConfig.accountConcurrencyMb, 128_000);
  t.equal(defaultConfig.unreservedFloorMb, 12_800);
  t.equal(defaultConfig.burstPerMinute, 500);
  t.throws(() => resolveConfig({ unreservedFloorMb: 2000, accountConcurrencyMb: 1000 }), /unreservedFloorMb/);
});

t.test('reserved 0 disables the function: every call is 432', async (t) => {
  const admission = new AdmissionController({ accountMb: 128_000, floorMb: 12_800, burstPerMinute: 500 });
  admission.setReserved('default', 'off', 0);
  for (let i = 0; i < 5; i++) {
    const r = admission.tryAcquire(fn('off'));
    t.match(r, { ok: false, limit: 'disabled' });
  }
  t.equal(admission.stats().inUseMb, 0);
  t.equal(admission.stats().throttled.concurrency432, 5, 'each refusal counted');
  t.equal(fnStats(admission, 'off').throttled432, 5);
  t.ok(admission.tryAcquire(fn('other')).ok, 'other functions are unaffected');
});

t.test('reserved N MB with N/mem + 1 concurrent acquisitions: exactly one refused', async (t) => {
  const admission = new AdmissionController({ accountMb: 128_000, floorMb: 12_800, burstPerMinute: 500 });
  admission.setReserved('default', 'capped', 512);
  const results = [];
  for (let i = 0; i < 512 / 256 + 1; i++) results.push(admission.tryAcquire(fn('capped', 256)));
  t.equal(results.filter((r) => r.ok).length, 2);
  const refused = results.filter((r) => !r.ok);
  t.equal(refused.length, 1, 'exactly one refused');
  t.match(refused[0], { limit: 'reserved' });
  t.match(fnStats(admission, 'capped'), { reservedMb: 512, inUseMb: 512, leases: 2, throttled432: 1 });
  results[0].release();
  t.ok(admission.tryAcquire(fn('capped', 256)).ok, 'a released slot is usable again');
  t.notOk(admission.tryAcquire(fn('capped', 128)).ok, 'and the cap holds again');
});

t.test('account quota is shared by unreserved functions; a reservation is exclusive', async (t) => {
  const admission = new AdmissionController({ accountMb: 1024, floorMb: 256, burstPerMinute: 500 });
  admission.setReserved('default', 'vip', 512);
  // 1024 − 512 reserved = 512 MB for everyone else, across functions and namespaces.
  t.ok(admission.tryAcquire(fn('a', 256)).ok);
  t.ok(admission.tryAcquire(fn('b', 128, 'other')).ok);
  t.ok(admission.tryAcquire(fn('c', 128)).ok);
  const over = admission.tryAcquire(fn('a', 128));
  t.match(over, { ok: false, limit: 'account' }, 'shared pool exhausted');
  t.equal(admission.stats().sharedInUseMb, 512);
  // The reserved function still has all of its 512 MB although the shared pool is full.
  const vip = [admission.tryAcquire(fn('vip', 256)), admission.tryAcquire(fn('vip', 256))];
  t.ok(vip.every((r) => r.ok), 'reservation available while others are throttled');
  t.match(admission.stats(), { inUseMb: 1024, sharedCapacityMb: 512, reservedMb: 512, throttled: { concurrency432: 1 } });
  // Lowering the account quota applies to new acquisitions only.
  admission.setAccountQuota(768);
  vip[0].release();
  t.notOk(admission.tryAcquire(fn('c', 128)).ok, 'shared pool is now 256 MB, all in use');
});

t.test('the floor stays unreserved in admission even if reservations overrun it', async (t) => {
  const admission = new AdmissionController({ accountMb: 1024, floorMb: 256, burstPerMinute: 500 });
  admission.setReserved('default', 'greedy', 1024); // the service refuses this; admission must still keep the floor
  t.equal(admission.stats().sharedCapacityMb, 256);
  t.ok(admission.tryAcquire(fn('small', 128)).ok);
  t.ok(admission.tryAcquire(fn('small', 128)).ok);
  t.notOk(admission.tryAcquire(fn('small', 128)).ok, 'exactly the floor');
  admission.setReserved('default', 'greedy', null);
  t.equal(admission.stats().sharedCapacityMb, 1024, 'clearing the reservation returns it to the pool');
});

t.test('release credits the pool charged at acquisition, and is idempotent', async (t) => {
  const admission = new AdmissionController({ accountMb: 1024, floorMb: 256, burstPerMinute: 500 });
  const shared = admission.tryAcquire(fn('f', 256));
  admission.setReserved('default', 'f', 512);
  const reserved = admission.tryAcquire(fn('f', 256));
  t.ok(reserved.ok);
  t.match(admission.stats(), { inUseMb: 512, sharedInUseMb: 256 });
  shared.release();
  shared.release();
  shared.release();
  t.match(admission.stats(), { inUseMb: 256, sharedInUseMb: 0, leases: 1 }, 'double release changes nothing');
  reserved.release();
  reserved.release();
  t.match(admission.stats(), { inUseMb: 0, sharedInUseMb: 0, leases: 0 });
  t.match(fnStats(admission, 'f'), { inUseMb: 0, leases: 0 });
  // Counts are still right afterwards.
  const again = [admission.tryAcquire(fn('f', 256)), admission.tryAcquire(fn('f', 256)), admission.tryAcquire(fn('f', 256))];
  t.same(again.map((r) => r.ok), [true, true, false]);
});

t.test('forgetting a deleted function: old leases release cleanly, a new namesake starts clean', async (t) => {
  const admission = new AdmissionController({ accountMb: 1024, floorMb: 256, burstPerMinute: 500 });
  admission.setReserved('default', 'f', 128);
  const old = admission.tryAcquire(fn('f', 128));
  admission.forget('default', 'f');
  t.equal(admission.stats().reservedMb, 0);
  const fresh = admission.tryAcquire(fn('f', 128));
  t.ok(fresh.ok, 'recreated function is not capped by the old reservation');
  old.release();
  old.release();
  fresh.release();
  t.match(admission.stats(), { inUseMb: 0, sharedInUseMb: 0, leases: 0 });
});

t.test('burst limit: admitColdStart is false beyond the rate and true again after the window', async (t) => {
  const clock = fakeClock();
  const throttles = [];
  const admission = new AdmissionController({
    accountMb: 128_000,
    floorMb: 12_800,
    burstPerMinute: 6,
    now: clock.now,
    observer: { throttled: (e) => throttles.push(e) },
  });
  const start = () => admission.admitColdStart({ namespace: 'default', functionName: 'f' });
  t.same(Array.from({ length: 6 }, start), [true, true, true, true, true, true]);
  t.equal(start(), false, 'the 7th new instance within the minute is refused');
  t.equal(start(), false);
  t.match(admission.stats().throttled, { burst429: 2 });
  t.match(fnStats(admission, 'f'), { throttled429: 2 });
  t.match(throttles, [{ outcome: 'scale_limited', functionName: 'f' }, { outcome: 'scale_limited' }]);
  clock.ms += 10_000; // 6 per minute = one per 10 s
  t.equal(start(), true, 'one token back after 10 s');
  t.equal(start(), false);
  clock.ms += 60_000;
  t.same(Array.from({ length: 7 }, start), [true, true, true, true, true, true, false], 'a full window later the whole burst is back, no more');
  t.equal(admission.stats().coldStarts.admitted, 13);
  const unlimited = new AdmissionController({ accountMb: 1, floorMb: 0, burstPerMinute: 0 });
  t.ok(Array.from({ length: 1000 }, () => unlimited.admitColdStart()).every(Boolean), 'burstPerMinute 0 means no limit');
});

t.test('burst limit: instances added under dynamic concurrency spend the same tokens, and a refusal is no throttle', async (t) => {
  const clock = fakeClock();
  const throttles = [];
  const admission = new AdmissionController({
    accountMb: 128_000,
    floorMb: 12_800,
    burstPerMinute: 3,
    now: clock.now,
    observer: { throttled: (e) => throttles.push(e) },
  });
  t.equal(admission.admitColdStart({ namespace: 'default', functionName: 'f' }), true);
  t.same([admission.admitScaleOut(), admission.admitScaleOut(), admission.admitScaleOut()], [true, true, false], 'two tokens left after the cold start');
  t.equal(admission.admitColdStart({ namespace: 'default', functionName: 'f' }), false, 'the added instances spent the cold starts\' tokens');
  t.match(admission.stats().throttled, { burst429: 1 }, 'only the refused cold start counts as a throttle');
  t.equal(throttles.length, 1);
  t.equal(admission.stats().coldStarts.admitted, 3);
  clock.ms += 20_000; // 3 per minute = one per 20 s
  t.equal(admission.admitScaleOut(), true, 'one token back after 20 s');
  const unlimited = new AdmissionController({ accountMb: 1, floorMb: 0, burstPerMinute: 0 });
  t.ok(Array.from({ length: 1000 }, () => unlimited.admitScaleOut()).every(Boolean), 'burstPerMinute 0 means no limit');
});

t.test('the observer sees 432s with their reason', async (t) => {
  const events = [];
  const admission = new AdmissionController({ accountMb: 256, floorMb: 128, burstPerMinute: 500, observer: { throttled: (e) => events.push(e) } });
  admission.setReserved('ns', 'f', 0);
  admission.tryAcquire(fn('f', 128, 'ns'));
  t.match(events, [{ namespace: 'ns', functionName: 'f', reason: /disabled/ }]);
  const broken = new AdmissionController({ accountMb: 256, floorMb: 128, burstPerMinute: 500, observer: { throttled: () => { throw new Error('observer bug'); } } });
  broken.setReserved('ns', 'f', 0);
  const origError = console.error;
  console.error = () => {};
  t.teardown(() => (console.error = origError));
  t.match(broken.tryAcquire(fn('f', 128, 'ns')), { ok: false, limit: 'disabled' }, 'a throwing observer does not break admission');
});

t.test('bad inputs are programming errors', async (t) => {
  t.throws(() => new AdmissionController({ accountMb: -1, floorMb: 0, burstPerMinute: 1 }), RangeError);
  const admission = new AdmissionController({ accountMb: 1024, floorMb: 0, burstPerMinute: 1 });
  t.throws(() => admission.tryAcquire(fn('f', 0)), RangeError);
  t.throws(() => admission.tryAcquire(fn('f', NaN)), RangeError);
  t.equal(admission.stats().inUseMb, 0);
});

t.test('unlimitedAdmission admits everything', async (t) => {
  const r = unlimitedAdmission.tryAcquire(fn('f', 3072));
  t.ok(r.ok);
  r.release();
  t.ok(unlimitedAdmission.admitColdStart());
  t.equal(unlimitedAdmission.refuseIfDisabled({ namespace: 'default', functionName: 'f' }), undefined);
});

// ---- ConcurrencyService over a real store ----

async function openPlatform(t, dataDir, overrides = {}) {
  const config = resolveConfig({
    dataDir,
    accountConcurrencyMb: 2048,
    unreservedFloorMb: 512,
    ...('deploySample' in defaultConfig ? { deploySample: false } : {}),
    ...overrides,
  });
  const { platform } = await startPlatform(config);
  t.teardown(() => platform.close());
  return platform;
}

const ZIP = makeZip({ 'index.js': 'exports.main_handler = async () => "ok";\n' }).toString('base64');
const create = (platform, name, namespace = 'default') =>
  platform.functions.create(namespace, name, { Runtime: 'Nodejs18.15', Handler: 'index.main_handler', Code: { ZipFile: ZIP } });
const codeOf = (fn) => {
  try {
    fn();
  } catch (err) {
    return err.code;
  }
  return 'no error';
};

t.test('ConcurrencyService: Put/Get/Delete reserved, the floor, the total, persistence', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-admission-'));
  t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const platform = await openPlatform(t, dataDir);
  const { concurrency, admission } = platform;
  await create(platform, 'fa');
  await create(platform, 'gb');

  t.equal(concurrency.totalMemory(), 2048, 'account quota from the config');
  t.equal(concurrency.getReserved('default', 'fa'), null);
  concurrency.putReserved('default', 'fa', 1024);
  t.equal(concurrency.getReserved('default', 'fa'), 1024);
  t.equal(platform.store.functions.get('default', 'fa').reserved_memory, 1024, 'stored in functions.reserved_memory');
  t.match(fnStats(admission, 'fa'), { reservedMb: 1024 }, 'pushed into admission');

  // 2048 − 512 floor − 1024 (f) = 512 left to reserve.
  t.equal(codeOf(() => concurrency.putReserved('default', 'gb', 513)), 'LimitExceeded.FunctionReservedConcurrencyMemory', 'would break the floor');
  t.equal(codeOf(() => concurrency.putReserved('default', 'fa', 1537)), 'LimitExceeded.FunctionReservedConcurrencyMemory', 'own old value not double counted');
  concurrency.putReserved('default', 'fa', 1536);
  t.equal(codeOf(() => concurrency.putReserved('default', 'gb', 1)), 'LimitExceeded.FunctionReservedConcurrencyMemory');
  t.equal(concurrency.getReserved('default', 'gb'), null, 'a refused Put changes nothing');
  t.equal(admission.stats().sharedCapacityMb, 512, 'the floor is what the others share');
  t.equal(codeOf(() => concurrency.putReserved('default', 'gb', -1)), 'InvalidParameterValue.ReservedConcurrencyMem');
  t.equal(codeOf(() => concurrency.putReserved('default', 'nope', 128)), 'ResourceNotFound.Function');
  t.equal(codeOf(() => concurrency.putReserved('nons', 'fa', 128)), 'ResourceNotFound.Namespace');
  t.equal(codeOf(() => concurrency.getReserved('default', 'nope')), 'ResourceNotFound.Function');

  // Total: at least Σ reserved + floor.
  t.equal(codeOf(() => concurrency.putTotal(2047)), 'FailedOperation.ReservedExceedTotal');
  t.equal(codeOf(() => concurrency.putTotal(0)), 'InvalidParameterValue.TotalConcurrencyMem');
  t.equal(codeOf(() => concurrency.putTotal(4096, 'nons')), 'ResourceNotFound.Namespace');
  concurrency.putTotal(4096);
  t.equal(concurrency.totalMemory(), 4096);
  t.match(admission.stats(), { accountMb: 4096, sharedCapacityMb: 2560 });
  concurrency.putReserved('default', 'gb', 0);
  t.match(admission.tryAcquire(fn('gb')), { ok: false, limit: 'disabled' }, 'reserved 0 through the service disables g');
  t.match(concurrency.totals(), { totalMb: 4096, reservedMb: 1536, floorMb: 512 });

  // Delete: g is back in the shared pool.
  concurrency.deleteReserved('default', 'gb');
  concurrency.deleteReserved('default', 'gb');
  t.equal(concurrency.getReserved('default', 'gb'), null);
  const lease = admission.tryAcquire(fn('gb'));
  t.ok(lease.ok, 'g admitted again');
  lease.release();

  // Reopen: the quota and reservations come back from the store.
  await platform.close();
  const reopened = await openPlatform(t, dataDir);
  t.equal(reopened.concurrency.totalMemory(), 4096, 'total survives a restart');
  t.match(fnStats(reopened.admission, 'fa'), { reservedMb: 1536 }, 'reservations loaded into admission at start');

  // Function changes reach the cache: a deleted function's reservation is released.
  reopened.functions.delete('default', 'fa');
  t.equal(reopened.admission.stats().reservedMb, 0);
  await create(reopened, 'fa');
  t.ok(reopened.admission.tryAcquire(fn('fa', 2048)).ok, 'recreated f is not capped by the old reservation');
});
