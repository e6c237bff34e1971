'use strict';
// Differential test: Event / EventTarget / AbortController / AbortSignal inside an isolate against Node 20.
const t = require('tap');
const { sandbox, native } = require('./helpers/sandbox');

const scenarios = {
  eventDefaults: () => {
    const e = new Event('ping');
    const f = new Event('x', { bubbles: true, cancelable: true, composed: true });
    return [e.type, e.bubbles, e.cancelable, e.composed, e.defaultPrevented, e.eventPhase, e.target, e.currentTarget, e.isTrusted,
      typeof e.timeStamp, f.bubbles, f.cancelable, f.composed, Event.AT_TARGET, Event.BUBBLING_PHASE, Object.prototype.toString.call(e),
      Object.getOwnPropertyNames(e).filter((n) => n !== 'isTrusted'), e.returnValue, e.cancelBubble];
  },
  orderCaptureOnceDuplicates: () => {
    const target = new EventTarget();
    const log = [];
    const a = () => log.push('a');
    const b = { handleEvent(ev) { log.push(['b', this === b, ev.type]); } };
    target.addEventListener('x', a);
    target.addEventListener('x', a); // duplicate ignored
    target.addEventListener('x', a, true); // different capture: kept, runs first
    target.addEventListener('x', b, { once: true });
    target.addEventListener('x', function () { log.push(['this', this === target]); });
    target.addEventListener('x', null);
    target.dispatchEvent(new Event('x'));
    target.dispatchEvent(new Event('x'));
    target.removeEventListener('x', a);
    target.removeEventListener('x', a, { capture: true });
    target.dispatchEvent(new Event('x'));
    return log;
  },
  customEvent: () => {
    const target = new EventTarget();
    const seen = [];
    target.addEventListener('hello', (e) => seen.push([e.detail, e instanceof Event, e.type, e.bubbles]));
    const e = new CustomEvent('hello', { detail: { n: 1 }, bubbles: true });
    target.dispatchEvent(e);
    const plain = new CustomEvent('y', { bubbles: true, cancelable: true, detail: 42 });
    let threw = 'none';
    try { new CustomEvent(); } catch (err) { threw = err.constructor.name; }
    return [seen, plain.type, plain.bubbles, plain.cancelable, plain.detail, new CustomEvent('z').detail, new CustomEvent('z', { detail: undefined }).detail,
      Object.prototype.toString.call(e), Object.getPrototypeOf(CustomEvent.prototype) === Event.prototype, threw, 'detail' in CustomEvent.prototype];
  },
  dispatchState: () => {
    const target = new EventTarget();
    const seen = [];
    target.addEventListener('y', (e) => {
      seen.push([e.target === target, e.currentTarget === target, e.eventPhase, e.composedPath().length]);
      try { target.dispatchEvent(e); } catch (err) { seen.push('re-dispatch threw'); }
    });
    const event = new Event('y');
    const result = target.dispatchEvent(event);
    seen.push(result, event.target === target, event.currentTarget, event.eventPhase, event.composedPath().length);
    seen.push(target.dispatchEvent(event));
    return seen;
  },
  cancelAndStop: () => {
    const target = new EventTarget();
    const log = [];
    target.addEventListener('c', (e) => { e.preventDefault(); log.push(['first', e.defaultPrevented]); });
    target.addEventListener('c', (e) => { e.stopImmediatePropagation(); log.push('second'); });
    target.addEventListener('c', () => log.push('never'));
    log.push(target.dispatchEvent(new Event('c', { cancelable: true })));
    log.push(target.dispatchEvent(new Event('c')));
    return log;
  },
  removeDuringDispatch: () => {
    const target = new EventTarget();
    const log = [];
    const second = () => log.push('second');
    target.addEventListener('z', () => { log.push('first'); target.removeEventListener('z', second); });
    target.addEventListener('z', second);
    target.dispatchEvent(new Event('z'));
    target.dispatchEvent(new Event('z'));
    return log;
  },
  signalOption: () => {
    const target = new EventTarget();
    const controller = new AbortController();
    const log = [];
    target.addEventListener('s', () => log.push('listener'), { signal: controller.signal });
    target.dispatchEvent(new Event('s'));
    controller.abort();
    target.dispatchEvent(new Event('s'));
    target.addEventListener('s', () => log.push('never added'), { signal: controller.signal });
    target.dispatchEvent(new Event('s'));
    let err = 'none';
    try { target.addEventListener('s', () => {}, { signal: {} }); } catch (e) { err = e.constructor.name; }
    return [log, err];
  },
  argumentErrors: () => {
    const target = new EventTarget();
    return [() => new Event(), () => target.dispatchEvent({ type: 'x' }), () => target.addEventListener('x'), () => target.dispatchEvent()].map((f) => {
      try { f(); return 'ok'; } catch (e) { return e.constructor.name; }
    });
  },
  subclassing: () => {
    class Custom extends Event { constructor(detail) { super('custom'); this.detail = detail; } }
    class Emitter extends EventTarget {}
    const emitter = new Emitter();
    let got = null;
    emitter.addEventListener('custom', (e) => { got = [e.detail, e instanceof Custom, e.target === emitter]; });
    emitter.dispatchEvent(new Custom(42));
    return got;
  },
  abortController: () => {
    const controller = new AbortController();
    const { signal } = controller;
    const log = [];
    signal.addEventListener('abort', (e) => log.push(['listener', e.type, e.isTrusted, e.target === signal, signal.aborted]));
    signal.onabort = (e) => log.push(['onabort', e.type]);
    log.push([signal.aborted, signal.reason, typeof signal.onabort, Object.prototype.toString.call(signal), Object.prototype.toString.call(controller)]);
    controller.abort();
    controller.abort('second call ignored');
    const reason = signal.reason;
    log.push([reason.name, reason.message, reason.code, reason instanceof DOMException]);
    try { signal.throwIfAborted(); } catch (e) { log.push(['thrown', e === reason]); }
    const custom = new AbortController();
    custom.abort({ why: 'custom' });
    log.push(custom.signal.reason);
    custom.signal.onabort = null;
    log.push(custom.signal.onabort);
    return log;
  },
  abortSignalStatics: () => {
    const out = [];
    const s = AbortSignal.abort();
    out.push([s.aborted, s.reason.name, s.reason.message]);
    out.push(AbortSignal.abort(0).reason, AbortSignal.abort(null).reason);
    try { new AbortSignal(); } catch (e) { out.push(e.constructor.name); }
    const a = new AbortController();
    const b = new AbortController();
    const any = AbortSignal.any([a.signal, b.signal]);
    const nested = AbortSignal.any([any]);
    const fired = [];
    any.addEventListener('abort', () => fired.push('any'));
    nested.addEventListener('abort', () => fired.push('nested'));
    out.push(any.aborted);
    b.abort('b-reason');
    a.abort('a-reason');
    out.push(any.aborted, any.reason, nested.reason, fired);
    out.push(AbortSignal.any([AbortSignal.abort('pre'), a.signal]).reason, AbortSignal.any([]).aborted);
    try { AbortSignal.any([{}]); } catch (e) { out.push(e.constructor.name); }
    const unaborted = new AbortController().signal;
    unaborted.throwIfAborted();
    out.push('no throw');
    return out;
  },
};

t.test('Event, EventTarget and AbortSignal behave as in Node', async (t) => {
  const box = sandbox(t);
  for (const [name, fn] of Object.entries(scenarios)) t.same(box.run(fn), native(fn), name);
});

t.test('where Node 20 departs from the DOM standard, the standard is followed', async (t) => {
  const box = sandbox(t);
  const probe = () => {
    const target = new EventTarget();
    let nested = null;
    target.addEventListener('y', (e) => { try { target.dispatchEvent(e); } catch (err) { nested = [err.constructor.name, err.name, err.code]; } });
    target.dispatchEvent(new Event('y'));
    const rv = new Event('r', { cancelable: true });
    rv.returnValue = false;
    const e = new Event('x');
    const passive = new EventTarget();
    let passiveState = null;
    passive.addEventListener('p', (ev) => { ev.preventDefault(); passiveState = ev.defaultPrevented; }, { passive: true });
    const passiveResult = passive.dispatchEvent(new Event('p', { cancelable: true }));
    const growing = new EventTarget();
    const log = [];
    growing.addEventListener('g', () => { log.push('first'); growing.addEventListener('g', () => log.push('added')); });
    growing.dispatchEvent(new Event('g'));
    growing.dispatchEvent(new Event('g'));
    return [nested, rv.defaultPrevented, rv.returnValue, e.AT_TARGET, e.BUBBLING_PHASE, passiveState, passiveResult, log];
  };
  // Node throws its own ERR_EVENT_RECURSION Error, has no returnValue setter, no constants on Event.prototype,
  // lets passive listeners cancel, and runs listeners added during the same dispatch.
  t.same(box.run(probe), [['DOMException', 'InvalidStateError', 11], true, false, 2, 3, false, true, ['first', 'first', 'added']]);
});

t.test('CustomEvent.initCustomEvent (DOM standard; Node 20 lacks it) re-initialises an event that is not being dispatched', async (t) => {
  const box = sandbox(t);
  t.same(box.run(() => {
    const e = new CustomEvent('x', { detail: 1 });
    e.initCustomEvent('y', true, false, 'd');
    const target = new EventTarget();
    let during;
    target.addEventListener('y', (ev) => { ev.initCustomEvent('z', false, false, 'ignored'); during = [ev.type, ev.detail]; });
    target.dispatchEvent(e);
    return [e.type, e.bubbles, e.cancelable, e.detail, during];
  }), ['y', true, false, 'd', ['y', 'd']]);
});

t.test('a throwing listener does not stop the others and is reported through globalThis.reportError', async (t) => {
  const box = sandbox(t);
  const probe = () => {
    const reported = [];
    globalThis.reportError = (e) => reported.push(e.message);
    const target = new EventTarget();
    const log = [];
    target.addEventListener('e', () => { throw new Error('boom'); });
    target.addEventListener('e', () => log.push('still ran'));
    target.addEventListener('e', { handleEvent: 'not callable' });
    const result = target.dispatchEvent(new Event('e'));
    delete globalThis.reportError;
    return [log, result, reported.length, reported[0]];
  };
  t.same(box.run(probe), [['still ran'], true, 2, 'boom']);
});

t.test('AbortSignal.timeout uses the host setTimeout present at call time', async (t) => {
  const box = sandbox(t);
  const probe = () => {
    const out = [];
    try { AbortSignal.timeout(10); } catch (e) { out.push(e.constructor.name); }
    const pending = [];
    globalThis.setTimeout = (fn, ms) => { pending.push([fn, ms]); return 1; };
    const signal = AbortSignal.timeout(25.7);
    out.push(signal.aborted, pending[0][1]);
    pending[0][0]();
    out.push(signal.aborted, signal.reason.name, signal.reason.message, signal.reason.code);
    try { AbortSignal.timeout(-1); } catch (e) { out.push(e.constructor.name); }
    delete globalThis.setTimeout;
    return out;
  };
  t.same(box.run(probe), ['TypeError', false, 25, true, 'TimeoutError', 'The operation was aborted due to timeout', 23, 'TypeError']);
});

t.test('queueMicrotask runs callbacks in order after the current task', async (t) => {
  const box = sandbox(t);
  const probe = async () => {
    const log = [];
    queueMicrotask(() => log.push(1));
    Promise.resolve().then(() => log.push(2));
    queueMicrotask(() => log.push(3));
    log.push(0);
    await new Promise((resolve) => queueMicrotask(resolve));
    let err = 'none';
    try { queueMicrotask('x'); } catch (e) { err = e.constructor.name; }
    return [log, err, typeof queueMicrotask];
  };
  t.same(await box.runAsync(probe), [[0, 1, 2, 3], 'TypeError', 'function']);
});
