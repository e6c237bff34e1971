// node:assert for the isolate's Node.js compatibility set: assert/ok, equal,
// notEqual, strictEqual, notStrictEqual, deepEqual, notDeepEqual,
// deepStrictEqual, notDeepStrictEqual, throws, doesNotThrow, rejects,
// doesNotReject, match, doesNotMatch, fail, ifError, AssertionError, strict.
// Written here rather than taken from npm: the `assert` package (2.x) pulls in
// the npm `util` and a dozen polyfills. Messages follow Node's wording on one
// line (Node adds a diff of multi-line values).
'use strict';

const { inspect, isDeepStrictEqual } = require('util');

class AssertionError extends Error {
  constructor(options) {
    const { message, actual, expected, operator } = options;
    super(message !== undefined ? String(message) : `${inspect(actual)} ${operator} ${inspect(expected)}`);
    this.name = 'AssertionError';
    this.code = 'ERR_ASSERTION';
    this.actual = actual;
    this.expected = expected;
    this.operator = operator;
    this.generatedMessage = message === undefined;
  }
}

function fail(actual, expected, message, operator) {
  if (message instanceof Error) throw message;
  throw new AssertionError({ actual, expected, operator, message });
}
const sentences = {
  strictEqual: 'Expected values to be strictly equal:',
  notStrictEqual: 'Expected "actual" to be strictly unequal to:',
  deepStrictEqual: 'Expected values to be strictly deep-equal:',
  notDeepStrictEqual: 'Expected "actual" not to be strictly deep-equal to:',
  deepEqual: 'Expected values to be loosely deep-equal:',
  notDeepEqual: 'Expected "actual" not to be loosely deep-equal to:',
};
function check(pass, actual, expected, message, operator) {
  if (pass) return;
  if (message instanceof Error) throw message;
  const generated = message === undefined && sentences[operator] !== undefined
    ? `${sentences[operator]} ${inspect(actual)} ${operator.startsWith('not') ? '' : '!== '}${inspect(expected)}`.replace(/ {2}/g, ' ')
    : message;
  const e = new AssertionError({ actual, expected, operator, message: generated });
  e.generatedMessage = message === undefined;
  throw e;
}

/** Node's loose deep equality (== for primitives, no prototype check). */
function isDeepEqual(a, b, seen = []) {
  // eslint-disable-next-line eqeqeq
  if (a == b || (a !== a && b !== b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (seen.some(([x, y]) => x === a && y === b)) return true;
  seen.push([a, b]);
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof RegExp && b instanceof RegExp) return String(a) === String(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Map && b instanceof Map) return a.size === b.size && [...a].every(([k, v]) => b.has(k) && isDeepEqual(v, b.get(k), seen));
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((v) => b.has(v) || [...b].some((w) => isDeepEqual(v, w, seen)));
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && isDeepEqual(a[k], b[k], seen));
}

function assert(value, message) { ok(value, message); }
function ok(...args) {
  if (args.length === 0) throw new AssertionError({ message: 'No value argument passed to `assert.ok()`', actual: undefined, expected: true, operator: '==' });
  const [value, message] = args;
  if (value) return;
  if (message instanceof Error) throw message;
  const e = new AssertionError({ actual: value, expected: true, operator: '==', message: message === undefined ? `The expression evaluated to a falsy value: ${inspect(value)}` : message });
  e.generatedMessage = message === undefined;
  throw e;
}
// eslint-disable-next-line eqeqeq
const equal = (a, b, m) => check(a == b || (a !== a && b !== b), a, b, m, '==');
// eslint-disable-next-line eqeqeq
const notEqual = (a, b, m) => check(!(a == b || (a !== a && b !== b)), a, b, m, '!=');
const strictEqual = (a, b, m) => check(Object.is(a, b), a, b, m, 'strictEqual');
const notStrictEqual = (a, b, m) => check(!Object.is(a, b), a, b, m, 'notStrictEqual');
const deepEqual = (a, b, m) => check(isDeepEqual(a, b), a, b, m, 'deepEqual');
const notDeepEqual = (a, b, m) => check(!isDeepEqual(a, b), a, b, m, 'notDeepEqual');
const deepStrictEqual = (a, b, m) => check(isDeepStrictEqual(a, b), a, b, m, 'deepStrictEqual');
const notDeepStrictEqual = (a, b, m) => check(!isDeepStrictEqual(a, b), a, b, m, 'notDeepStrictEqual');

/** Whether a thrown value satisfies `expected` (class, RegExp, validation function or object of properties). */
function matches(actual, expected, message, fnName) {
  if (expected === undefined) return;
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && actual instanceof expected) return;
    if (Error.isPrototypeOf(expected) || expected === Error) fail(actual, expected, message ?? `The error is expected to be an instance of "${expected.name}". Received "${actual?.constructor?.name}"`, fnName);
    if (expected.call({}, actual) === true) return;
    fail(actual, expected, message ?? `The ${expected.name ? `"${expected.name}" ` : ''}validation function is expected to return "true". Received ${inspect(expected.call({}, actual))}`, fnName);
  }
  if (expected instanceof RegExp) {
    if (expected.test(String(actual))) return;
    fail(actual, expected, message ?? `The input did not match the regular expression ${expected}. Input: ${inspect(String(actual))}`, fnName);
  }
  if (typeof expected === 'object' && expected !== null) {
    for (const key of Object.keys(expected)) {
      const want = expected[key];
      const got = actual?.[key];
      const same = want instanceof RegExp && typeof got === 'string' ? want.test(got) : isDeepStrictEqual(got, want);
      if (!same) fail(actual, expected, message ?? `Expected values to be strictly deep-equal: ${key}: ${inspect(got)} !== ${inspect(want)}`, fnName);
    }
  }
}
const NO_EXCEPTION = Symbol('no exception');
function throws(fn, expected, message) {
  if (typeof fn !== 'function') throw Object.assign(new TypeError('The "fn" argument must be of type function'), { code: 'ERR_INVALID_ARG_TYPE' });
  if (typeof expected === 'string') { message = expected; expected = undefined; }
  let thrown = NO_EXCEPTION;
  try { fn(); } catch (e) { thrown = e; }
  if (thrown === NO_EXCEPTION) fail(undefined, expected, message === undefined ? 'Missing expected exception.' : `Missing expected exception: ${message}`, 'throws');
  matches(thrown, expected, message, 'throws');
}
function doesNotThrow(fn, expected, message) {
  if (typeof expected === 'string') message = expected;
  try { fn(); } catch (e) {
    fail(e, expected, `Got unwanted exception${message === undefined ? '' : ': ' + message}.\nActual message: "${e?.message}"`, 'doesNotThrow');
  }
}
async function rejects(promiseFn, expected, message) {
  if (typeof expected === 'string') { message = expected; expected = undefined; }
  let thrown = NO_EXCEPTION;
  try { await (typeof promiseFn === 'function' ? promiseFn() : promiseFn); } catch (e) { thrown = e; }
  if (thrown === NO_EXCEPTION) fail(undefined, expected, message === undefined ? 'Missing expected rejection.' : `Missing expected rejection: ${message}`, 'rejects');
  matches(thrown, expected, message, 'rejects');
}
async function doesNotReject(promiseFn, expected, message) {
  if (typeof expected === 'string') message = expected;
  try { await (typeof promiseFn === 'function' ? promiseFn() : promiseFn); } catch (e) {
    fail(e, expected, `Got unwanted rejection${message === undefined ? '' : ': ' + message}.\nActual message: "${e?.message}"`, 'doesNotReject');
  }
}
function match(string, regexp, message) {
  if (!(regexp instanceof RegExp)) throw Object.assign(new TypeError('The "regexp" argument must be an instance of RegExp'), { code: 'ERR_INVALID_ARG_TYPE' });
  check(typeof string === 'string' && regexp.test(string), string, regexp, message ?? `The input did not match the regular expression ${regexp}. Input: ${inspect(string)}`, 'match');
}
function doesNotMatch(string, regexp, message) {
  if (!(regexp instanceof RegExp)) throw Object.assign(new TypeError('The "regexp" argument must be an instance of RegExp'), { code: 'ERR_INVALID_ARG_TYPE' });
  check(typeof string === 'string' && !regexp.test(string), string, regexp, message ?? `The input was expected to not match the regular expression ${regexp}. Input: ${inspect(string)}`, 'doesNotMatch');
}
function ifError(value) {
  if (value === null || value === undefined) return;
  const e = new AssertionError({ actual: value, expected: null, operator: 'ifError', message: `ifError got unwanted exception: ${value?.message ?? inspect(value)}` });
  e.origin = value;
  throw e;
}

const members = {
  AssertionError, ok, equal, notEqual, strictEqual, notStrictEqual, deepEqual, notDeepEqual, deepStrictEqual, notDeepStrictEqual,
  throws, doesNotThrow, rejects, doesNotReject, match, doesNotMatch, ifError,
  fail: (message = 'Failed') => fail(undefined, undefined, message, 'fail'),
};
Object.assign(assert, members);
/** assert.strict: the same with equal/deepEqual being the strict forms. */
function strict(value, message) { ok(value, message); }
Object.assign(strict, members, { equal: strictEqual, notEqual: notStrictEqual, deepEqual: deepStrictEqual, notDeepEqual: notDeepStrictEqual });
assert.strict = strict;
strict.strict = strict;

module.exports = assert;
