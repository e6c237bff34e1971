'use strict';
// Issue 18: AsyncLocalStorage (node:async_hooks, compatibility set) keeps each
// request's store across awaits, then-callbacks, timers, microtasks and nextTick
// while many requests interleave on one instance — the failure it guards
// against is one request reading another's store.
const t = require('tap');
const { createIsolateRuntime } = require('../dist/runtime');
const { spec, req, fnTree, dataDir } = require('./fixtures/runtime/util');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

const ON = { env: { ISOLA_COMPATIBILITY_FLAGS: 'nodejs_compat' }, instanceConcurrency: 20, timeoutMs: 5000 };

t.test('20 interleaved requests each see only their own store', async (t) => {
  const dir = fnTree(`
    const { AsyncLocalStorage } = require('node:async_hooks');
    globalThis.als ??= new AsyncLocalStorage();
    const als = globalThis.als;
    const id = event.id;
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const inner = async () => { await sleep((id * 7) % 5); return als.getStore().id; };
    return als.run({ id }, async () => {
      const seen = [];
      seen.push(als.getStore().id);                                   // synchronous
      await sleep(id % 3);  seen.push(als.getStore().id);             // await continuation (timer)
      await null;           seen.push(als.getStore().id);             // await continuation (microtask)
      seen.push(await new Promise((r) => setTimeout(() => r(als.getStore().id), 1)));   // timer callback
      seen.push(await Promise.resolve().then(() => als.getStore().id));                // then callback
      seen.push(await new Promise((r) => process.nextTick(() => r(als.getStore().id))));
      seen.push(await new Promise((r) => queueMicrotask(() => r(als.getStore().id))));
      seen.push(await inner());                                       // nested async function
      const nested = await als.run({ id: 'n' + id }, async () => { await sleep(1); return als.getStore().id; });
      seen.push(nested, als.getStore().id);                           // nested run, then back to the outer store
      seen.push(await new Promise((r) => { const b = als.constructor.bind(() => als.getStore().id); setTimeout(() => r(b()), 1); }));
      return seen;
    });`);
  const s = spec(dir, ON);
  const results = await Promise.all(Array.from({ length: 20 }, (_, id) => rt.invoke(req(s, { id }))));
  for (const [id, o] of results.entries()) {
    t.equal(o.kind, 'ok', o.errorMessage);
    t.same(JSON.parse(o.result), [id, id, id, id, id, id, id, id, 'n' + id, id, id], `request ${id}`);
  }
  t.equal(rt.instanceCount(s.key), 1, 'all on one instance');
});

t.test('outside run() there is no store; exit(), disable(), AsyncResource, snapshot', async (t) => {
  const dir = fnTree(`
    const { AsyncLocalStorage, AsyncResource } = require('async_hooks');
    const als = new AsyncLocalStorage();
    const out = { before: als.getStore() ?? null };
    let resource, snap;
    await als.run('A', async () => {
      resource = new AsyncResource('job');
      snap = AsyncLocalStorage.snapshot();
      out.exit = als.exit(() => als.getStore()) ?? null;
      await null;
      out.after = als.getStore();
    });
    out.outside = als.getStore() ?? null;
    out.resource = resource.runInAsyncScope(() => als.getStore());
    out.snap = snap(() => als.getStore());
    als.run('B', () => { als.disable(); out.disabled = als.getStore() ?? null; });
    out.enterWith = (() => { try { als.enterWith('x'); return 'no'; } catch (e) { return e.code; } })();
    out.syncReturn = als.run('C', (a, b) => a + b + als.getStore(), 1, 2);
    return out;`);
  const o = await rt.invoke(req(spec(dir, ON)));
  t.equal(o.kind, 'ok', o.errorMessage);
  t.same(JSON.parse(o.result), { before: null, exit: null, after: 'A', outside: null, resource: 'A', snap: 'A', disabled: null, enterWith: 'ERR_METHOD_NOT_IMPLEMENTED', syncReturn: '3C' });
});
