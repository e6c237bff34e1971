'use strict';
// The scale-out ("burst") gate: a burst of calls spends one burst token per
// new instance it needs — with N slots, one per N calls — even while the
// runtime's instance report still lags behind the cold starts.
const t = require('tap');
const { ScaleOutGate } = require('../dist/core/invoke/invocation-shared');

function setup(reported = 0) {
  let tokens = 0;
  const runtime = { stats: () => ({ hosts: [], instances: reported === 0 ? {} : { k: { busy: reported, idle: 0 } } }) };
  const admission = { admitColdStart: () => (++tokens, true) };
  const gate = new ScaleOutGate(runtime, admission);
  const resolved = { key: 'k', namespace: 'default', functionName: 'f' };
  return { gate, resolved, tokens: () => tokens };
}

t.test('500 calls at once with 100 slots per instance spend 5 tokens', async (t) => {
  const { gate, resolved, tokens } = setup(0);
  const now = Date.now();
  let admitted = 0;
  for (let i = 0; i < 500; i++) if (gate.enter(resolved, 100, now)) admitted++;
  t.equal(admitted, 500);
  t.equal(tokens(), 5);
});

t.test('one slot per instance: one token per concurrent call', async (t) => {
  const { gate, resolved, tokens } = setup(0);
  const now = Date.now();
  for (let i = 0; i < 20; i++) gate.enter(resolved, 1, now);
  t.equal(tokens(), 20);
  // A call that left frees its instance for the next one while others are still in flight: no new token.
  gate.leave('k');
  gate.enter(resolved, 1, now + 10);
  t.equal(tokens(), 20);
});

t.test('warm instances the runtime reports spend no token', async (t) => {
  const { gate, resolved, tokens } = setup(3);
  const now = Date.now();
  for (let i = 0; i < 3; i++) gate.enter(resolved, 1, now);
  t.equal(tokens(), 0);
  gate.enter(resolved, 1, now);
  t.equal(tokens(), 1, 'the fourth concurrent call needs a new instance');
});

t.test('refused: nothing counted', async (t) => {
  const runtime = { stats: () => ({ hosts: [], instances: {} }) };
  const gate = new ScaleOutGate(runtime, { admitColdStart: () => false });
  t.equal(gate.enter({ key: 'k', namespace: 'default', functionName: 'f' }, 1, Date.now()), false);
});
