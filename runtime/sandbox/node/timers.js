// node:timers for the isolate's Node.js compatibility set. Node's timer functions
// return Timeout objects (ref/unref/hasRef/refresh, usable as a number); these
// wrap the isolate's timers (sandbox/boot/40-timers.js), whose ids are numbers.
// ref/unref change nothing here: an isolate's timers never keep a process alive,
// and a function's invocation ends when its handler settles, not when timers drain.
// setImmediate is a 0 ms timer (a macrotask, after pending promise jobs, as in Node).
'use strict';

const g = globalThis;
const idOf = (t) => (t !== null && typeof t === 'object' && typeof t[Symbol.toPrimitive] === 'function' ? t[Symbol.toPrimitive]() : t);

class Timeout {
  #id; #refed = true; #restart;
  constructor(id, restart) { this.#id = id; this.#restart = restart; }
  ref() { this.#refed = true; return this; }
  unref() { this.#refed = false; return this; }
  hasRef() { return this.#refed; }
  /** Restarts the timer with its original delay and callback (Node's refresh). */
  refresh() { g.clearTimeout(this.#id); this.#id = this.#restart(); return this; }
  close() { g.clearTimeout(this.#id); return this; }
  [Symbol.toPrimitive]() { return this.#id; }
}
class Immediate {
  #id; #refed = true;
  constructor(id) { this.#id = id; }
  ref() { this.#refed = true; return this; }
  unref() { this.#refed = false; return this; }
  hasRef() { return this.#refed; }
  [Symbol.toPrimitive]() { return this.#id; }
}

function setTimeout(callback, ms, ...args) {
  const start = () => g.setTimeout(callback, ms, ...args);
  return new Timeout(start(), start);
}
function setInterval(callback, ms, ...args) {
  const start = () => g.setInterval(callback, ms, ...args);
  return new Timeout(start(), start);
}
function setImmediate(callback, ...args) { return new Immediate(g.setTimeout(callback, 0, ...args)); }
function clearTimeout(t) { g.clearTimeout(idOf(t)); }
function clearInterval(t) { g.clearInterval(idOf(t)); }
function clearImmediate(t) { g.clearTimeout(idOf(t)); }

module.exports = { setTimeout, setInterval, setImmediate, clearTimeout, clearInterval, clearImmediate, Timeout, Immediate };
Object.defineProperty(module.exports, 'promises', { enumerable: true, get: () => require('timers/promises') });
