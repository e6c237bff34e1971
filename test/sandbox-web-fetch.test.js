'use strict';
// Differential test: Headers / Request / Response inside an isolate against Node 20's (undici).
const t = require('tap');
const { sandbox, native, nativeAsync } = require('./helpers/sandbox');

const headerInits = {
  record: () => ({ 'Content-Type': 'text/html', 'X-Multi': 'a', accept: '*/*' }),
  pairs: () => [['X-A', '1'], ['x-a', '2'], ['Set-Cookie', 'a=1'], ['set-cookie', 'b=2; Path=/'], ['B', ' padded\t ']],
  headers: () => new Headers([['z', '1'], ['a', '2']]),
  map: () => new Map([['k', 'v'], ['K', 'w']]),
  badPairLength: () => [['a', 'b', 'c']],
  badName: () => ({ 'bad name': 'x' }),
  emptyName: () => [['', 'x']],
  nonTokenName: () => [['é', 'x']],
  newlineValue: () => ({ a: 'x\ny' }),
  nulValue: () => ({ a: 'x\u0000y' }),
  wideValue: () => ({ a: 'x\u0100' }),
  latin1Value: () => ({ a: 'caf\u00e9' }),
  innerWhitespace: () => ({ a: ' x \t y ' }),
  number: () => ({ n: 42 }),
  nullInit: () => null,
  stringInit: () => 'a: b',
};

t.test('Headers construction, validation, combination and ordering match Node', async (t) => {
  const box = sandbox(t);
  for (const [name, make] of Object.entries(headerInits)) {
    const src = `() => {
      try {
        const h = new Headers((${make})());
        return { entries: [...h], cookies: h.getSetCookie(), a: h.get('X-A'), has: h.has('x-a'), b: h.get('b') };
      } catch (e) { return 'throws ' + e.constructor.name; }
    }`;
    // eslint-disable-next-line no-new-func
    t.same(box.run(src), native(new Function(`return (${src})()`)), name);
  }
});

t.test('Headers methods and iteration match Node', async (t) => {
  const box = sandbox(t);
  const probe = () => {
    const h = new Headers();
    const log = [];
    h.append('Accept', 'a');
    h.append('ACCEPT', 'b');
    h.set('Content-Type', 'x');
    h.append('set-cookie', 'c1');
    h.append('Set-Cookie', 'c2');
    h.append('x-empty', '');
    log.push(h.get('accept'), h.get('missing'), h.has('Content-type'), [...h.keys()], [...h.values()], h.getSetCookie());
    h.set('set-cookie', 'only');
    h.delete('ACCEPT');
    log.push([...h]);
    const seen = [];
    h.forEach(function (value, name, self) { seen.push([name, value, self === h, this.tag]); }, { tag: 't' });
    log.push(seen);
    // Iteration is live: names added during iteration are visited if they sort later.
    const it = h.entries();
    const first = it.next().value;
    h.append('zzz', 'late');
    log.push(first, [...it]);
    const errors = [() => h.get('bad name'), () => h.append('a', '\r'), () => h.set('ok', 'x\u0100'), () => h.has(), () => h.append('a')].map((f) => {
      try { f(); return 'ok'; } catch (e) { return e.constructor.name; }
    });
    log.push(errors);
    log.push(Object.prototype.toString.call(h), Object.prototype.toString.call(h.entries()), Object.getOwnPropertyNames(h), typeof h[Symbol.iterator]);
    return log;
  };
  t.same(box.run(probe), native(probe));
});

const methods = ['get', 'GET', 'post', 'Patch', 'patch', 'delete', 'options', 'put', 'head', 'custom', 'CONNECT', 'trace', 'track', 'bad method', '', 'M\u00e9'];

t.test('Request method normalisation and validation match Node', async (t) => {
  const box = sandbox(t);
  const probe = (method) => { try { return new Request('http://x/', { method }).method; } catch (e) { return `throws ${e.constructor.name}`; } };
  for (const m of methods) t.same(box.run(probe, m), native(probe, m), `method ${JSON.stringify(m)}`);
});

const requestInputs = [
  'http://example.com', 'HTTPS://Example.com:443/a/../b?q=1#frag', 'http://user:pw@example.com/', '/relative', 'not a url',
  'http://[::1]:8080/x', 'data:text/plain,hi', 'ftp://x/',
];

t.test('Request URL handling and default properties match Node', async (t) => {
  const box = sandbox(t);
  const probe = (input) => {
    try {
      const r = new Request(input);
      const viaURL = new Request(new URL(r.url));
      return {
        url: r.url, viaURL: viaURL.url, method: r.method, mode: r.mode, credentials: r.credentials, cache: r.cache, redirect: r.redirect,
        referrer: r.referrer, referrerPolicy: r.referrerPolicy, integrity: r.integrity, keepalive: r.keepalive, destination: r.destination,
        bodyUsed: r.bodyUsed, headers: [...r.headers], aborted: r.signal.aborted, tag: Object.prototype.toString.call(r),
      };
    } catch (e) {
      return `throws ${e.constructor.name}`;
    }
  };
  for (const input of requestInputs) t.same(box.run(probe, input), native(probe, input), `Request(${JSON.stringify(input)})`);

  const options = () => {
    const attempt = (init) => {
      try {
        const r = new Request('http://x/', init);
        return [r.mode, r.credentials, r.cache, r.redirect, r.referrer, r.referrerPolicy, r.integrity, r.keepalive];
      } catch (e) { return `throws ${e.constructor.name}`; }
    };
    return [
      { mode: 'no-cors', credentials: 'include', cache: 'no-store', redirect: 'manual', referrer: '', referrerPolicy: 'origin', integrity: 'sha256-x', keepalive: true },
      { mode: 'navigate' }, { mode: 'bogus' }, { redirect: 'bogus' }, { cache: 'only-if-cached' }, { cache: 'only-if-cached', mode: 'same-origin' },
      { referrer: 'http://ref.test/a' }, { referrer: 'about:client' }, { mode: 'no-cors', method: 'PUT' }, { window: null }, { window: {} },
      { signal: 'nope' }, { signal: null }, { headers: 5 },
    ].map(attempt);
  };
  t.same(box.run(options), native(options), 'RequestInit members');
});

const bodies = {
  string: () => 'héllo wörld',
  empty: () => '',
  arrayBuffer: () => new Uint8Array([104, 105, 0xff]).buffer,
  uint8: () => new Uint8Array([1, 2, 3]),
  subarray: () => new Uint8Array([9, 104, 105, 9]).subarray(1, 3),
  int16: () => new Int16Array([1, -1]),
  dataView: () => new DataView(new Uint8Array([0x7b, 0x7d, 0x21]).buffer, 0, 2),
  searchParams: () => new URLSearchParams({ a: '1 2', b: 'é' }),
  json: () => JSON.stringify({ a: [1, 'x'] }),
  bom: () => new Uint8Array([0xef, 0xbb, 0xbf, 0x41]),
  invalidUtf8: () => new Uint8Array([0x41, 0xff, 0xc3]),
  number: () => 12345,
  object: () => ({ toString() { return 'custom'; } }),
  nullBody: () => null,
};

t.test('Request and Response bodies read the same as in Node', async (t) => {
  const box = sandbox(t);
  for (const [name, make] of Object.entries(bodies)) {
    const src = `async () => {
      const make = ${make};
      const out = {};
      for (const kind of ['request', 'response']) {
        const body = make();
        const r = kind === 'request' ? new Request('http://x/', { method: 'POST', body }) : new Response(body);
        const copy = r.clone();
        const copy2 = r.clone();
        out[kind] = {
          type: r.headers.get('content-type'),
          usedBefore: r.bodyUsed,
          text: await r.text(),
          usedAfter: r.bodyUsed,
          again: await r.text().then(() => 'read again', (e) => 'rejects ' + e.constructor.name),
          cloneAfterRead: (() => { try { r.clone(); return 'ok'; } catch (e) { return 'throws ' + e.constructor.name; } })(),
          bytes: Array.from(new Uint8Array(await copy.arrayBuffer())),
          json: await copy2.json().then((v) => v, (e) => 'rejects ' + e.constructor.name),
        };
      }
      return out;
    }`;
    // eslint-disable-next-line no-new-func
    t.same(await box.runAsync(src), await nativeAsync(new Function(`return (${src})()`)), name);
  }
});

t.test('body sources are copied at construction and bytes() returns a Uint8Array', async (t) => {
  const box = sandbox(t);
  const probe = async () => {
    const source = new Uint8Array([1, 2, 3]);
    const r = new Response(source);
    source[0] = 99;
    const bytes = await r.bytes();
    const req = new Request('http://x/', { method: 'PUT', body: 'abc', headers: { 'Content-Type': 'text/custom' } });
    return [Array.from(bytes), Object.prototype.toString.call(bytes), req.headers.get('content-type'), await req.text()];
  };
  t.same(await box.runAsync(probe), await nativeAsync(probe));
});

t.test('Request bodies, GET/HEAD rules and Request-from-Request match Node', async (t) => {
  const box = sandbox(t);
  const probe = async () => {
    const attempt = (fn) => { try { return fn(); } catch (e) { return `throws ${e.constructor.name}`; } };
    const log = [];
    log.push(attempt(() => new Request('http://x/', { body: 'x' })));
    log.push(attempt(() => new Request('http://x/', { method: 'HEAD', body: 'x' })));
    log.push(attempt(() => new Request('http://x/', { method: 'GET', body: null }).bodyUsed));
    const original = new Request('http://x/a', { method: 'POST', body: 'payload', headers: { 'X-A': '1' } });
    const derived = new Request(original, { headers: { 'X-B': '2' } });
    log.push(original.bodyUsed, derived.method, derived.url, [...derived.headers], await derived.text());
    log.push(attempt(() => new Request(original)));
    const keepHeaders = new Request(new Request('http://x/', { headers: { k: 'v' } }));
    log.push([...keepHeaders.headers]);
    const overridden = new Request(new Request('http://x/', { method: 'POST', body: 'old' }), { body: 'new', method: 'PUT' });
    log.push(overridden.method, await overridden.text());
    log.push(attempt(() => new Request(new Request('http://x/', { method: 'POST', body: 'b' }), { method: 'GET' })));
    const used = new Request('http://x/', { method: 'POST', body: 'z' });
    await used.text();
    log.push(attempt(() => used.clone()), attempt(() => new Request(used)), attempt(() => new Request(used, { body: 'fresh' }).method));
    const noBody = new Request('http://x/');
    log.push(await noBody.text(), await noBody.text(), noBody.bodyUsed, noBody.body);
    return log;
  };
  t.same(await box.runAsync(probe), await nativeAsync(probe));
});

t.test('Request signal follows the given AbortSignal', async (t) => {
  const box = sandbox(t);
  const probe = () => {
    const controller = new AbortController();
    const r = new Request('http://x/', { signal: controller.signal });
    const clone = r.clone();
    const derived = new Request(r);
    const before = [r.signal.aborted, r.signal === controller.signal, Object.prototype.toString.call(r.signal)];
    controller.abort('why');
    const pre = new Request('http://x/', { signal: AbortSignal.abort('already') });
    return [before, r.signal.aborted, r.signal.reason, clone.signal.aborted, derived.signal.reason, pre.signal.aborted, pre.signal.reason];
  };
  t.same(box.run(probe), native(probe));
});

t.test('Response statuses, statics and properties match Node', async (t) => {
  const box = sandbox(t);
  const probe = async () => {
    const attempt = (fn) => { try { return fn(); } catch (e) { return `throws ${e.constructor.name}`; } };
    const describe = (r) => [r.type, r.status, r.ok, r.statusText, r.url, r.redirected, [...r.headers], r.bodyUsed];
    const log = [];
    log.push(describe(new Response()));
    log.push(describe(new Response('x', { status: 404, statusText: 'Not Found', headers: { 'X-A': 'b' } })));
    for (const status of [199, 200, 299, 300, 599, 600, 0, 1.5e3, 65736, '201']) log.push(attempt(() => new Response(null, { status }).status));
    for (const status of [101, 204, 205, 304]) log.push(attempt(() => new Response('body', { status }).status), attempt(() => new Response(null, { status }).status));
    for (const statusText of ['OK', 'with\ttab', 'bad\nline', 'caf\u00e9', 'wide\u0100']) log.push(attempt(() => new Response(null, { statusText }).statusText));
    const json = Response.json({ a: 1, b: [true, null] }, { status: 201, headers: { 'X-J': '1' } });
    log.push(describe(json), await json.json());
    const jsonCustomType = Response.json('s', { headers: { 'Content-Type': 'application/vnd.x+json' } });
    log.push(jsonCustomType.headers.get('content-type'), await jsonCustomType.text());
    log.push(attempt(() => Response.json(undefined)), attempt(() => Response.json(() => 1)), attempt(() => Response.json({}, { status: 204 })));
    log.push(attempt(() => Response.json(1n)));
    const redirect = Response.redirect('http://Example.com/a b', 301);
    log.push(describe(redirect), attempt(() => redirect.headers.set('x', 'y')));
    log.push(describe(Response.redirect(new URL('https://x.test/'))));
    for (const status of [300, 304, 307, 308, 200]) log.push(attempt(() => Response.redirect('http://x/', status).status));
    log.push(attempt(() => Response.redirect('/relative')));
    const error = Response.error();
    log.push(describe(error), attempt(() => error.headers.append('a', 'b')), await error.text());
    const original = new Response('abc', { status: 202, statusText: 'Acc', headers: { k: 'v' } });
    const clone = original.clone();
    clone.headers.set('k', 'changed');
    log.push(describe(clone), original.headers.get('k'), await original.text(), await clone.text());
    log.push(describe(Response.error().clone()), attempt(() => Response.error().clone().headers.set('a', 'b')));
    return log;
  };
  t.same(await box.runAsync(probe), await nativeAsync(probe));
});

t.test('body methods reject for foreign receivers and instances expose no own properties', async (t) => {
  const box = sandbox(t);
  const probe = async () => {
    const text = Response.prototype.text;
    const rejected = await text.call({}).then(() => 'resolved', (e) => e.constructor.name);
    return [rejected, Object.getOwnPropertyNames(new Request('http://x/')), Object.getOwnPropertyNames(new Response('x')),
      Object.getOwnPropertyNames(new Headers({ a: 'b' })), Object.prototype.toString.call(new Response())];
  };
  t.same(await box.runAsync(probe), await nativeAsync(probe));
});

t.test('interfaces expose the same members as Node (less Blob/FormData/stream parts)', async (t) => {
  const box = sandbox(t);
  const probe = () => {
    const absent = ['blob', 'formData', 'attribute'];
    // Response.prototype.webSocket is the Workers extension (no such member in Node).
    const members = (C) => Object.getOwnPropertyNames(C.prototype).filter((k) => !absent.includes(k) && !(C === Response && k === 'webSocket')).sort();
    const statics = (C) => Object.getOwnPropertyNames(C).filter((k) => !['length', 'name', 'prototype'].includes(k)).sort();
    return {
      Request: members(Request), Response: members(Response), Headers: members(Headers), URL: members(URL),
      URLSearchParams: members(URLSearchParams), ResponseStatics: statics(Response),
      URLStatics: statics(URL).filter((k) => !['createObjectURL', 'revokeObjectURL'].includes(k)),
      AbortSignalStatics: statics(AbortSignal), AbortSignal: members(AbortSignal), AbortController: members(AbortController),
      TextDecoder: members(TextDecoder), TextEncoder: members(TextEncoder), EventTarget: members(EventTarget),
    };
  };
  t.same(box.run(probe), native(probe));
});
