'use strict';
// Issue 15 (perf7): the isolate writes a response's header JSON by hand and takes a bytes body whole,
// with no reader or promise, so a response can end its request inside the handler's own entry.
// Pinned here: the header list reaches the sink exactly as JSON.stringify would carry it (quotes,
// backslashes, control characters, Latin-1 bytes, repeated set-cookie), the body is marked used as
// before, and a request answered that way does not take over the log lines of another request's
// `await` continuation that it woke (with one request left active, the entry's own ended); the
// responses of one entry, crossing together, each reach their own request whatever their size.
const t = require('tap');
const { createIsolateRuntime } = require('../dist/runtime');
const { writeTree, dataDir } = require('./fixtures/runtime/util');
const { hreq, webSpec, recordingSink } = require('./fixtures/runtime/http');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

t.test('header values JSON must escape, and plain ones, reach the sink exactly', async (t) => {
  const values = ['plain', 'say "hi"', 'back\\slash', 'tab\there', 'ctl\u0001\u001f', 'del\u007f', 'latin\u00e9\u00ff', ' '];
  const s = webSpec(writeTree({ 'index.mjs': `
    const values = ${JSON.stringify(values)};
    export default { fetch() {
      const h = new Headers();
      values.forEach((v, i) => h.append('x-v' + i, v));
      h.append('set-cookie', 'a=1');
      h.append('set-cookie', 'b="2"');
      const r = new Response('ok', { headers: h });
      globalThis.last = r;
      return r;
    } };` }));
  const sink = recordingSink();
  const o = await rt.serveHttp(hreq(s), sink);
  t.equal(o.kind, 'ok', o.errorMessage);
  t.equal(sink.text, 'ok');
  // What the Headers class keeps (edges trimmed), sorted and combined as iteration gives them.
  const want = [['content-type', 'text/plain;charset=UTF-8'], ['set-cookie', 'a=1'], ['set-cookie', 'b="2"'],
    ...values.map((v, i) => [`x-v${i}`, v.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '')])];
  t.same(sink.headers, want);
});

t.test('a response body the platform took is used, as when it was read', async (t) => {
  const s = webSpec(writeTree({ 'index.mjs': `
    let kept = null;
    export default { async fetch(request) {
      if (new URL(request.url).pathname === '/check') return Response.json({ used: kept.bodyUsed, text: await kept.text().then(() => 'read', (e) => e.name) });
      kept = new Response('body');
      return kept;
    } };` }), { instanceConcurrency: 1 });
  const first = recordingSink();
  t.equal((await rt.serveHttp(hreq(s), first)).kind, 'ok');
  t.equal(first.text, 'body');
  const second = recordingSink();
  t.equal((await rt.serveHttp(hreq(s, { url: 'http://fn.test/check' }), second)).kind, 'ok');
  t.same(JSON.parse(second.text), { used: true, text: 'TypeError' });
});

t.test('a request answered at once keeps no log line of the await continuation it woke', async (t) => {
  // B releases A's gate and answers with a bodiless Response in the same entry: B ends before A's
  // continuation (a few awaits on) runs, so only A is active then, and A's console.log must still
  // be A's. (This failed before perf7 too: a bodiless answer always ended its request at once.)
  const s = webSpec(writeTree({ 'index.mjs': `
    let release;
    const gate = new Promise((r) => { release = r; });
    export default { async fetch(request) {
      if (new URL(request.url).pathname === '/wait') {
        await gate;
        await null;
        await null;
        console.log('A after the gate');
        return new Response('a');
      }
      release();
      return new Response(null, { status: 204 });
    } };` }), { instanceConcurrency: 2, timeoutMs: 2000 });
  const a = hreq(s, { url: 'http://fn.test/wait' });
  const pa = rt.serveHttp(a, recordingSink());
  await new Promise((r) => setTimeout(r, 100));
  const b = hreq(s, { url: 'http://fn.test/go' });
  const ob = await rt.serveHttp(b, recordingSink());
  const oa = await pa;
  t.equal(oa.kind, 'ok', oa.errorMessage);
  t.equal(ob.kind, 'ok', ob.errorMessage);
  t.same(oa.logs.map((l) => [l.message, l.requestId]), [['A after the gate', a.requestId]]);
  t.same(ob.logs, []);
});

t.test('complete responses of one entry, bodies of every size, each reach their own request', async (t) => {
  // Requests queued together cross into the isolate in one entry and their responses come back in
  // one call (bodies end to end, those over 16 KB apart): sizes 0…33,000 bytes, empty and null bodies.
  const s = webSpec(writeTree({ 'index.mjs': `
    export default { fetch(request) {
      const n = Number(new URL(request.url).searchParams.get('n'));
      if (n < 0) return new Response(null, { status: 204 });
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = (n + i) & 255;
      return new Response(b, { headers: { 'x-n': String(n) } });
    } };` }), { instanceConcurrency: 16 });
  const sizes = [-1, 0, 1, 5, 3000, 16 * 1024, 16 * 1024 + 1, 20000, 33000, 7, -1, 12];
  const sinks = sizes.map(() => recordingSink());
  const outs = await Promise.all(sizes.map((n, i) => rt.serveHttp(hreq(s, { url: `http://fn.test/?n=${n}` }), sinks[i])));
  sizes.forEach((n, i) => {
    t.equal(outs[i].kind, 'ok', outs[i].errorMessage);
    const body = sinks[i].body;
    if (n < 0) { t.equal(sinks[i].status, 204); t.equal(body.length, 0); return; }
    t.equal(sinks[i].status, 200);
    t.same(sinks[i].headers.find(([k]) => k === 'x-n'), ['x-n', String(n)], `request ${i}: its own head`);
    t.equal(body.length, n, `request ${i}: ${n} bytes`);
    t.ok(body.every((v, j) => v === ((n + j) & 255)), `request ${i}: its own bytes`);
  });
});
