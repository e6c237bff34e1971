'use strict';
// tee() of a readable byte stream where a branch is read with a BYOB reader (Streams Standard
// ReadableByteStreamTee): the source is then read with a BYOB reader into that branch's view, so
// the source's byobRequest is offered with the branch's size, partial responds reach a branch's
// read({ min }), the other branch gets copies, and the source's reader switches back to a default
// reader for default reads. Each probe runs in the sandbox and in Node 20 (whose byte tee follows
// the standard) and must give the same answer. Buffers are not detached in the sandbox (V8 11.3),
// so no probe looks at a buffer the standard detaches.
const t = require('tap');
const { sandbox, nativeAsync } = require('./helpers/sandbox');

const H = `
  const settle = (p) => p.then((v) => ['ok', v], (e) => ['err', e instanceof Error ? e.constructor.name : e]);
  const ticks = async (n = 10) => { for (let i = 0; i < n; i++) await null; };
  const view = (v) => (v === undefined ? 'undefined' : [v.constructor.name, Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))]);
  const result = (r) => ({ done: r.done, value: view(r.value) });
  // A source that answers a BYOB pull by writing 1, 2, 3… into the view it is offered, and a
  // default pull by enqueueing one byte; the log says which kind each pull was and its size.
  const countingSource = (log, limit = 100) => {
    let next = 1;
    return { type: 'bytes', pull(c) {
      const req = c.byobRequest;
      if (next > limit) { c.close(); if (req !== null) req.respond(0); log.push('close'); return; }
      if (req === null) { log.push('default'); c.enqueue(new Uint8Array([next++])); return; }
      log.push('byob ' + req.view.byteLength);
      const n = Math.min(2, req.view.byteLength);
      for (let i = 0; i < n; i++) req.view[i] = next++;
      req.respond(n);
    } };
  };
`;
const probe = (body) => `async () => { ${H} ${body} }`;

const PROBES = {
  'a BYOB read on a branch is a BYOB read of the source, into a view of the branch\'s size': probe(`
    const log = [];
    const [a, b] = new ReadableStream(countingSource(log)).tee();
    const first = await a.getReader({ mode: 'byob' }).read(new Uint8Array(5));
    const other = await b.getReader().read();
    return [log, result(first), result(other)];
  `),
  'read({ min }) on a branch waits for partial responds of the source; the other branch gets each part': probe(`
    const log = [];
    const [a, b] = new ReadableStream(countingSource(log)).tee();
    const ra = a.getReader({ mode: 'byob' });
    const rb = b.getReader();
    const full = await ra.read(new Uint8Array(6), { min: 5 });
    const parts = [];
    for (let i = 0; i < 3; i++) parts.push(result(await rb.read()));
    return [log, result(full), parts];
  `),
  'default and BYOB reads alternate: the source\'s reader switches each time': probe(`
    const log = [];
    const [a, b] = new ReadableStream(countingSource(log)).tee();
    const ra = a.getReader();
    const out = [result(await ra.read())];
    ra.releaseLock();
    const rb = a.getReader({ mode: 'byob' });
    out.push(result(await rb.read(new Uint8Array(4))));
    rb.releaseLock();
    out.push(result(await a.getReader().read()));
    const other = b.getReader();
    for (let i = 0; i < 3; i++) out.push(result(await other.read()));
    return [log, out];
  `),
  'the reader of one branch mutating its BYOB result does not change the other branch': probe(`
    const [a, b] = new ReadableStream(countingSource([])).tee();
    const got = await a.getReader({ mode: 'byob' }).read(new Uint8Array(2));
    got.value[0] = 99;
    const rb = b.getReader({ mode: 'byob' });
    return [result(got), result(await rb.read(new Uint8Array(1))), result(await rb.read(new Uint8Array(2)))];
  `),
  'the source closes during a branch\'s BYOB read: an empty done view there, done on the other': probe(`
    const log = [];
    const [a, b] = new ReadableStream(countingSource(log, 0)).tee();
    const ra = a.getReader({ mode: 'byob' });
    const rb = b.getReader({ mode: 'byob' });
    const end = await ra.read(new Uint16Array(2));
    return [log, result(end), end.value.constructor.name, result(await rb.read(new Uint8Array(3))), await settle(ra.closed), await settle(rb.closed)];
  `),
  'one branch cancelled: BYOB reads on the other still go to the source\'s byobRequest': probe(`
    const log = [];
    let cancelled = 'no';
    const source = countingSource(log);
    source.cancel = (reason) => { cancelled = reason; };
    const [a, b] = new ReadableStream(source).tee();
    const bCancelled = settle(b.cancel('b gone'));   // settles once both branches are cancelled
    const ra = a.getReader({ mode: 'byob' });
    const out = [result(await ra.read(new Uint8Array(3))), result(await ra.read(new Uint8Array(1)))];
    const aCancelled = await settle(ra.cancel('a gone'));
    return [log, out, cancelled, aCancelled, await bCancelled];
  `),
  'the source errors during a branch\'s BYOB read: both branches error with its reason': probe(`
    let controller;
    const [a, b] = new ReadableStream({ type: 'bytes', start(c) { controller = c; } }).tee();
    const ra = a.getReader({ mode: 'byob' });
    const rb = b.getReader();
    const pendingA = settle(ra.read(new Uint8Array(4)));
    const pendingB = settle(rb.read());
    await ticks();
    const offered = controller.byobRequest === null ? null : controller.byobRequest.view.byteLength;
    controller.error('boom');
    return [offered, await pendingA, await pendingB, await settle(ra.closed), await settle(rb.closed)];
  `),
  'clone() of a Response whose body is a byte stream: BYOB reads on the clone reach the source': probe(`
    const log = [];
    const res = new Response(new ReadableStream(countingSource(log, 4)));
    const copy = res.clone();
    const r = copy.body.getReader({ mode: 'byob' });
    const first = result(await r.read(new Uint8Array(3)));
    return [log, first, await res.text().then((s) => Array.from(s, (ch) => ch.charCodeAt(0)))];
  `),
};

t.test('tee() of a byte stream with BYOB reads on a branch matches Node 20', async (t) => {
  const box = sandbox(t);
  for (const [name, source] of Object.entries(PROBES)) {
    // eslint-disable-next-line no-new-func
    const nativeProbe = new Function(`return (${source})`)();
    const expected = await nativeAsync(nativeProbe).catch((e) => `native probe failed: ${e}`);
    t.same(await box.runAsync(source), expected, name);
  }
});
