'use strict';
// HTTP invocations of web functions (Workers-style `export default { fetch }`), directly against dist/runtime:
// request/response fidelity, streaming both ways, backpressure, limits (410, 430, 433, 434, 499), env, ctx.waitUntil.
// What every executor that serves HTTP shares (request in, status/headers/stream out, errors) is in test/conformance/http.case.js.
const t = require('tap');
const { createIsolateRuntime } = require('../dist/runtime');
const { writeTree, dataDir } = require('./fixtures/runtime/util');
const { hreq, webSpec, recordingSink, chunked } = require('./fixtures/runtime/http');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 2, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

const esm = (body) => writeTree({ 'index.mjs': `export default { async fetch(request, env, ctx) {\n${body}\n} };\n` });
async function call(s, request, sinkOpts) {
  const sink = recordingSink(sinkOpts);
  const r = hreq(s, request);
  const o = await rt.serveHttp(r, sink);
  return { o, sink, r };
}

t.test('Workers module formats: ESM default export, CJS module.exports, CJS exports.default, empty handler', async (t) => {
  const forms = {
    esm: { 'index.mjs': 'export default { fetch(req) { return new Response("esm " + this.tag); }, tag: "this-ok" };' },
    cjs: { 'index.js': 'module.exports = { fetch: async (req) => new Response("cjs") };' },
    cjsDefault: { 'index.js': 'module.exports.default = { fetch: (req) => new Response("cjs-default") };' },
    typeModule: { 'package.json': '{"type":"module"}', 'index.js': 'export default { fetch: () => new Response("type-module") };' },
  };
  const want = { esm: 'esm this-ok', cjs: 'cjs', cjsDefault: 'cjs-default', typeModule: 'type-module' };
  for (const [name, files] of Object.entries(forms)) {
    const { o, sink } = await call(webSpec(writeTree(files)));
    t.equal(o.kind, 'ok', `${name}: ${o.errorMessage}`);
    t.equal(sink.text, want[name], name);
    t.same(sink.events, ['start', 'write', 'end'], `${name}: start + write + end`);
  }
  const { o, sink } = await call(rt.prepare(webSpec(writeTree(forms.cjs), { handler: '', type: 'HTTP' })));
  t.equal(o.kind, 'ok', 'empty handler → index.fetch');
  t.equal(sink.text, 'cjs');
  const missing = await call(webSpec(writeTree({ 'index.js': 'module.exports = { other() {} };' })));
  t.equal(missing.o.kind, 'handler_missing');
  t.match(missing.o.errorMessage, /handler missing/);
  t.equal(missing.o.responseStarted, false);
});

t.test('method, url, headers in (repeated names), the host bridge is not reachable', async (t) => {
  const s = webSpec(esm(`
    return Response.json({ method: request.method, url: request.url, accept: request.headers.get('accept'),
      x: request.headers.get('x-multi'), n: [...request.headers].length, bridge: typeof __isolaHostBridge, cap: typeof __isolaCaptureHostBridge });`));
  const { o, sink } = await call(s, { method: 'PUT', url: 'http://fn.test/a/b%20c?q=1&q=2', headers: [['Accept', 'text/html'], ['X-Multi', 'a'], ['x-multi', 'b'], ['x-scf-request-id', 'r1']], body: Buffer.from('x') });
  t.equal(o.kind, 'ok', o.errorMessage);
  t.same(JSON.parse(sink.text), { method: 'PUT', url: 'http://fn.test/a/b%20c?q=1&q=2', accept: 'text/html', x: 'a, b', n: 3, bridge: 'undefined', cap: 'undefined' });
  t.equal(sink.headers.find(([k]) => k === 'content-type')[1], 'application/json');
});

t.test('request body as text, json, arrayBuffer (whole) and as a stream', async (t) => {
  const s = webSpec(esm(`
    const how = new URL(request.url).pathname.slice(1);
    if (how === 'text') return new Response('text:' + await request.text());
    if (how === 'json') return new Response('json:' + (await request.json()).a);
    if (how === 'ab') { const b = new Uint8Array(await request.arrayBuffer()); return new Response('ab:' + b.length + ':' + b[0] + ':' + b[b.length - 1]); }
    if (how === 'stream') { const parts = []; for await (const c of request.body) parts.push(c.byteLength); return new Response('stream:' + parts.reduce((a, b) => a + b, 0)); }
    return new Response('none');`));
  t.equal((await call(s, { method: 'POST', url: 'http://fn.test/text', body: Buffer.from('héllo') })).sink.text, 'text:héllo');
  t.equal((await call(s, { method: 'POST', url: 'http://fn.test/json', body: Buffer.from('{"a":42}') })).sink.text, 'json:42');
  const bin = Buffer.alloc(300_000); bin[0] = 7; bin[bin.length - 1] = 9;
  t.equal((await call(s, { method: 'POST', url: 'http://fn.test/ab', body: bin })).sink.text, 'ab:300000:7:9');
  t.equal((await call(s, { method: 'POST', url: 'http://fn.test/stream', body: bin })).sink.text, 'stream:300000');
  // Streamed in: 1 MB in 64 KB chunks, some time apart, read as text and as a stream.
  const parts = Array.from({ length: 16 }, (_, i) => Buffer.alloc(65536, 97 + (i % 26)));
  const st = await call(s, { method: 'POST', url: 'http://fn.test/stream', body: null, bodyStream: chunked(parts, 2) });
  t.equal(st.o.kind, 'ok', st.o.errorMessage);
  t.equal(st.sink.text, 'stream:1048576');
  const tx = await call(s, { method: 'POST', url: 'http://fn.test/text', body: null, bodyStream: chunked(['ab', 'cd', 'ef'], 5) });
  t.equal(tx.sink.text, 'text:abcdef');
  const js = await call(s, { method: 'POST', url: 'http://fn.test/json', body: null, bodyStream: chunked(['{"a"', ':', '7}']) });
  t.equal(js.sink.text, 'json:7');
});

t.test('streamed request body is flow-controlled: an unread body holds the sender', async (t) => {
  const s = webSpec(esm(`await new Promise((r) => setTimeout(r, 300)); return new Response('read ' + (await request.arrayBuffer()).byteLength);`), { timeoutMs: 3000 });
  let produced = 0;
  let producedAt300 = -1;
  async function* source() {
    for (let i = 0; i < 64; i++) { produced++; yield Buffer.alloc(32 * 1024); }
  }
  setTimeout(() => { producedAt300 = produced; }, 250);
  const { o, sink } = await call(s, { method: 'POST', body: null, bodyStream: source() });
  t.equal(o.kind, 'ok', o.errorMessage);
  t.equal(sink.text, `read ${64 * 32 * 1024}`);
  t.ok(producedAt300 > 0 && producedAt300 <= 16, `chunks pulled before the function read: ${producedAt300} (window 256 KB + stream queue 64 KB)`);
});

t.test('response bodies: string, bytes, Response.json, empty (status, headers, Set-Cookie: test/conformance/http)', async (t) => {
  const s = webSpec(esm(`
    const how = new URL(request.url).pathname.slice(1);
    if (how === 'string') return new Response('plain');
    if (how === 'bytes') return new Response(new Uint8Array([0, 1, 2, 255]).subarray(1));
    if (how === 'json') return Response.json({ ok: true }, { status: 201 });
    return new Response(null, { status: 204 });`));
  t.equal((await call(s, { url: 'http://fn.test/string' })).sink.text, 'plain');
  const b = await call(s, { url: 'http://fn.test/bytes' });
  t.same([...b.sink.body], [1, 2, 255]);
  const j = await call(s, { url: 'http://fn.test/json' });
  t.equal(j.sink.status, 201);
  t.equal(j.o.httpStatus, 201);
  t.equal(j.o.kind, 'ok');
  t.same(JSON.parse(j.sink.text), { ok: true });
  const e = await call(s, { url: 'http://fn.test/empty' });
  t.equal(e.sink.status, 204);
  t.same(e.sink.events, ['start', 'end']);
});

t.test('streamed response: one sink write per chunk (order and timing: test/conformance/http)', async (t) => {
  const s = webSpec(esm(`
    let i = 0;
    const stream = new ReadableStream({ async pull(c) {
      await new Promise((r) => setTimeout(r, 5));
      if (i === 10) { c.close(); return; }
      c.enqueue(new TextEncoder().encode('chunk' + (i++) + ';'));
    } });
    return new Response(stream, { headers: { 'content-type': 'text/plain' } });`));
  const { o, sink } = await call(s);
  t.equal(o.kind, 'ok', o.errorMessage);
  t.same(sink.chunks.map((c) => c.toString()), Array.from({ length: 10 }, (_, i) => `chunk${i};`), 'one write per chunk');
});

t.test('backpressure: a sink that does not drain holds the stream', async (t) => {
  const s = webSpec(writeTree({ 'index.mjs': `
    let produced = 0;
    export default { fetch(request) {
      if (new URL(request.url).pathname === '/count') return new Response(String(produced));
      produced = 0;
      const chunk = new Uint8Array(1024);
      const stream = new ReadableStream({ pull(c) { if (produced === 2000) { c.close(); return; } produced++; c.enqueue(chunk); } });
      return new Response(stream);
    } };` }), { instanceConcurrency: 2, timeoutMs: 5000 });
  const sink = recordingSink({ paused: true });
  const p = rt.serveHttp(hreq(s), sink);
  await new Promise((r) => setTimeout(r, 300));
  const during = await call(s, { url: 'http://fn.test/count' });
  const producedWhilePaused = Number(during.sink.text);
  t.ok(producedWhilePaused > 0 && producedWhilePaused <= 200, `chunks produced while paused: ${producedWhilePaused} (window 128 KB)`);
  t.ok(sink.chunks.length <= producedWhilePaused);
  sink.release();
  // From now on the sink drains; produce the rest.
  const o = await p;
  t.equal(o.kind, 'ok', o.errorMessage);
  t.equal(sink.body.length, 2000 * 1024);
  t.ok(sink.ended);
});

t.test('env and ctx.waitUntil: the response goes out at once, the invocation ends after waitUntil', async (t) => {
  const s = webSpec(esm(`
    ctx.waitUntil(new Promise((r) => setTimeout(() => { console.log('background done'); r(); }, 150)));
    ctx.passThroughOnException();
    ctx.console.log('ctx console');
    return new Response(env.GREETING + ' ' + process.env.GREETING);`), { env: { GREETING: 'hi' } });
  await rt.serveHttp(hreq(s), recordingSink()); // warm: the figures below are about the warm path
  let endAt = 0;
  const sink = recordingSink();
  const origEnd = sink.end;
  sink.end = () => { endAt = Date.now(); origEnd(); };
  const t0 = Date.now();
  const r = hreq(s);
  const o = await rt.serveHttp(r, sink);
  const doneAt = Date.now();
  t.equal(sink.text, 'hi hi');
  t.ok(doneAt - endAt >= 100, `response ended after ${endAt - t0} ms, the invocation after ${doneAt - t0} ms`);
  t.ok(doneAt - t0 >= 140);
  t.same(o.logs.map((l) => l.message), ['ctx console', 'background done']);
  t.ok(o.logs.every((l) => l.requestId === r.requestId));
});

t.test('430: thrown error, rejected promise, non-Response return; stack to the outcome, not the body', async (t) => {
  const s = webSpec(esm(`
    const how = new URL(request.url).pathname.slice(1);
    if (how === 'throw') throw new RangeError('bad thing');
    if (how === 'reject') { await null; throw new Error('later'); }
    if (how === 'object') return { not: 'a response' };
    if (how === 'string') return 'text';
    if (how === 'midstream') return new Response(new ReadableStream({ start(c) { c.enqueue(new Uint8Array([1])); }, pull() { return new Promise((_, rej) => setTimeout(() => rej(new Error('stream broke')), 20)); } }));
    return undefined;`));
  const th = await call(s, { url: 'http://fn.test/throw' });
  t.equal(th.o.kind, 'user_error');
  t.equal(th.o.kind, 'user_error');
  t.equal(th.o.errorMessage, 'RangeError: bad thing');
  t.match(th.o.errorStack, /index\.mjs/);
  t.equal(th.o.responseStarted, false);
  t.notOk(th.sink.started, 'the runtime wrote nothing: the gateway answers the generic body');
  t.equal((await call(s, { url: 'http://fn.test/reject' })).o.errorMessage, 'Error: later');
  const ob = await call(s, { url: 'http://fn.test/object' });
  t.equal(ob.o.kind, 'user_error');
  t.match(ob.o.errorMessage, /must return a Response.*returned an? Object/);
  t.match((await call(s, { url: 'http://fn.test/string' })).o.errorMessage, /returned string/);
  t.match((await call(s, { url: 'http://fn.test/undef' })).o.errorMessage, /returned undefined/);
  const mid = await call(s, { url: 'http://fn.test/midstream' });
  t.equal(mid.o.kind, 'user_error');
  t.equal(mid.o.responseStarted, true);
  t.equal(mid.o.responseEnded, false);
  t.equal(mid.sink.aborted, 'Error: stream broke', 'the sink is aborted after the head');
});

t.test('410: response body over 6 MB, as bytes (before the head) and streamed (after it)', async (t) => {
  const s = webSpec(esm(`
    if (new URL(request.url).pathname === '/bytes') return new Response(new Uint8Array(6 * 1024 * 1024 + 1));
    const chunk = new Uint8Array(256 * 1024);
    let n = 0;
    return new Response(new ReadableStream({ pull(c) { if (n++ < 40) c.enqueue(chunk); else c.close(); } }));`), { timeoutMs: 5000 });
  const b = await call(s, { url: 'http://fn.test/bytes' });
  t.equal(b.o.kind, 'response_too_large');
  t.equal(b.o.responseStarted, false);
  t.notOk(b.sink.started);
  const st = await call(s, { url: 'http://fn.test/stream' });
  t.equal(st.o.kind, 'response_too_large');
  t.equal(st.o.responseStarted, true);
  t.equal(st.o.responseEnded, false);
  t.ok(st.sink.aborted, 'sink aborted');
  t.ok(st.sink.body.length <= 6 * 1024 * 1024, `wrote ${st.sink.body.length} bytes`);
  const ok = await call(s, { url: 'http://fn.test/bytes' });
  t.equal(ok.o.kind, 'response_too_large', 'instance still serves');
});

t.test('433: a stream that stalls after the head, a busy loop (no answer at all: test/conformance/http)', async (t) => {
  const s = webSpec(esm(`
    return new Response(new ReadableStream({ start(c) { c.enqueue(new Uint8Array([65])); } }));`), { timeoutMs: 300 });
  const st = await call(s, { url: 'http://fn.test/stall' });
  t.equal(st.o.kind, 'timeout');
  t.equal(st.o.responseStarted, true);
  t.equal(st.sink.text, 'A');
  t.ok(st.sink.aborted);
  const loop = webSpec(esm('for (;;) {}'), { timeoutMs: 200 });
  t.equal((await call(loop)).o.kind, 'timeout');
});

t.test('434: out of memory', async (t) => {
  const s = webSpec(esm('const a = []; for (;;) a.push({ x: Math.random(), y: [1, 2, 3] });'), { memoryMb: 16, timeoutMs: 10_000 });
  const { o } = await call(s);
  t.equal(o.kind, 'oom', o.errorMessage);
  t.equal(o.kind, 'oom');
});

t.test('499: the client goes away mid-response; the stream is cancelled, the slot freed', async (t) => {
  const s = webSpec(writeTree({ 'index.mjs': `
    let cancelled = 'no';
    export default { fetch(request) {
      if (new URL(request.url).pathname === '/state') return new Response(cancelled);
      let i = 0;
      return new Response(new ReadableStream({
        async pull(c) { await new Promise((r) => setTimeout(r, 20)); c.enqueue(new TextEncoder().encode('x' + (i++))); },
        cancel(reason) { cancelled = 'yes: ' + reason; },
      }));
    } };` }), { timeoutMs: 5000 });
  const ac = new AbortController();
  const sink = recordingSink({ onWrite: () => { if (sink.chunks.length === 3) ac.abort(); } });
  const t0 = Date.now();
  const o = await rt.serveHttp(hreq(s), sink, ac.signal);
  t.equal(o.kind, 'canceled');
  t.equal(o.kind, 'canceled');
  t.equal(o.responseStarted, true);
  t.ok(Date.now() - t0 < 1000);
  const writes = sink.chunks.length;
  await new Promise((r) => setTimeout(r, 100));
  t.equal(sink.chunks.length, writes, 'nothing written after the abort');
  t.notOk(sink.aborted, 'the sink of a gone client is not touched');
  const state = await call(s, { url: 'http://fn.test/state' });
  t.equal(state.sink.text, 'yes: TypeError: The client disconnected', 'the response stream was cancelled');
  t.equal(state.o.instanceId, o.instanceId || state.o.instanceId, 'the instance keeps serving');
  // Aborted while the request body is still arriving: the body stream errors.
  const s2 = webSpec(esm(`try { await request.text(); return new Response('read'); } catch (e) { console.log('body error', e.message); throw e; }`), { timeoutMs: 5000 });
  const ac2 = new AbortController();
  async function* slow() { yield Buffer.from('a'); await new Promise((r) => setTimeout(r, 2000)); yield Buffer.from('b'); }
  setTimeout(() => ac2.abort(), 100);
  const o2 = await rt.serveHttp(hreq(s2, { method: 'POST', body: null, bodyStream: slow() }), recordingSink(), ac2.signal);
  t.equal(o2.kind, 'canceled');
  // A request already aborted never runs.
  const ac3 = new AbortController(); ac3.abort();
  t.equal((await rt.serveHttp(hreq(s2), recordingSink(), ac3.signal)).kind, 'canceled');
});

t.test('binary echo: every byte value survives, whole and streamed, small and large', async (t) => {
  const s = webSpec(esm('return new Response(request.body, { headers: { "content-type": "application/octet-stream" } });'), { timeoutMs: 5000 });
  const small = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
  const large = Buffer.alloc(200_000);
  for (let i = 0; i < large.length; i++) large[i] = (i * 7 + 3) % 256;
  for (const [name, body] of [['small', small], ['large', large]]) {
    const whole = await call(s, { method: 'POST', body });
    t.equal(whole.o.kind, 'ok', whole.o.errorMessage);
    t.ok(whole.sink.body.equals(body), `${name} whole`);
    // A view into a larger buffer (as the gateway may hand over) carries only its bytes.
    const framed = Buffer.concat([Buffer.alloc(100, 1), body, Buffer.alloc(100, 2)]);
    const view = await call(s, { method: 'POST', body: framed.subarray(100, 100 + body.length) });
    t.ok(view.sink.body.equals(body), `${name} view`);
    const parts = [];
    for (let i = 0; i < body.length; i += 7000) parts.push(body.subarray(i, i + 7000));
    const streamed = await call(s, { method: 'POST', body: null, bodyStream: chunked(parts) });
    t.ok(streamed.sink.body.equals(body), `${name} streamed`);
  }
});

t.test('a sink that throws ends the request as 499; the host keeps serving', async (t) => {
  const s = webSpec(esm(`return new Response(new ReadableStream({ async pull(c) { await new Promise((r) => setTimeout(r, 5)); c.enqueue(new Uint8Array(10)); } }));`), { timeoutMs: 5000 });
  const restarts = rt.stats().processes.map((h) => h.restarts);
  const sink = recordingSink({ onWrite: () => { if (sink.chunks.length === 2) throw new Error('socket gone'); } });
  const o = await rt.serveHttp(hreq(s), sink);
  t.equal(o.kind, 'canceled');
  const ok = await call(webSpec(esm('return new Response("still here");')));
  t.equal(ok.sink.text, 'still here');
  t.same(rt.stats().processes.map((h) => h.restarts), restarts, 'no host was killed');
});
