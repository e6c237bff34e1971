'use strict';
// WebSocketPair / WebSocket / MessageEvent / CloseEvent / ErrorEvent (runtime/sandbox/web/80-websocket.js), the
// Response `webSocket` extension and the host bridge's openWebSocket/responseWebSocket, inside a real isolate.
// Not differential: Node has no WebSocketPair; the expected values follow Cloudflare Workers (workerd).
const t = require('tap');
const { sandbox, BRIDGE_CAPTURE, BRIDGE_TAKE } = require('./helpers/sandbox');


// Shared helpers defined inside the isolate: attempt() names what a call throws; fakeIo() records io calls.
const HELPERS = `
globalThis.attempt = (f) => { try { const v = f(); return ['ok', v === undefined ? null : v]; } catch (e) { return [e.constructor.name, e.name, e.message]; } };
globalThis.bytes = (d) => typeof d === 'string' ? d : Array.from(new Uint8Array(d instanceof ArrayBuffer ? d : d.buffer, d.byteOffset || 0, d.byteLength));
globalThis.fakeIo = (log) => {
  const io = {
    send(data) { log.push(['io.send', typeof data === 'string' ? data : Object.prototype.toString.call(data), bytes(data), this === io]); },
    close(code, reason) { log.push(['io.close', code, reason]); },
  };
  return io;
};
globalThis.connect = (log, { accept = true } = {}) => {
  const [client, server] = Object.values(new WebSocketPair());
  if (accept) server.accept();
  const handle = __testBridge.openWebSocket(__testBridge.responseWebSocket(new Response(null, { status: 101, webSocket: client })), fakeIo(log));
  return { client, server, handle };
};
`;

function box(t) {
  const b = sandbox(t, BRIDGE_CAPTURE);
  b.context.evalSync(BRIDGE_TAKE);
  b.context.evalSync(HELPERS);
  return b;
}

t.test('globals, pair shape and destructuring', async (t) => {
  const b = box(t);
  const result = b.run(() => {
    const pair = new WebSocketPair();
    const [client, server] = Object.values(pair);
    const { 0: c0, 1: s1 } = pair;
    return [
      ['WebSocket', 'WebSocketPair', 'MessageEvent', 'CloseEvent', 'ErrorEvent'].map((n) => typeof globalThis[n]),
      Object.keys(pair), Object.getOwnPropertyDescriptor(pair, '0').enumerable, c0 === client && s1 === server, client !== server,
      client instanceof WebSocket, server instanceof EventTarget, Object.prototype.toString.call(server), Object.prototype.toString.call(pair),
      Reflect.ownKeys(server).length, [server.readyState, server.url, server.protocol, server.extensions],
      [WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED, server.OPEN, server.CLOSED],
      [WebSocket.READY_STATE_CONNECTING, WebSocket.READY_STATE_OPEN, WebSocket.READY_STATE_CLOSING, WebSocket.READY_STATE_CLOSED],
      ['accept', 'send', 'close', 'readyState', 'onmessage', 'onclose', 'onerror'].every((k) => Object.keys(WebSocket.prototype).includes(k)),
      [server.onmessage, server.onclose, server.onerror],
      attempt(() => new WebSocket('wss://example.com/')).slice(0, 2), /not supported/.test(attempt(() => new WebSocket('wss://x/'))[2]),
      attempt(() => new WebSocket()).slice(0, 2), attempt(() => WebSocket.prototype.send.call({}, 'x'))[0],
      attempt(() => Object.getOwnPropertyDescriptor(WebSocket.prototype, 'readyState').get.call(new EventTarget()))[0],
      attempt(() => WebSocketPair())[0], attempt(() => structuredClone(server)).slice(0, 2),
    ];
  });
  t.same(result, [
    ['function', 'function', 'function', 'function', 'function'],
    ['0', '1'], true, true, true,
    true, true, '[object WebSocket]', '[object WebSocketPair]',
    0, [1, null, null, null],
    [0, 1, 2, 3, 1, 3],
    [0, 1, 2, 3],
    true,
    [null, null, null],
    ['TypeError', 'TypeError'], true,
    ['TypeError', 'TypeError'], 'TypeError',
    'TypeError',
    'TypeError', ['DOMException', 'DataCloneError'],
  ]);
});

t.test('MessageEvent, CloseEvent and ErrorEvent', async (t) => {
  const b = box(t);
  const result = b.run(() => {
    const m = new MessageEvent('message', { data: 'x', origin: 'o', lastEventId: '7' });
    const m0 = new MessageEvent('message');
    const c = new CloseEvent('close', { code: 4000, reason: 'why', wasClean: true });
    const c0 = new CloseEvent('close');
    const err = new Error('inner');
    const e = new ErrorEvent('error', { message: 'boom', error: err, lineno: 3 });
    return [
      [m.type, m.data, m.origin, m.lastEventId, m.source, m.ports.length, m instanceof Event, Object.prototype.toString.call(m)],
      [m0.data, m0.origin], [c.code, c.reason, c.wasClean, c instanceof Event, Object.prototype.toString.call(c)],
      [c0.code, c0.reason, c0.wasClean], [e.message, e.error === err, e.lineno, e.colno, e.filename, Object.prototype.toString.call(e)],
      attempt(() => new MessageEvent())[0], attempt(() => new CloseEvent('close', 5))[0],
      [m, c, e].map((ev) => Reflect.ownKeys(ev).length),
    ];
  });
  t.same(result, [
    ['message', 'x', 'o', '7', null, 0, true, '[object MessageEvent]'],
    [null, ''], [4000, 'why', true, true, '[object CloseEvent]'],
    [0, '', false], ['boom', true, 3, 0, '', '[object ErrorEvent]'],
    'TypeError', 'TypeError',
    [0, 0, 0],
  ]);
});

t.test('accept(), send() and close() rules and error types', async (t) => {
  const b = box(t);
  const result = b.run(() => {
    const fresh = () => { const [, s] = Object.values(new WebSocketPair()); return s; };
    const out = {};
    const s = fresh();
    out.sendBeforeAccept = attempt(() => s.send('x'));
    out.closeBeforeAccept = attempt(() => s.close());
    out.accept = [attempt(() => s.accept()), attempt(() => s.accept())]; // a second accept() does nothing, as on Workers
    out.noArgs = attempt(() => s.send())[0];
    out.badCodes = [999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 0, NaN].map((code) => attempt(() => { const w = fresh(); w.accept(); w.close(code); }).slice(0, 2));
    out.goodCodes = [1000, 1001, 1003, 1007, 1014, 3000, 4999, 1000.4].map((code) => attempt(() => { const w = fresh(); w.accept(); w.close(code); return w.readyState; })[1]);
    const reason = (r) => attempt(() => { const w = fresh(); w.accept(); w.close(1000, r); }).slice(0, 2);
    out.reasons = [reason('x'.repeat(123)), reason('x'.repeat(124)), reason('\u00e9'.repeat(61)), reason('\u00e9'.repeat(62))];
    out.reasonWithoutCode = attempt(() => { const w = fresh(); w.accept(); w.close(undefined, 'r'); });
    s.close(1000, 'done');
    out.afterClose = [s.readyState, attempt(() => s.send('x')), attempt(() => s.close(1001)), attempt(() => s.close(42))];
    return out;
  });
  const mustAccept = ['TypeError', 'TypeError', 'You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.'];
  t.same(result.sendBeforeAccept, mustAccept);
  t.same(result.closeBeforeAccept, mustAccept);
  t.same(result.accept, [['ok', null], ['ok', null]]);
  t.equal(result.noArgs, 'TypeError');
  t.same(result.badCodes, Array(10).fill(['DOMException', 'InvalidAccessError']));
  t.same(result.goodCodes, Array(8).fill(2), 'valid codes move to CLOSING');
  t.same(result.reasons, [['ok', null], ['DOMException', 'SyntaxError'], ['ok', null], ['DOMException', 'SyntaxError']], 'reason: at most 123 UTF-8 bytes');
  t.same(result.reasonWithoutCode, ['TypeError', 'TypeError', 'If you specify a WebSocket close reason, you must also specify a code.']);
  t.same(result.afterClose, [2, ['TypeError', 'TypeError', "Can't call WebSocket send() after close()."], ['ok', null], ['ok', null]],
    'send() after close() throws; a second close() is ignored');
});

t.test('send() reaches io.send: strings as strings, binary as a copied Uint8Array owning its buffer', async (t) => {
  const b = box(t);
  const result = b.run(() => {
    const log = [];
    const received = [];
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.send('before open'); // sent before the Response is handed over: flushed, in order, on open
    const io = fakeIo(log);
    const send = io.send;
    io.send = function (data) { received.push(data); return send.call(this, data); };
    const handle = __testBridge.openWebSocket(client, io);
    const u8 = new Uint8Array([1, 2, 3, 4, 5]);
    server.send(u8);
    server.send(u8.subarray(1, 3));
    server.send(u8.buffer);
    server.send(new DataView(u8.buffer, 3, 2));
    server.send(new Int16Array([258]));
    server.send(42);
    server.send({});
    server.send('lone \ud800 surrogate');
    u8.fill(9); // the tenant mutating its buffer after send() changes nothing
    const binaries = received.filter((d) => typeof d !== 'string');
    return [log, received.map((d) => typeof d === 'string' ? d : bytes(d)),
      binaries.map((d) => [d.byteOffset, d.buffer.byteLength === d.byteLength, d instanceof Uint8Array]), handle.accepted(), Object.isFrozen(handle)];
  });
  t.same(result, [
    [
      ['io.send', 'before open', 'before open', true],
      ['io.send', '[object Uint8Array]', [1, 2, 3, 4, 5], true],
      ['io.send', '[object Uint8Array]', [2, 3], true],
      ['io.send', '[object Uint8Array]', [1, 2, 3, 4, 5], true],
      ['io.send', '[object Uint8Array]', [4, 5], true],
      ['io.send', '[object Uint8Array]', [2, 1], true],
      ['io.send', '42', '42', true],
      ['io.send', '[object Object]', '[object Object]', true],
      ['io.send', 'lone \ufffd surrogate', 'lone \ufffd surrogate', true],
    ],
    ['before open', [1, 2, 3, 4, 5], [2, 3], [1, 2, 3, 4, 5], [4, 5], [2, 1], '42', '[object Object]', 'lone \ufffd surrogate'],
    Array(5).fill([0, true, true]), true, true,
  ]);
});

t.test('close(): CLOSING, io.close once, then CLOSED and a close event when the host reports it', async (t) => {
  const b = box(t);
  const result = b.run(() => {
    const log = [];
    const { server, handle } = connect(log);
    server.addEventListener('close', (e) => log.push(['event', e.type, e.code, e.reason, e.wasClean, server.readyState, e instanceof CloseEvent, e.target === server]));
    server.close(4001, 'bye');
    log.push(['state', server.readyState]);
    server.close(1000);
    handle.closed(4001, 'bye', true);
    handle.closed(1000, 'again', true); // ignored
    handle.message('late'); // ignored
    log.push(['state', server.readyState]);
    const other = connect(log);
    other.server.onclose = (e) => log.push(['default', e.code, e.reason, e.wasClean, other.server.readyState]);
    other.server.send('x');
    other.handle.closed();
    log.push(attempt(() => other.server.send('dropped')), attempt(() => other.server.close(1000))); // connection gone: silently ignored
    const beforeOpen = Object.values(new WebSocketPair());
    beforeOpen[1].accept();
    beforeOpen[1].send('a');
    beforeOpen[1].close(1000, 'early');
    __testBridge.openWebSocket(beforeOpen[0], fakeIo(log));
    return log;
  });
  t.same(result, [
    ['io.close', 4001, 'bye'],
    ['state', 2],
    ['event', 'close', 4001, 'bye', true, 3, true, true],
    ['state', 3],
    ['io.send', 'x', 'x', true],
    ['default', 1005, '', false, 3],
    ['ok', null], ['ok', null],
    ['io.send', 'a', 'a', true],
    ['io.close', 1000, 'early'],
  ]);
  const noCode = b.run(() => {
    const log = [];
    const { server } = connect(log);
    server.close();
    return log;
  });
  t.same(noCode, [['io.close', undefined, '']].map((e) => JSON.parse(JSON.stringify(e))), 'close() without a code gives io.close(undefined, "")');
});

t.test('message, close and error events through addEventListener and on* handlers', async (t) => {
  const b = box(t);
  const result = b.run(() => {
    const log = [];
    const { server, handle } = connect(log);
    const describe = (e) => [e.type, typeof e.data === 'string' ? e.data : Object.prototype.toString.call(e.data), e.data instanceof ArrayBuffer ? bytes(e.data) : null];
    server.addEventListener('message', (e) => log.push(['listener', ...describe(e), e instanceof MessageEvent, e.target === server]));
    server.onmessage = (e) => log.push(['onmessage', ...describe(e)]);
    server.addEventListener('error', (e) => log.push(['error listener', e.message, e instanceof ErrorEvent, e.error instanceof Error]));
    server.onerror = (e) => log.push(['onerror', e.type, e.message]);
    server.onclose = (e) => log.push(['onclose', e.code, e.reason, e.wasClean]);
    handle.message('text');
    handle.message(new Uint8Array([7, 8]).buffer);
    handle.message(new Uint8Array([1, 2, 3]).subarray(1)); // a view from the host is copied
    server.onmessage = null;
    handle.message('only the listener');
    handle.error('network reset');
    handle.closed(1006, 'gone', false);
    handle.error('after close: ignored');
    log.push(attempt(() => handle.message(42))[0]);
    return log;
  });
  t.same(result, [
    ['listener', 'message', 'text', null, true, true],
    ['onmessage', 'message', 'text', null],
    ['listener', 'message', '[object ArrayBuffer]', [7, 8], true, true],
    ['onmessage', 'message', '[object ArrayBuffer]', [7, 8]],
    ['listener', 'message', '[object ArrayBuffer]', [2, 3], true, true],
    ['onmessage', 'message', '[object ArrayBuffer]', [2, 3]],
    ['listener', 'message', 'only the listener', null, true, true],
    ['error listener', 'network reset', true, true],
    ['onerror', 'error', 'network reset'],
    ['onclose', 1006, 'gone', false],
    'ok',
  ]);
});

t.test('frames that arrive before accept() are queued and delivered in order after it', async (t) => {
  const b = box(t);
  const result = await b.runAsync(async () => {
    const log = [];
    const { server, handle } = connect(log, { accept: false });
    handle.message('one');
    handle.message(new Uint8Array([2]).buffer);
    handle.error('hiccup');
    handle.closed(1000, 'done', true);
    handle.message('after close: ignored');
    log.push(['before accept', handle.accepted(), server.readyState, attempt(() => server.send('x'))[0]]);
    server.accept();
    log.push(['accepted', handle.accepted(), server.readyState]);
    // Listeners added right after accept() still get everything: delivery starts in a microtask.
    server.addEventListener('message', (e) => log.push(['message', typeof e.data === 'string' ? e.data : bytes(e.data), server.readyState]));
    server.addEventListener('error', (e) => log.push(['error', e.message]));
    server.addEventListener('close', (e) => log.push(['close', e.code, e.reason, server.readyState]));
    log.push('sync end');
    await null;
    return log;
  });
  t.same(result, [
    ['before accept', false, 1, 'TypeError'],
    ['accepted', true, 1],
    'sync end',
    ['message', 'one', 1],
    ['message', [2], 1],
    ['error', 'hiccup'],
    ['close', 1000, 'done', 3],
  ]);
});

t.test('both ends accepted locally form a pipe; close is answered', async (t) => {
  const b = box(t);
  const result = await b.runAsync(async () => {
    const log = [];
    const [a, z] = Object.values(new WebSocketPair());
    a.accept();
    a.send('queued for z');
    z.accept();
    a.onmessage = (e) => log.push(['a got', typeof e.data === 'string' ? e.data : bytes(e.data)]);
    z.onmessage = (e) => { log.push(['z got', e.data]); z.send(new Uint8Array([1, 2])); };
    a.onclose = (e) => log.push(['a close', e.code, e.reason, e.wasClean, a.readyState]);
    z.onclose = (e) => log.push(['z close', e.code, e.reason, e.wasClean, z.readyState]);
    for (let i = 0; i < 5; i++) await null;
    a.close(3001, 'end');
    log.push(['a closing', a.readyState]);
    for (let i = 0; i < 5; i++) await null;
    return log;
  });
  t.same(result, [
    ['z got', 'queued for z'],
    ['a got', [1, 2]],
    ['a closing', 2],
    ['z close', 3001, 'end', true, 3],
    ['a close', 3001, 'end', true, 3],
  ]);
});

t.test('Response with a webSocket: 101 only, no body; response.webSocket and responseWebSocket()', async (t) => {
  const b = box(t);
  const result = b.run(() => {
    const [client, server] = Object.values(new WebSocketPair());
    const res = new Response(null, { status: 101, webSocket: client });
    const bridge = __testBridge;
    return [
      [res.status, res.webSocket === client, bridge.responseWebSocket(res) === client, bridge.responseHead(res).status, bridge.responseHead(res).body],
      [new Response('x').webSocket, bridge.responseWebSocket(new Response('x')), new Response(null, { webSocket: null }).status],
      attempt(() => new Response(null, { status: 101 })).slice(0, 2),
      attempt(() => new Response('body', { status: 101, webSocket: client })).slice(0, 2),
      attempt(() => new Response(null, { status: 200, webSocket: client })),
      attempt(() => new Response(null, { webSocket: client })).slice(0, 2),
      attempt(() => new Response(null, { status: 101, webSocket: {} })).slice(0, 2),
      attempt(() => Response.json({}, { status: 101, webSocket: client })).slice(0, 2),
      attempt(() => res.clone()).slice(0, 2),
      attempt(() => bridge.responseWebSocket({}))[0],
      new Response(null, { status: 101, webSocket: server }).webSocket === server,
    ];
  });
  t.same(result, [
    [101, true, true, 101, { kind: 'none', length: 0 }],
    [null, null, 200],
    ['RangeError', 'RangeError'],
    ['TypeError', 'TypeError'],
    ['RangeError', 'RangeError', "Failed to construct 'Response': Responses with a WebSocket must have status code 101."],
    ['RangeError', 'RangeError'],
    ['TypeError', 'TypeError'],
    ['TypeError', 'TypeError'],
    ['TypeError', 'TypeError'],
    'TypeError',
    true,
  ]);
});

t.test('openWebSocket() refuses what it cannot connect', async (t) => {
  const b = box(t);
  const result = b.run(() => {
    const open = (ws, io = fakeIo([])) => attempt(() => { __testBridge.openWebSocket(ws, io); return 'opened'; });
    const [client, server] = Object.values(new WebSocketPair());
    const [accepted] = Object.values(new WebSocketPair());
    accepted.accept();
    const out = [open({}), open(new EventTarget()), open(client, {}), open(client, null), open(accepted)];
    out.push(open(client), open(client), open(server));
    out.push(attempt(() => client.accept()), attempt(() => client.send('x')), attempt(() => client.close()));
    return out.map((r) => r[0] === 'ok' ? r : r.slice(0, 2).concat(/accept|already|WebSocket|io/.test(r[2])));
  });
  t.same(result, [
    ['TypeError', 'TypeError', true], ['TypeError', 'TypeError', true], ['TypeError', 'TypeError', true], ['TypeError', 'TypeError', true],
    ['TypeError', 'TypeError', true],
    ['ok', 'opened'], ['TypeError', 'TypeError', true], ['TypeError', 'TypeError', true],
    ['TypeError', 'TypeError', true], ['ok', null], ['ok', null],
  ]);
});

t.test('a throwing tenant listener is reported and does not break the handle', async (t) => {
  const b = box(t);
  const result = b.run(() => {
    const log = [];
    const reported = [];
    globalThis.reportError = (e) => reported.push(e.message);
    const { server, handle } = connect(log);
    server.addEventListener('message', (e) => { throw new Error(`listener saw ${e.data}`); });
    server.onmessage = (e) => log.push(['still ran', e.data]);
    server.onclose = () => { throw new Error('close listener'); };
    const calls = [attempt(() => handle.message('a')), attempt(() => handle.message('b')), attempt(() => handle.closed(1000, '', true))];
    delete globalThis.reportError;
    return [log, reported, calls, server.readyState];
  });
  t.same(result, [
    [['still ran', 'a'], ['still ran', 'b']],
    ['listener saw a', 'listener saw b', 'close listener'],
    [['ok', null], ['ok', null], ['ok', null]],
    3,
  ]);
});

t.test('tenant patching of prototypes and globals after load does not change the bridge', async (t) => {
  const b = box(t);
  const result = await b.runAsync(async () => {
    const log = [];
    const [client, server] = Object.values(new WebSocketPair());
    server.addEventListener('message', (e) => log.push(['message', typeof e.data === 'string' ? e.data : e.data.byteLength]));
    server.addEventListener('close', (e) => log.push(['close', e.code]));
    const view = new Uint8Array([5, 6, 7]);
    const res = new Response(null, { status: 101, webSocket: client });
    const hostAccept = WebSocket.prototype.accept;
    hostAccept.call(server);
    server.send('pre');
    // Tenant code rewires everything it can reach.
    WebSocket.prototype.accept = () => { throw new Error('patched accept'); };
    WebSocket.prototype.send = () => { throw new Error('patched send'); };
    WebSocket.prototype.dispatchEvent = () => { throw new Error('patched dispatch'); };
    EventTarget.prototype.dispatchEvent = () => { throw new Error('patched dispatch'); };
    Object.defineProperty(WebSocket.prototype, 'readyState', { get() { return 42; } });
    Object.defineProperty(Response.prototype, 'webSocket', { get() { return null; } });
    Object.getPrototypeOf(Uint8Array.prototype).set = () => { throw new Error('patched set'); };
    Promise.prototype.then = function () { throw new Error('patched then'); };
    for (const name of ['WebSocket', 'WebSocketPair', 'Response', 'MessageEvent', 'CloseEvent', 'Uint8Array', 'ArrayBuffer', 'EventTarget']) globalThis[name] = undefined;
    const bridge = __testBridge;
    const ws = bridge.responseWebSocket(res);
    const sent = [];
    const handle = bridge.openWebSocket(ws, { send: (d) => sent.push(d), close: (c, r) => sent.push(['close', c, r]) });
    handle.message('from host');
    handle.message(view.subarray(1));
    handle.closed(1001, 'away', true);
    return [ws === client, sent, log, handle.accepted()];
  });
  t.same(result, [true, ['pre'], [['message', 'from host'], ['message', 2], ['close', 1001]], true]);
});
