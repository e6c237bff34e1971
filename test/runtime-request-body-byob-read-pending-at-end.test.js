'use strict';
// A web function reads its streamed request body with a BYOB reader, and its read is already
// waiting when the body ends. The failure this pins: that last read never settled — the host's
// push stream closed its byte stream without answering the pending read-into request (Streams:
// a byte source must respond(0) after close), so the function hung until its execution limit.
// It showed as a 1-in-3 timeout of runtime-request-body-byob-read under a loaded suite.
const t = require('tap');
const { createIsolateRuntime } = require('../dist/runtime');
const { writeTree, dataDir } = require('./fixtures/runtime/util');
const { hreq, webSpec, recordingSink } = require('./fixtures/runtime/http');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

/** The body's chunks, then the end `endAfterMs` later: by then the function's next read waits. */
async function* thenEndLater(parts, endAfterMs) {
  for (const p of parts) yield Buffer.from(p);
  await new Promise((r) => setTimeout(r, endAfterMs));
}

const fn = writeTree({ 'index.mjs': `export default { async fetch(request) {
  const min = Number(request.headers.get('x-min'));
  const reader = request.body.getReader({ mode: 'byob' });
  const reads = [];
  for (;;) {
    const { value, done } = await reader.read(new Uint8Array(8), min ? { min } : undefined);
    if (done) { reads.push('done:' + value.byteLength); break; }
    reads.push(new TextDecoder().decode(value));
  }
  return new Response(reads.join(' '));
} };` });

for (const min of [0, 3]) {
  t.test(`the last BYOB read${min ? ` with { min: ${min} }` : ''} settles as done when the body ends while it waits`, async (t) => {
    const sink = recordingSink();
    const o = await rt.serveHttp(hreq(webSpec(fn, { timeoutMs: 3000 }), {
      method: 'POST', url: 'http://fn.test/', headers: [['x-min', String(min)]], body: null, bodyStream: thenEndLater(['abcdef'], 100),
    }), sink);
    t.equal(o.kind, 'ok', o.errorMessage);
    t.equal(sink.text, 'abcdef done:0', 'the bytes, then done with an empty view of the reader\'s buffer');
  });
}
