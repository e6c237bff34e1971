'use strict';
// Issue 18: request and response bodies are readable byte streams (Fetch), so a web function can
// read an incoming body with a BYOB reader into its own buffer — streamed from the host in
// chunks that do not line up with the reads — and answer with a byte stream of its own.
// The failure this pins: `request.body.getReader({ mode: 'byob' })` throwing (bodies that are
// default streams), or bytes lost or reordered between the host's chunks and the reader's views.
const t = require('tap');
const { createIsolateRuntime } = require('../dist/runtime');
const { writeTree, dataDir } = require('./fixtures/runtime/util');
const { hreq, webSpec, recordingSink, chunked } = require('./fixtures/runtime/http');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

const fn = writeTree({ 'index.mjs': `export default { async fetch(request) {
  const reader = request.body.getReader({ mode: 'byob' });
  const reads = [];
  let buffer = new ArrayBuffer(6);
  let total = 0;
  const all = [];
  for (;;) {
    const { value, done } = await reader.read(new Uint8Array(buffer, 0, 6), { min: 3 });
    if (done) break;
    reads.push(value.byteLength);
    all.push(...value);
    total += value.byteLength;
    buffer = value.buffer;   // the standard's idiom: the next read reuses the returned buffer
  }
  // Answer with a byte stream whose source fills the platform's reads through byobRequest.
  let sent = 0;
  const body = new ReadableStream({ type: 'bytes', autoAllocateChunkSize: 4, pull(c) {
    if (sent >= all.length) { c.close(); if (c.byobRequest) c.byobRequest.respond(0); return; }
    const view = c.byobRequest.view;
    const n = Math.min(view.byteLength, all.length - sent);
    for (let i = 0; i < n; i++) view[i] = all[sent + i] + 1;
    sent += n;
    c.byobRequest.respond(n);
  } });
  return new Response(body, { headers: { 'x-reads': reads.join(','), 'x-total': String(total) } });
} };` });

t.test('a streamed request body read with a BYOB reader, answered with a byte stream', async (t) => {
  // Every chunk is a multiple of 3 bytes and a read takes at most 6, so what is queued when the close
  // arrives is never 1 or 2 bytes: a min-3 read of that is a TypeError by the Streams
  // standard (ReadableByteStreamControllerPullInto), however the chunks were batched.
  const parts = ['abc', 'defghi', 'jkl', 'mnopqrstuvwx'];
  const sink = recordingSink();
  const o = await rt.serveHttp(hreq(webSpec(fn), { method: 'POST', url: 'http://fn.test/', body: null, bodyStream: chunked(parts, 3) }), sink);
  t.equal(o.kind, 'ok', o.errorMessage);
  const header = (name) => sink.headers.find(([k]) => k === name)[1];
  t.equal(header('x-total'), '24');
  const reads = header('x-reads').split(',').map(Number);
  t.equal(reads.reduce((a, b) => a + b, 0), 24);
  t.ok(reads.every((n) => n >= 1 && n <= 6), `each read fits the 6-byte view: ${reads}`);
  t.ok(reads.slice(0, -1).every((n) => n >= 3), `every read but the last waits for min 3 bytes: ${reads}`);
  t.equal(sink.text, 'bcdefghijklmnopqrstuvwxy', 'every byte, in order, through the response byte stream');
});

t.test('a whole (non-streamed) request body is a byte stream too', async (t) => {
  const sink = recordingSink();
  const o = await rt.serveHttp(hreq(webSpec(fn), { method: 'POST', url: 'http://fn.test/', body: Buffer.from('0123456789') }), sink);
  t.equal(o.kind, 'ok', o.errorMessage);
  t.equal(sink.headers.find(([k]) => k === 'x-reads')[1], '6,4');
  t.equal(sink.text, '123456789:');
});
