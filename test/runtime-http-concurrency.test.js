'use strict';
// Per-instance concurrency of web functions: slot accounting (N slots → N overlapping requests on one
// instance, N+1 → a second instance), a timeout ends only its own request, an out-of-memory ends all,
// and every console line carries its own RequestId while requests interleave.
const t = require('tap');
const { createIsolateRuntime } = require('../dist/runtime');
const { writeTree, dataDir } = require('./fixtures/runtime/util');
const { hreq, webSpec, recordingSink, chunked } = require('./fixtures/runtime/http');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

async function call(s, request, signal) {
  const sink = recordingSink();
  const r = hreq(s, request);
  const o = await rt.serveHttp(r, sink, signal);
  return { o, sink, r };
}

const counterModule = `
  const instance = crypto.randomUUID();
  let now = 0, max = 0;
  export default { async fetch(request) {
    now++; if (now > max) max = now;
    const ms = Number(new URL(request.url).searchParams.get('ms') || 0);
    await new Promise((r) => setTimeout(r, ms));
    const body = { instance, max, now };
    now--;
    return Response.json(body);
  } };`;

t.test('instanceConcurrency 4: 4 overlapping requests on one instance, the 5th starts a second', async (t) => {
  const s = webSpec(writeTree({ 'index.mjs': counterModule }), { instanceConcurrency: 4, timeoutMs: 5000 });
  const outs = await Promise.all([0, 1, 2, 3, 4].map(() => call(s, { url: 'http://fn.test/?ms=300' })));
  const bodies = outs.map((x) => JSON.parse(x.sink.text));
  const byInstance = new Map();
  for (const b of bodies) byInstance.set(b.instance, (byInstance.get(b.instance) ?? 0) + 1);
  t.same([...byInstance.values()].sort(), [1, 4], 'four on one instance, one on another');
  const shared = [...byInstance].find(([, n]) => n === 4)[0];
  t.ok(bodies.filter((b) => b.instance === shared).every((b) => b.max === 4), 'the shared instance ran 4 at once');
  t.equal(new Set(outs.map((x) => x.o.instanceId)).size, 2, 'outcome.instanceId agrees');
  t.ok(outs.every((x) => x.o.kind === 'ok'));
  // Warm: 4 more overlapping go to one warm instance with 4 free slots, no cold start.
  const warm = await Promise.all([0, 1, 2, 3].map(() => call(s, { url: 'http://fn.test/?ms=100' })));
  t.equal(new Set(warm.map((x) => x.o.instanceId)).size, 1);
  t.ok(warm.every((x) => !x.o.coldStart));
});

t.test('instanceConcurrency 1 (default): two overlapping requests use two instances', async (t) => {
  const s = webSpec(writeTree({ 'index.mjs': counterModule }), { timeoutMs: 5000 });
  const outs = await Promise.all([0, 1].map(() => call(s, { url: 'http://fn.test/?ms=100' })));
  t.equal(new Set(outs.map((x) => x.o.instanceId)).size, 2);
  t.ok(outs.every((x) => JSON.parse(x.sink.text).max === 1));
});

t.test('a timeout ends only its own request; the others on the instance finish 200', async (t) => {
  const s = webSpec(writeTree({ 'index.mjs': `
    export default { async fetch(request) {
      const ms = Number(new URL(request.url).searchParams.get('ms'));
      console.log('start', ms);
      await new Promise((r) => setTimeout(r, ms));
      console.log('end', ms);
      return new Response(String(ms));
    } };` }), { instanceConcurrency: 4, timeoutMs: 800 });
  await call(s, { url: 'http://fn.test/?ms=1' });
  const waits = [5000, 100, 300, 500];
  const outs = await Promise.all(waits.map((ms) => call(s, { url: `http://fn.test/?ms=${ms}` })));
  t.equal(outs[0].o.kind, 'timeout');
  for (let i = 1; i < waits.length; i++) {
    t.equal(outs[i].o.kind, 'ok', `request waiting ${waits[i]} ms: ${outs[i].o.errorMessage ?? ''}`);
    t.equal(outs[i].sink.text, String(waits[i]));
    t.same(outs[i].o.logs.map((l) => l.message), [`start ${waits[i]}`, `end ${waits[i]}`]);
  }
  t.equal(new Set(outs.map((x) => x.o.instanceId)).size, 1, 'all on one instance');
  const next = await call(s, { url: 'http://fn.test/?ms=1' });
  t.not(next.o.instanceId, outs[0].o.instanceId, 'the instance that saw a timeout takes no new work');
});

t.test('a runaway loop on a shared instance: it and the others fail, the instance is replaced', async (t) => {
  const s = webSpec(writeTree({ 'index.mjs': `
    export default { async fetch(request) {
      if (new URL(request.url).pathname === '/loop') { await new Promise((r) => setTimeout(r, 50)); for (;;) {} }
      await new Promise((r) => setTimeout(r, 200));
      return new Response('ok');
    } };` }), { instanceConcurrency: 3, timeoutMs: 300 });
  const outs = await Promise.all(['/loop', '/a', '/b'].map((p) => call(s, { url: `http://fn.test${p}` })));
  t.equal(outs[0].o.kind, 'timeout');
  t.ok(outs.slice(1).every((x) => x.o.kind === 'timeout' || x.o.kind === 'internal'), outs.map((x) => x.o.kind).join());
  const next = await call(s, { url: 'http://fn.test/a' });
  t.equal(next.o.kind, 'ok');
  t.not(next.o.instanceId, outs[0].o.instanceId);
});

t.test('an out-of-memory aborts every request on the instance with 434', async (t) => {
  const s = webSpec(writeTree({ 'index.mjs': `
    export default { async fetch(request) {
      if (new URL(request.url).pathname === '/bomb') { await new Promise((r) => setTimeout(r, 50)); const a = []; for (;;) a.push({ x: Math.random(), y: [1, 2, 3] }); }
      return new Response(new ReadableStream({ async pull(c) { await new Promise((r) => setTimeout(r, 20)); c.enqueue(new Uint8Array(10)); } }));
    } };` }), { instanceConcurrency: 3, memoryMb: 16, timeoutMs: 10_000 });
  const outs = await Promise.all(['/bomb', '/a', '/b'].map((p) => call(s, { url: `http://fn.test${p}` })));
  t.same(outs.map((x) => x.o.kind), ['oom', 'oom', 'oom']);
  t.ok(outs[1].sink.aborted && outs[2].sink.aborted, 'streams that had started are aborted');
  const next = await call(s, { url: 'http://fn.test/a' }, AbortSignal.timeout(200));
  t.equal(next.o.kind, 'canceled', 'a fresh instance serves (stream cut by the client after 200 ms)');
  t.not(next.o.instanceId, outs[0].o.instanceId);
});

t.test('RequestId attribution under interleaving: awaits, timers, then/queueMicrotask, streamed bodies, waitUntil, stream pulls', async (t) => {
  const s = webSpec(writeTree({ 'index.mjs': `
    export default { async fetch(request, env, ctx) {
      const me = request.headers.get('x-scf-request-id');
      const u = new URL(request.url);
      const ms = Number(u.searchParams.get('ms'));
      console.log(me, 'sync start');
      await null;
      console.log(me, 'after await null');
      await new Promise((r) => setTimeout(r, ms));
      console.log(me, 'after timer');
      // Scheduled from await continuations (where the last entry may belong to another request):
      await new Promise((r) => setTimeout(() => { console.log(me, 'in timer callback'); r(); }, 1));
      await new Promise((r) => Promise.resolve().then(() => { console.log(me, 'in then callback'); r(); }));
      await new Promise((r) => queueMicrotask(() => { console.log(me, 'in microtask'); r(); }));
      if (request.method === 'POST') { const text = await request.text(); console.info(me, 'after body', text.length); }
      await Promise.all([new Promise((r) => setTimeout(r, ms / 2)), Promise.resolve()]);
      console.warn(me, 'after Promise.all');
      ctx.waitUntil(new Promise((r) => setTimeout(r, ms)).then(() => console.log(me, 'in waitUntil')));
      let i = 0;
      return new Response(new ReadableStream({ async pull(c) {
        await new Promise((r) => setTimeout(r, 3));
        console.log(me, 'pull', i);
        if (i++ === 2) c.close(); else c.enqueue(new Uint8Array([i]));
      } }));
    } };` }), { instanceConcurrency: 8, timeoutMs: 5000 });
  const reqs = Array.from({ length: 8 }, (_, i) => {
    const r = hreq(s, { url: `http://fn.test/?ms=${10 + ((i * 37) % 50)}` });
    r.request.headers = [['x-scf-request-id', r.requestId]];
    if (i % 2) { r.request.method = 'POST'; r.request.bodyStream = chunked(['a', 'bb', 'ccc'], 7); }
    return r;
  });
  const outs = await Promise.all(reqs.map((r) => rt.serveHttp(r, recordingSink())));
  t.equal(new Set(outs.map((o) => o.instanceId)).size, 1, 'one instance served all eight');
  let lines = 0;
  outs.forEach((o, i) => {
    t.equal(o.kind, 'ok', o.errorMessage);
    const rid = reqs[i].requestId;
    const wrong = o.logs.filter((l) => l.requestId !== rid || !l.message.startsWith(rid + ' '));
    t.same(wrong, [], `request ${i}: every line carries its own RequestId`);
    t.equal(o.logs.length, (i % 2 ? 1 : 0) + 11, `request ${i}: all lines present`) || t.comment(o.logs.map((l) => l.message));
    lines += o.logs.length;
  });
  t.comment(`${lines} lines checked`);
});

t.test('attribution across requests: a continuation resumed by another request keeps its RequestId', async (t) => {
  // Request A awaits a promise that request B resolves: A's continuation runs inside B's entry.
  // Entry tagging alone would say B; the async stack (A's handler is awaited by a function named
  // after A's RequestId) says A. ctx.console is bound to A in any case.
  const s = webSpec(writeTree({ 'index.mjs': `
    let release;
    const gate = new Promise((r) => { release = r; });
    async function deeper() { await gate; await null; console.log('A deeper'); }
    export default { async fetch(request, env, ctx) {
      if (new URL(request.url).pathname === '/wait') {
        await deeper();
        ctx.console.log('A via ctx.console'); console.log('A via console');
        return new Response('a');
      }
      console.log('B before release');
      release();
      Promise.resolve().then(() => console.log('B then'));
      return new Response('b');
    } };` }), { instanceConcurrency: 2, timeoutMs: 2000 });
  const a = hreq(s, { url: 'http://fn.test/wait' });
  const pa = rt.serveHttp(a, recordingSink());
  await new Promise((r) => setTimeout(r, 50));
  const b = hreq(s, { url: 'http://fn.test/go' });
  const ob = await rt.serveHttp(b, recordingSink());
  const oa = await pa;
  t.equal(oa.kind, 'ok');
  t.same(oa.logs.map((l) => [l.message, l.requestId]), [['A deeper', a.requestId], ['A via ctx.console', a.requestId], ['A via console', a.requestId]]);
  t.same(ob.logs.map((l) => [l.message, l.requestId]), [['B before release', b.requestId], ['B then', b.requestId]]);
});

t.test('batched dispatch: 32 concurrent requests with distinct bodies on one instance each get their own', async (t) => {
  const s = webSpec(writeTree({ 'index.mjs': `
    export default { async fetch(request) {
      const body = new Uint8Array(await request.arrayBuffer());
      return new Response(body, { headers: { 'x-id': request.headers.get('x-id') } });
    } };` }), { instanceConcurrency: 32, timeoutMs: 5000 });
  await call(s, { method: 'POST', body: Buffer.from('warm') });
  const bodies = Array.from({ length: 32 }, (_, i) => Buffer.from(Array.from({ length: 100 + i * 997 }, (_, j) => (i + j) % 256)));
  // Hand the runtime views into one shared buffer, as a gateway holding several requests might.
  const shared = Buffer.concat(bodies);
  let off = 0;
  const views = bodies.map((b) => { const v = shared.subarray(off, off + b.length); off += b.length; return v; });
  const outs = await Promise.all(views.map((v, i) => call(s, { method: 'POST', headers: [['x-id', String(i)]], body: v })));
  t.equal(new Set(outs.map((x) => x.o.instanceId)).size, 1, 'one instance');
  outs.forEach((x, i) => {
    t.equal(x.o.kind, 'ok', x.o.errorMessage);
    t.ok(x.sink.body.equals(bodies[i]), `body ${i} (${bodies[i].length} bytes)`);
    t.same(x.sink.headers.find(([k]) => k === 'x-id'), ['x-id', String(i)]);
  });
});
