'use strict';
// The one options validator (lib/options.ts): defaults, each type, unknown
// keys with a suggestion, frozen results, nested objects — and the layers
// that use it keep their defaults.
const t = require('tap');
const { resolveOptions, defaultsOf, closest } = require('../dist/lib');

const SCHEMA = {
  hosts: { type: 'number', integer: true, min: 1, max: 64, default: 2 },
  ratio: { type: 'number', min: 0, default: 0.5 },
  keepAliveMs: { type: 'number', integer: true, min: 1, default: 1000 },
  verbose: { type: 'boolean', default: false },
  name: { type: 'string', nonEmpty: true, default: 'isola', normalize: (s) => s.trim() },
  label: { type: 'string', default: '' },
  mode: { type: 'enum', values: ['worker', 'inline'], default: 'worker' },
  onCommit: { type: 'function', nullable: true, default: null },
  now: { type: 'function', default: Date.now },
  hostsAllowed: { type: 'strings', default: [] },
  observer: { type: 'custom', expected: 'an object with seen()', check: (o) => typeof o?.seen === 'function', default: { seen() {} } },
  fetch: {
    type: 'object',
    shape: {
      allowLoopback: { type: 'boolean', default: false },
      maxRedirects: { type: 'number', integer: true, min: 0, max: 20, default: 5 },
    },
  },
};

/** What tap's t.throws should see: the error class, the code, and the message. */
const invalid = (message, kind) => ({ name: kind.name, code: 'ERR_INVALID_OPTION', message });

t.test('defaults fill absent and undefined keys; given values win', async (t) => {
  const o = resolveOptions(SCHEMA, { hosts: 8, verbose: undefined, name: '  x  ' });
  t.equal(o.hosts, 8);
  t.equal(o.verbose, false, 'undefined means "not given"');
  t.equal(o.name, 'x', 'normalize applies to a given string');
  t.equal(o.mode, 'worker');
  t.equal(o.onCommit, null);
  t.equal(o.now, Date.now);
  t.same(o.hostsAllowed, []);
  t.same(o.fetch, { allowLoopback: false, maxRedirects: 5 }, 'an absent nested object gets all its defaults');
  t.same(Object.keys(o), Object.keys(SCHEMA), 'every key of the schema, in its order');
  t.same(defaultsOf(SCHEMA).hosts, 2);
  t.equal(resolveOptions(SCHEMA, undefined).hosts, 2, 'no options at all');
});

t.test('the result is frozen, nested objects and arrays too; the input is not touched', async (t) => {
  const input = { hostsAllowed: ['a.example'], fetch: { maxRedirects: 1 } };
  const o = resolveOptions(SCHEMA, input);
  t.ok(Object.isFrozen(o));
  t.ok(Object.isFrozen(o.fetch));
  t.ok(Object.isFrozen(o.hostsAllowed));
  t.not(o.hostsAllowed, input.hostsAllowed, 'arrays are copied');
  t.notOk(Object.isFrozen(input.hostsAllowed));
  t.notOk(Object.isFrozen(input.fetch));
  t.throws(() => {
    'use strict';
    o.hosts = 3;
  }, TypeError);
});

t.test('numbers: type, finite, integer, range', async (t) => {
  t.throws(() => resolveOptions(SCHEMA, { hosts: 0 }), invalid(/^Expected `hosts` to be an integer from 1 to 64, got 0$/, RangeError));
  t.throws(() => resolveOptions(SCHEMA, { hosts: 65 }), invalid(/from 1 to 64, got 65$/, RangeError));
  t.throws(() => resolveOptions(SCHEMA, { hosts: 1.5 }), invalid(/an integer from 1 to 64, got 1.5$/, RangeError));
  t.throws(() => resolveOptions(SCHEMA, { hosts: '2' }), invalid(/^Expected `hosts` to be an integer from 1 to 64, got "2"$/, TypeError));
  t.throws(() => resolveOptions(SCHEMA, { ratio: -0.1 }), invalid(/^Expected `ratio` to be a non-negative number, got -0.1$/, RangeError));
  t.throws(() => resolveOptions(SCHEMA, { ratio: NaN }), invalid(/got NaN$/, RangeError));
  t.throws(() => resolveOptions(SCHEMA, { ratio: Infinity }), invalid(/got Infinity$/, RangeError));
  t.throws(() => resolveOptions(SCHEMA, { keepAliveMs: 0 }), invalid(/^Expected `keepAliveMs` to be a positive integer, got 0$/, RangeError));
  t.equal(resolveOptions(SCHEMA, { ratio: 0 }).ratio, 0, 'the minimum itself is accepted');
  t.equal(resolveOptions(SCHEMA, { hosts: 64 }).hosts, 64, 'the maximum itself is accepted');
});

t.test('booleans, strings, enums, functions, string arrays, custom', async (t) => {
  t.throws(() => resolveOptions(SCHEMA, { verbose: 'yes' }), invalid(/^Expected `verbose` to be a boolean, got "yes"$/, TypeError));
  t.throws(() => resolveOptions(SCHEMA, { verbose: 1 }), invalid(/to be a boolean, got 1$/, TypeError));
  t.throws(() => resolveOptions(SCHEMA, { name: '' }), invalid(/^Expected `name` to be a non-empty string, got ""$/, RangeError));
  t.throws(() => resolveOptions(SCHEMA, { name: 3 }), invalid(/to be a non-empty string, got 3$/, TypeError));
  t.equal(resolveOptions(SCHEMA, { label: '' }).label, '', 'an empty string where allowed');
  t.throws(() => resolveOptions(SCHEMA, { mode: 'thread' }), invalid(/^Expected `mode` to be one of "worker", "inline", got "thread"$/, RangeError));
  t.equal(resolveOptions(SCHEMA, { mode: 'inline' }).mode, 'inline');
  t.throws(() => resolveOptions(SCHEMA, { now: 5 }), invalid(/^Expected `now` to be a function, got 5$/, TypeError));
  t.throws(() => resolveOptions(SCHEMA, { onCommit: 'x' }), invalid(/^Expected `onCommit` to be a function or null, got "x"$/, TypeError));
  const fn = () => {};
  t.equal(resolveOptions(SCHEMA, { onCommit: fn }).onCommit, fn);
  t.throws(() => resolveOptions(SCHEMA, { hostsAllowed: ['a', 1] }), invalid(/^Expected `hostsAllowed` to be an array of strings, got \["a",1\]$/, TypeError));
  t.throws(() => resolveOptions(SCHEMA, { observer: {} }), invalid(/^Expected `observer` to be an object with seen\(\), got \{\}$/, TypeError));
  const observer = { seen() {} };
  const o = resolveOptions(SCHEMA, { observer });
  t.equal(o.observer, observer, 'a custom value is kept as given…');
  t.notOk(Object.isFrozen(observer), '…and not frozen');
});

t.test('null is a value: accepted only where nullable', async (t) => {
  t.equal(resolveOptions(SCHEMA, { onCommit: null }).onCommit, null);
  t.throws(() => resolveOptions(SCHEMA, { hosts: null }), invalid(/^Expected `hosts` to be an integer from 1 to 64, got null$/, TypeError));
});

t.test('required options (no default)', async (t) => {
  const schema = { dataDir: { type: 'string', nonEmpty: true }, hosts: { type: 'number', default: 1 } };
  t.throws(() => resolveOptions(schema, {}), invalid(/^Expected `dataDir` to be a non-empty string, got undefined$/, TypeError));
  t.throws(() => defaultsOf(schema), /dataDir/);
  t.equal(resolveOptions(schema, { dataDir: '/d' }).dataDir, '/d');
});

t.test('unknown keys are refused with the closest known key', async (t) => {
  t.throws(() => resolveOptions(SCHEMA, { keepAliveMS: 1 }), invalid(/^Unknown option `keepAliveMS`; did you mean `keepAliveMs`\?$/, TypeError));
  t.throws(() => resolveOptions(SCHEMA, { hots: 1 }), invalid(/did you mean `hosts`\?$/, TypeError), 'one letter missing');
  t.throws(() => resolveOptions(SCHEMA, { verbsoe: true }), invalid(/did you mean `verbose`\?$/, TypeError), 'two letters swapped');
  t.throws(
    () => resolveOptions(SCHEMA, { fetch: { allowLoopbak: true } }),
    invalid(/^Unknown option `fetch.allowLoopbak`; did you mean `fetch.allowLoopback`\?$/, TypeError),
    'nested keys are named with their path',
  );
  t.throws(
    () => resolveOptions(SCHEMA, { zzz: 1 }),
    invalid(/^Unknown option `zzz`; known options: `hosts`, `ratio`, .*`fetch`$/, TypeError),
    'nothing close: the known keys are listed',
  );
  t.throws(() => resolveOptions(SCHEMA, { kepAlive: 1 }, { noun: 'setting' }), invalid(/^Unknown setting `kepAlive`; did you mean `keepAliveMs`\?$/, TypeError), 'the noun');
  t.doesNotThrow(() => resolveOptions(SCHEMA, { unset: undefined }), 'an unknown key that is undefined (an unset flag) is ignored');
  t.equal(closest('HOSTS', ['hosts', 'ratio']), 'hosts', 'case slips are distance 0');
  t.equal(closest('ab', ['xy', 'hosts']), undefined, 'short unrelated keys get no suggestion');
});

t.test('nested objects: type and values checked', async (t) => {
  t.throws(() => resolveOptions(SCHEMA, { fetch: 3 }), invalid(/^Expected `fetch` to be an object, got 3$/, TypeError));
  t.throws(() => resolveOptions(SCHEMA, { fetch: { maxRedirects: 21 } }), invalid(/^Expected `fetch.maxRedirects` to be an integer from 0 to 20, got 21$/, RangeError));
  t.same(resolveOptions(SCHEMA, { fetch: { allowLoopback: true } }).fetch, { allowLoopback: true, maxRedirects: 5 }, 'the nested defaults fill in');
  t.throws(() => resolveOptions(SCHEMA, 'x'), invalid(/^Expected options to be an object, got "x"$/, TypeError));
  t.throws(() => resolveOptions(SCHEMA, [1]), invalid(/^Expected options to be an object, got \[1\]$/, TypeError));
});

t.test('the layers that use it keep their defaults and messages', async (t) => {
  const { resolveConfig, defaultConfig } = require('../dist/core/config/config');
  t.equal(defaultConfig.port, 9000);
  t.equal(defaultConfig.maxApiBodyBytes, 70 * 1024 * 1024);
  t.equal(defaultConfig.logFlushIntervalMs, 50);
  t.ok(require('node:path').isAbsolute(defaultConfig.dataDir), 'dataDir is resolved');
  t.ok(Object.isFrozen(defaultConfig));
  t.throws(() => resolveConfig({ prot: 1 }), /^Unknown setting `prot`; did you mean `port`\?$/);
  t.throws(() => resolveConfig({ port: 70000 }), /^Expected `port` to be an integer from 0 to 65535, got 70000$/);
  t.throws(() => resolveConfig({ invocationLogs: 'no' }), /^Expected `invocationLogs` to be a boolean, got "no"$/);
  t.throws(() => resolveConfig({ unreservedFloorMb: 2000, accountConcurrencyMb: 1000 }), /at most `accountConcurrencyMb`/);

  const { DEFAULT_HTTP_LIMITS, resolveLimits } = require('../dist/gateway/http/limits');
  t.equal(DEFAULT_HTTP_LIMITS.maxRequestBodyBytes, 6 * 1024 * 1024);
  t.throws(() => resolveLimits({ maxRequestBodyByte: 1 }), /^Unknown HTTP limit `maxRequestBodyByte`; did you mean `maxRequestBodyBytes`\?$/);
  t.throws(() => resolveLimits({ bufferedBodyBytes: 0 }), /^Expected `bufferedBodyBytes` to be a positive integer, got 0$/);

  const { defaultLogWriterOptions } = require('../dist/store/log-writer-options');
  t.equal(defaultLogWriterOptions.flushIntervalMs, 50);
  t.equal(defaultLogWriterOptions.thread, 'worker');

  const { AdmissionController } = require('../dist/core/capacity/admission');
  t.throws(() => new AdmissionController({ accountMb: 1, floorMb: 0, burstPerMinute: -1 }), /^Expected `burstPerMinute` to be a non-negative number, got -1$/);
  t.throws(() => new AdmissionController({ accountMb: 1, floorMb: 0, burstPerMinute: 1, observer: {} }), /observer/);
  t.throws(() => new AdmissionController({ accountMb: 1, floorMb: 0, burstPerMinute: 1, burst: 1 }), /Unknown option `burst`; did you mean `burstPerMinute`\?/);
});
