'use strict';
// Spare isolates run the bootstrap before any instance takes them
// (runtime/host/spares.ts); the function's own settings arrive when one does
// (configure). What the function sees must be its own and start with it:
// performance.now() counts from the instance's start, not the spare's;
// process.env holds this function's variables only, however many functions
// took spares of the same host; an unknown compatibility flag still fails
// the cold start. End to end through a real server and the official SDK.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');

const SOURCE = `
const atLoad = performance.now();
const origin = performance.timeOrigin;
exports.main_handler = async () => ({ atLoad, origin, now: Date.now(), name: process.env.WHO, keys: Object.keys(process.env).filter((k) => k.startsWith('WHO')) });
`;

t.test('a spare bootstrapped early is configured for the instance that takes it', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  const seen = [];
  for (const who of ['first', 'second', 'third']) {
    // A host makes spares of a size once it was used, then after each cold start: wait long past
    // that, so a clock started with the spare would show.
    await new Promise((r) => setTimeout(r, 1200));
    await createFunction(client, `spare-${who}`, { 'index.js': SOURCE }, {
      Environment: { Variables: [{ Key: 'WHO', Value: who }, { Key: `WHO_${who.toUpperCase()}`, Value: '1' }] },
    });
    const before = Date.now();
    const r = await invoke(client, `spare-${who}`);
    t.equal(r.InvokeResult, 0, r.ErrMsg);
    const out = JSON.parse(r.RetMsg);
    seen.push(out);
    t.ok(out.atLoad >= 0 && out.atLoad < 500, `${who}: performance.now() at load counts from the instance's start (${out.atLoad} ms)`);
    t.ok(out.origin >= before - 50 && out.origin <= out.now, `${who}: performance.timeOrigin is the cold start's time (${out.origin - before} ms after the call was sent)`);
    t.equal(out.name, who, `${who}: process.env is this function's`);
    t.same(out.keys, ['WHO', `WHO_${who.toUpperCase()}`], `${who}: and holds no other function's variables`);
  }

  t.test('an unknown compatibility flag still fails the cold start, with its name', async (t) => {
    await createFunction(client, 'spare-bad-flag', { 'index.js': SOURCE }, {
      Environment: { Variables: [{ Key: 'ISOLA_COMPATIBILITY_FLAGS', Value: 'nodejs_compat,warp_drive' }] },
    });
    const r = await invoke(client, 'spare-bad-flag');
    t.not(r.InvokeResult, 0, 'the invocation failed');
    t.match(`${r.ErrMsg}\n${r.Log}`, /unknown flag 'warp_drive'/, 'the failure names the flag');
    const ok = await invoke(client, 'spare-first');
    t.equal(JSON.parse(ok.RetMsg).name, 'first', 'the other functions serve on');
  });
});
