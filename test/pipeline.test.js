'use strict';
// The one invocation pipeline (core/invoke/pipeline.ts) with a fake executor:
// admit → run → release → record, whatever the ending; the record's status
// comes from the outcome table; refusals are recorded too; an executor that
// breaks its contract (rejects) still ends the call as one outcome.
const t = require('tap');
const { InvocationPipeline } = require('../dist/core/invoke');
const { CapacityOwner, AdmissionController } = require('../dist/core/capacity');

function setup({ burstPerMinute = 0, accountMb = 128_000 } = {}) {
  const records = [];
  const metrics = [];
  let running = 0;
  const admission = new AdmissionController({ accountMb, floorMb: 0, burstPerMinute });
  const pipeline = new InvocationPipeline({
    capacity: new CapacityOwner(admission),
    logs: {
      recordInvocation: (r) => (records.push(r), `log of ${r.requestId}`),
      queueInvocation: (r) => records.push(r),
    },
    metrics: {
      begin: () => (running++, {}),
      end: (s) => s && running--,
      record: (_labels, _end, status) => metrics.push(status),
    },
  });
  const resolved = { namespace: 'default', functionName: 'f', version: '$LATEST', config: { memorySize: 128 } };
  const target = { resolved, key: 'k', namespace: 'default', functionName: 'f', memoryMb: 128, slots: 1, instanceCount: () => 0 };
  return { pipeline, admission, target, records, metrics, running: () => running };
}

const outcome = (kind, extra = {}) => ({ kind, logs: [], durationMs: 3, memUsageBytes: 1024, instanceId: 'i', ...extra });

t.test('every executor kind is recorded with the table\'s status', async (t) => {
  const { pipeline, target, records, metrics, admission, running } = setup();
  const want = { ok: 200, user_error: 430, handler_missing: 430, timeout: 433, oom: 434, response_too_large: 410, canceled: 499, process_exit: 439, internal: 500 };
  for (const [kind, status] of Object.entries(want)) {
    const res = await pipeline.call({ target, requestId: kind, startTime: Date.now(), run: async () => outcome(kind, kind === 'ok' ? { result: '1' } : { errorMessage: 'x' }) });
    t.equal(res.ended.kind, kind);
    t.equal(records.at(-1).statusCode, status, `${kind} → ${status}`);
    t.equal(metrics.at(-1), status);
  }
  t.equal(records.find((r) => r.requestId === 'ok').retMsg, '1', 'a success keeps its result');
  t.match(admission.stats(), { inUseMb: 0, leases: 0 }, 'every call released its capacity');
  t.equal(running(), 0, 'every running call ended in the metrics');
});

t.test('refusals: throttled (432) and scale-limited (429) are recorded, the executor never runs', async (t) => {
  const { pipeline, target, records, admission } = setup({ burstPerMinute: 1 });
  let runs = 0;
  const run = async () => (runs++, outcome('ok'));
  const first = pipeline.call({ target, requestId: 'a', startTime: Date.now(), run: () => new Promise((r) => setTimeout(() => r(run()), 20)) });
  const second = await pipeline.call({ target, requestId: 'b', startTime: Date.now(), run });
  t.equal(second.ended.kind, 'scale_limited');
  t.equal(records.find((r) => r.requestId === 'b').statusCode, 429);
  await first;
  admission.setReserved('default', 'f', 0);
  const off = await pipeline.call({ target, requestId: 'c', startTime: Date.now(), run });
  t.equal(off.ended.kind, 'throttled');
  t.match(records.find((r) => r.requestId === 'c'), { statusCode: 432, errorMessage: /disabled/ });
  t.equal(runs, 1, 'only the admitted call ran');
});

t.test('a rejecting executor still ends in one outcome and releases', async (t) => {
  const { pipeline, target, records, admission } = setup();
  const res = await pipeline.call({ target, requestId: 'boom', startTime: Date.now(), run: async () => { throw new Error('bug'); } });
  t.equal(res.ended.kind, 'internal');
  t.match(records[0], { statusCode: 500, errorMessage: /executor fault: bug/ });
  t.match(admission.stats(), { leases: 0 });
});

t.test('settle has the last word; withLog returns the rendered log', async (t) => {
  const { pipeline, target, records } = setup();
  const res = await pipeline.call({
    target,
    requestId: 'gw',
    startTime: Date.now(),
    run: async () => outcome('ok'),
    settle: (e) => ({ ...e, kind: 'canceled', errorMessage: 'client gone' }),
    withLog: true,
  });
  t.equal(res.ended.kind, 'canceled');
  t.equal(res.log, 'log of gw');
  t.match(records[0], { statusCode: 499, errorMessage: 'client gone' });
  pipeline.refused(target, 'early', Date.now(), 'request_too_large', 'body over 6 MB');
  t.match(records[1], { requestId: 'early', statusCode: 406, durationMs: 0 });
});
