'use strict';
// The web globals add exactly the documented names to a bare context and expose no internals.
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');
const ivm = require('isolated-vm');
const { WEB_DIR, WEB_FILES, loadWebFiles } = require('./helpers/sandbox');

const EXPECTED_GLOBALS = [
  'AbortController', 'AbortSignal', 'Blob', 'ByteLengthQueuingStrategy', 'CloseEvent', 'CountQueuingStrategy', 'CustomEvent', 'DOMException', 'ErrorEvent', 'Event', 'EventTarget', 'File', 'FormData', 'Headers',
  'MessageEvent', 'ReadableByteStreamController', 'ReadableStream', 'ReadableStreamBYOBReader', 'ReadableStreamBYOBRequest', 'ReadableStreamDefaultController', 'ReadableStreamDefaultReader', 'Request', 'Response', 'TextDecoder',
  'TextDecoderStream', 'TextEncoder', 'TextEncoderStream', 'TransformStream', 'TransformStreamDefaultController', 'URL', 'URLSearchParams',
  'WebSocket', 'WebSocketPair', 'WritableStream', 'WritableStreamDefaultController', 'WritableStreamDefaultWriter', 'atob', 'btoa', 'queueMicrotask', 'structuredClone',
];

function bareContext(t) {
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  const context = isolate.createContextSync();
  t.teardown(() => {
    context.release();
    isolate.dispose();
  });
  const load = () => loadWebFiles(isolate, context);
  const run = (fn) => JSON.parse(context.evalSync(`JSON.stringify((${fn})())`, { timeout: 5000 }));
  return { load, run };
}

t.test('files follow the NN-name.js convention and are plain classic scripts', async (t) => {
  t.ok(WEB_FILES.length > 5);
  for (const file of WEB_FILES) {
    t.match(file, /^\d\d-[a-z0-9-]+\.js$/, `${file} name`);
    const source = fs.readFileSync(path.join(WEB_DIR, file), 'utf8');
    t.notMatch(source, /\brequire\s*\(|^\s*import\s|^\s*export\s|\bprocess\.|\bBuffer\b/m, `${file} uses no Node or module syntax`);
    t.ok(source.split('\n').length < 450, `${file} stays a reasonable size`);
  }
});

t.test('loading adds exactly the documented globals, non-enumerable, writable and configurable', async (t) => {
  const box = bareContext(t);
  const names = () => Object.getOwnPropertyNames(globalThis);
  const before = box.run(names);
  box.load();
  const after = box.run(names);
  const added = after.filter((n) => !before.includes(n)).sort();
  t.same(added, EXPECTED_GLOBALS);
  const descriptors = box.run(`() => ${JSON.stringify(EXPECTED_GLOBALS)}.map((n) => {
    const d = Object.getOwnPropertyDescriptor(globalThis, n);
    return [n, d.writable, d.enumerable, d.configurable, typeof d.value];
  })`);
  for (const [name, writable, enumerable, configurable, type] of descriptors) {
    t.same([writable, enumerable, configurable, type], [true, false, true, 'function'], name);
  }
  t.equal(box.run(() => typeof globalThis.__isolaWebInternals), 'undefined', 'internals object removed after loading');
});

t.test('instances keep their state private and carry the right toStringTag', async (t) => {
  const box = bareContext(t);
  box.load();
  const probe = () => {
    const makers = {
      Headers: () => new Headers({ a: 'b' }),
      URL: () => new URL('http://x/?a=1'),
      URLSearchParams: () => new URLSearchParams('a=1'),
      Request: () => new Request('http://x/', { method: 'POST', body: 'x' }),
      Response: () => new Response('x'),
      TextEncoder: () => new TextEncoder(),
      TextDecoder: () => new TextDecoder(),
      AbortController: () => new AbortController(),
      AbortSignal: () => new AbortController().signal,
      EventTarget: () => new EventTarget(),
      Event: () => new Event('x'),
      DOMException: () => new DOMException('m'),
      ReadableStream: () => new ReadableStream(),
      ReadableStreamDefaultReader: () => new ReadableStream().getReader(),
      ReadableStreamDefaultController: () => { let c; new ReadableStream({ start(x) { c = x; } }); return c; },
      ReadableStreamBYOBReader: () => new ReadableStream({ type: 'bytes' }).getReader({ mode: 'byob' }),
      ReadableByteStreamController: () => { let c; new ReadableStream({ type: 'bytes', start(x) { c = x; } }); return c; },
      ReadableStreamBYOBRequest: () => {
        let c;
        const rs = new ReadableStream({ type: 'bytes', start(x) { c = x; } });
        rs.getReader({ mode: 'byob' }).read(new Uint8Array(4));
        return c.byobRequest;
      },
      WritableStream: () => new WritableStream(),
      WritableStreamDefaultWriter: () => new WritableStream().getWriter(),
      WritableStreamDefaultController: () => { let c; new WritableStream({ start(x) { c = x; } }); return c; },
      TransformStream: () => new TransformStream(),
      TransformStreamDefaultController: () => { let c; new TransformStream({ start(x) { c = x; } }); return c; },
      CountQueuingStrategy: () => new CountQueuingStrategy({ highWaterMark: 1 }),
      ByteLengthQueuingStrategy: () => new ByteLengthQueuingStrategy({ highWaterMark: 1 }),
      TextEncoderStream: () => new TextEncoderStream(),
      TextDecoderStream: () => new TextDecoderStream(),
    };
    const out = {};
    for (const [name, make] of Object.entries(makers)) {
      const v = make();
      out[name] = {
        own: Reflect.ownKeys(v).map(String),
        tag: Object.prototype.toString.call(v),
        protoTag: Object.prototype.toString.call(globalThis[name].prototype),
      };
    }
    return out;
  };
  const result = box.run(probe);
  for (const [name, info] of Object.entries(result)) {
    t.same(info.own, name === 'DOMException' ? ['stack'] : [], `${name} has no own properties`);
    t.equal(info.tag, `[object ${name}]`, `${name} toStringTag`);
  }
});

t.test('methods refuse foreign receivers instead of reading fake internals', async (t) => {
  const box = bareContext(t);
  box.load();
  const probe = () => {
    const calls = [
      () => Headers.prototype.get.call({}, 'a'),
      () => Object.getOwnPropertyDescriptor(URL.prototype, 'href').get.call({}),
      () => URLSearchParams.prototype.toString.call({}),
      () => Object.getOwnPropertyDescriptor(Request.prototype, 'url').get.call(Object.create(Request.prototype)),
      () => Object.getOwnPropertyDescriptor(Response.prototype, 'status').get.call({}),
      () => Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted').get.call(new EventTarget()),
      () => EventTarget.prototype.dispatchEvent.call({}, new Event('x')),
      () => Object.getOwnPropertyDescriptor(Event.prototype, 'type').get.call({}),
      () => TextDecoder.prototype.decode.call({}),
      () => Headers.prototype.entries.call({}),
      () => new Headers().entries().next.call({}),
      () => ReadableStream.prototype.getReader.call({}),
      () => Object.getOwnPropertyDescriptor(ReadableStream.prototype, 'locked').get.call(new WritableStream()),
      () => ReadableStreamDefaultReader.prototype.releaseLock.call({}),
      () => WritableStream.prototype.getWriter.call(new ReadableStream()),
      () => Object.getOwnPropertyDescriptor(WritableStreamDefaultWriter.prototype, 'desiredSize').get.call({}),
      () => Object.getOwnPropertyDescriptor(TransformStream.prototype, 'readable').get.call({}),
      () => Object.getOwnPropertyDescriptor(CountQueuingStrategy.prototype, 'size').get.call({}),
      () => Object.getOwnPropertyDescriptor(TextDecoderStream.prototype, 'readable').get.call(new TextEncoderStream()),
    ];
    return calls.map((f) => { try { f(); return 'no error'; } catch (e) { return e.constructor.name; } });
  };
  t.same(box.run(probe), Array(19).fill('TypeError'));
});

t.test('prototype members are enumerable like WebIDL attributes and operations', async (t) => {
  const box = bareContext(t);
  box.load();
  const probe = () => [
    Object.keys(URL.prototype).includes('href'), Object.keys(Headers.prototype).includes('append'),
    Object.keys(Response.prototype).includes('json'), Object.keys(Response).includes('redirect'),
    Object.getOwnPropertyDescriptor(Headers.prototype, Symbol.iterator).value === Headers.prototype.entries,
    Object.getOwnPropertyDescriptor(URLSearchParams.prototype, Symbol.iterator).value === URLSearchParams.prototype.entries,
    Object.getPrototypeOf(Object.getPrototypeOf(new Headers().keys())) === Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())),
    Object.prototype.toString.call(new URLSearchParams().keys()),
    Object.getPrototypeOf(AbortSignal.prototype) === EventTarget.prototype,
    Object.getPrototypeOf(DOMException.prototype) === Error.prototype,
  ];
  t.same(box.run(probe), [true, true, true, true, true, true, true, '[object URLSearchParams Iterator]', true, true]);
});

t.test('a host-provided queueMicrotask is kept', async (t) => {
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  const context = isolate.createContextSync();
  t.teardown(() => {
    context.release();
    isolate.dispose();
  });
  context.evalSync('globalThis.queueMicrotask = function hostQueueMicrotask() {}');
  loadWebFiles(isolate, context);
  t.equal(context.evalSync('queueMicrotask.name'), 'hostQueueMicrotask');
});

t.test('tenant code replacing web globals does not break the remaining ones', async (t) => {
  const box = bareContext(t);
  box.load();
  const probe = () => {
    for (const name of ['Headers', 'DOMException', 'Event', 'EventTarget', 'AbortSignal', 'URL', 'Uint8Array']) globalThis[name] = undefined;
    const out = [];
    const r = new Request('http://x/', { method: 'POST', body: 'b', headers: { a: '1' } });
    out.push(r.headers.get('a'), r.signal.aborted, Response.redirect('http://y/').headers.get('location'));
    try { atob('!'); } catch (e) { out.push(e.name); }
    const c = new AbortController();
    c.abort();
    out.push(c.signal.reason.name);
    out.push(structuredClone(new Int16Array([7]))[0]);
    return out;
  };
  t.same(box.run(probe), ['1', false, 'http://y/', 'InvalidCharacterError', 'AbortError', 7]);
});
