'use strict';
// Issue 18: the rest of the Node.js compatibility set — url, querystring,
// string_decoder, assert, stream, crypto, timers, process, async_hooks — run
// inside a function with ISOLA_COMPATIBILITY_FLAGS=nodejs_compat; each result is
// compared with what plain Node 20 gives for the same calls (computed here).
const t = require('tap');
const crypto = require('node:crypto');
const url = require('node:url');
const qs = require('node:querystring');
const { createIsolateRuntime } = require('../dist/runtime');
const { writeTree, spec, req, fnTree, dataDir } = require('./fixtures/runtime/util');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

const ON = { env: { ISOLA_COMPATIBILITY_FLAGS: 'nodejs_compat' } };
const run = async (t, body, over = {}) => {
  const o = await rt.invoke(req(spec(fnTree(body), { ...ON, ...over })));
  t.equal(o.kind, 'ok', o.errorMessage);
  return o.kind === 'ok' ? JSON.parse(o.result) : null;
};

t.test('url: legacy parse/format/resolve, WHATWG URL, file URLs, domains', async (t) => {
  const r = await run(t, `
    const url = require('node:url');
    const p = url.parse('http://user:pw@Host.com:8080/p/a?x=1&x=2#h', true);
    return {
      parsed: { ...p, query: { ...p.query } },
      rel: { ...url.parse('/foo/bar?a=b') },
      format: url.format({ protocol: 'https', hostname: 'example.com', pathname: '/some/path', query: { page: 1, format: 'json' } }),
      formatURL: url.format(new URL('http://u:p@example.com/a?b#c'), { auth: false, fragment: false }),
      resolve: [url.resolve('/one/two/three', 'four'), url.resolve('http://example.com/one', '/two'), url.resolve('http://a/b/c', '../d')],
      same: url.URL === URL && require('url').URLSearchParams === URLSearchParams,
      file: [url.fileURLToPath('file:///a%20b/c'), url.pathToFileURL('/a b/%c').href],
      domain: [url.domainToASCII('münchen.de'), url.domainToUnicode('xn--mnchen-3ya.de')],
      http: url.urlToHttpOptions(new URL('https://a:b@x.com:8443/p?q')),
    };`);
  const p = url.parse('http://user:pw@Host.com:8080/p/a?x=1&x=2#h', true);
  t.same(r, {
    parsed: JSON.parse(JSON.stringify({ ...p, query: { ...p.query } })),
    rel: JSON.parse(JSON.stringify({ ...url.parse('/foo/bar?a=b') })),
    format: url.format({ protocol: 'https', hostname: 'example.com', pathname: '/some/path', query: { page: 1, format: 'json' } }),
    formatURL: url.format(new URL('http://u:p@example.com/a?b#c'), { auth: false, fragment: false }),
    resolve: [url.resolve('/one/two/three', 'four'), url.resolve('http://example.com/one', '/two'), url.resolve('http://a/b/c', '../d')],
    same: true,
    file: [url.fileURLToPath('file:///a%20b/c'), url.pathToFileURL('/a b/%c').href],
    domain: [url.domainToASCII('münchen.de'), url.domainToUnicode('xn--mnchen-3ya.de')],
    http: JSON.parse(JSON.stringify(url.urlToHttpOptions(new URL('https://a:b@x.com:8443/p?q')))),
  });
});

t.test('querystring and string_decoder', async (t) => {
  const cases = ['a=1&b=2&a=3', 'a+b=c%20d&e', '%E0%A4%A=x', 'a=%zz&&b', '=x&y='];
  const r = await run(t, `
    const qs = require('querystring');
    const { StringDecoder } = require('node:string_decoder');
    const d = new StringDecoder('utf8');
    const euro = Buffer.from('€');
    const parts = [d.write(euro.subarray(0, 1)), d.write(euro.subarray(1)), d.end()];
    const b64 = new StringDecoder('base64');
    return {
      parse: ${JSON.stringify(cases)}.map((c) => ({ ...qs.parse(c) })),
      max: Object.keys(qs.parse('a=1&b=2&c=3', null, null, { maxKeys: 2 })),
      stringify: qs.stringify({ a: [1, 2], b: 'x y', c: null, d: true, e: 'é&=' }),
      sep: qs.stringify({ a: 1, b: 2 }, ';', ':'),
      esc: [qs.escape('a b&'), qs.unescape('%41%zz')],
      parts, b64: b64.write(Buffer.from('ab')) + b64.end(),
    };`);
  const d = new (require('string_decoder').StringDecoder)('utf8');
  const euro = Buffer.from('€');
  const b64 = new (require('string_decoder').StringDecoder)('base64');
  t.same(r, {
    parse: cases.map((c) => ({ ...qs.parse(c) })),
    max: Object.keys(qs.parse('a=1&b=2&c=3', null, null, { maxKeys: 2 })),
    stringify: qs.stringify({ a: [1, 2], b: 'x y', c: null, d: true, e: 'é&=' }),
    sep: qs.stringify({ a: 1, b: 2 }, ';', ':'),
    esc: [qs.escape('a b&'), qs.unescape('%41%zz')],
    parts: [d.write(euro.subarray(0, 1)), d.write(euro.subarray(1)), d.end()],
    b64: b64.write(Buffer.from('ab')) + b64.end(),
  });
});

t.test('assert: pass/fail of each form, AssertionError fields, strict variant', async (t) => {
  const r = await run(t, `
    const assert = require('assert');
    const strict = require('node:assert/strict');
    const caught = (fn) => { try { fn(); return 'no throw'; } catch (e) { return [e.name, e.code, e.operator, e.generatedMessage, e.message]; } };
    const out = {
      ok: caught(() => assert(0)), equalLoose: caught(() => assert.equal(1, '1')), strictEq: caught(() => assert.strictEqual(1, 2)),
      deep: caught(() => assert.deepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })), deepFail: caught(() => assert.deepStrictEqual({ a: 1 }, { a: '1' }))[1],
      deepLoose: caught(() => assert.deepEqual({ a: 1 }, { a: '1' })), strictDeep: caught(() => strict.deepEqual({ a: 1 }, { a: '1' }))[0],
      throwsClass: caught(() => assert.throws(() => { throw new TypeError('x'); }, TypeError)),
      throwsWrong: caught(() => assert.throws(() => { throw new Error('x'); }, TypeError))[0],
      throwsObj: caught(() => assert.throws(() => { throw Object.assign(new Error('bad'), { code: 'E1' }); }, { code: 'E1', message: /ba/ })),
      missing: caught(() => assert.throws(() => {})), match: caught(() => assert.match('abc', /d/))[4],
      custom: caught(() => assert.strictEqual(1, 2, 'my message'))[4], ifError: caught(() => assert.ifError(new Error('e')))[4],
      isClass: new assert.AssertionError({ actual: 1, expected: 2, operator: 'strictEqual' }) instanceof Error,
    };
    out.rejects = await assert.rejects(Promise.reject(new RangeError('r')), RangeError).then(() => 'ok');
    out.rejectsMissing = await assert.rejects(Promise.resolve(1)).then(() => 'ok', (e) => e.message);
    return out;`);
  t.same(r.ok, ['AssertionError', 'ERR_ASSERTION', '==', true, 'The expression evaluated to a falsy value: 0']);
  t.equal(r.equalLoose, 'no throw');
  t.same(r.strictEq.slice(0, 4), ['AssertionError', 'ERR_ASSERTION', 'strictEqual', true]);
  t.match(r.strictEq[4], /^Expected values to be strictly equal:/);
  t.equal(r.deep, 'no throw');
  t.equal(r.deepFail, 'ERR_ASSERTION');
  t.equal(r.deepLoose, 'no throw', 'deepEqual is loose');
  t.equal(r.strictDeep, 'AssertionError', 'assert/strict deepEqual is deepStrictEqual');
  t.equal(r.throwsClass, 'no throw');
  t.equal(r.throwsWrong, 'AssertionError');
  t.equal(r.throwsObj, 'no throw');
  t.same(r.missing.slice(0, 3), ['AssertionError', 'ERR_ASSERTION', 'throws']);
  t.equal(r.missing[4], 'Missing expected exception.');
  t.match(r.match, /did not match the regular expression \/d\//);
  t.equal(r.custom, 'my message');
  t.equal(r.ifError, 'ifError got unwanted exception: e');
  t.equal(r.isClass, true);
  t.equal(r.rejects, 'ok');
  t.equal(r.rejectsMissing, 'Missing expected rejection.');
});

t.test('crypto: hashes and HMACs equal Node\'s, random, timingSafeEqual, subtle digest/HMAC', async (t) => {
  const r = await run(t, `
    const crypto = require('node:crypto');
    const algs = ['md5', 'sha1', 'sha256', 'sha512', 'sha384', 'sha224'];
    const big = 'x'.repeat(100000);
    const h = crypto.createHash('sha256').update('hello ');
    const copy = h.copy();
    const out = {
      hashes: algs.map((a) => crypto.createHash(a).update('héllo').update(Buffer.from([0, 255])).digest('hex')),
      hmacs: algs.map((a) => crypto.createHmac(a, 'k€y').update('data').digest('base64')),
      big: crypto.createHash('sha1').update(big).digest('hex'),
      hexIn: crypto.createHash('md5').update('00ff', 'hex').digest('base64url'),
      buf: Buffer.isBuffer(crypto.createHash('sha1').digest()),
      copy: [h.update('a').digest('hex'), copy.update('b').digest('hex')],
      twice: (() => { try { h.digest(); return 'no'; } catch (e) { return e.code; } })(),
      unknown: (() => { try { crypto.createHash('whirlpool'); return 'no'; } catch (e) { return e.message; } })(),
      rb: [crypto.randomBytes(16).length, Buffer.isBuffer(crypto.randomBytes(1)), crypto.randomBytes(8).toString('hex') !== crypto.randomBytes(8).toString('hex')],
      uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()),
      ints: Array.from({ length: 200 }, () => crypto.randomInt(3, 6)).every((n) => n >= 3 && n < 6),
      tse: [crypto.timingSafeEqual(Buffer.from('abc'), Buffer.from('abc')), crypto.timingSafeEqual(Buffer.from('abc'), Buffer.from('abd'))],
      tseLen: (() => { try { crypto.timingSafeEqual(Buffer.from('a'), Buffer.from('ab')); return 'no'; } catch (e) { return e.code; } })(),
      absent: typeof crypto.createCipheriv,
    };
    const s = crypto.subtle;
    out.subtleDigest = Buffer.from(await s.digest('SHA-256', new TextEncoder().encode('abc'))).toString('hex');
    const key = await s.importKey('raw', new TextEncoder().encode('secret'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    const sig = await s.sign('HMAC', key, new TextEncoder().encode('msg'));
    out.sign = Buffer.from(sig).toString('hex');
    out.verify = [await s.verify('HMAC', key, sig, new TextEncoder().encode('msg')), await s.verify('HMAC', key, sig, new TextEncoder().encode('msh'))];
    out.key = [Object.prototype.toString.call(key), key.algorithm.hash.name, key.algorithm.length, key.extractable];
    out.exportRefused = await s.exportKey('raw', key).then(() => 'no', (e) => e.name);
    out.aes = await s.importKey('raw', new Uint8Array(16), 'AES-GCM', false, ['encrypt']).then(() => 'no', (e) => e.name);
    out.same = crypto.webcrypto.subtle === s && require('crypto') === crypto;
    return out;`);
  const algs = ['md5', 'sha1', 'sha256', 'sha512', 'sha384', 'sha224'];
  const h = crypto.createHash('sha256').update('hello ');
  const copy = h.copy();
  t.same(r.hashes, algs.map((a) => crypto.createHash(a).update('héllo').update(Buffer.from([0, 255])).digest('hex')));
  t.same(r.hmacs, algs.map((a) => crypto.createHmac(a, 'k€y').update('data').digest('base64')));
  t.equal(r.big, crypto.createHash('sha1').update('x'.repeat(100000)).digest('hex'));
  t.equal(r.hexIn, crypto.createHash('md5').update('00ff', 'hex').digest('base64url'));
  t.equal(r.buf, true);
  t.same(r.copy, [h.update('a').digest('hex'), copy.update('b').digest('hex')]);
  t.equal(r.twice, 'ERR_CRYPTO_HASH_FINALIZED');
  t.equal(r.unknown, 'Digest method not supported');
  t.same(r.rb, [16, true, true]);
  t.equal(r.uuid, true);
  t.equal(r.ints, true);
  t.same(r.tse, [true, false]);
  t.equal(r.tseLen, 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH');
  t.equal(r.absent, 'undefined', 'what the set lacks is absent, so feature checks see it');
  t.equal(r.subtleDigest, crypto.createHash('sha256').update('abc').digest('hex'));
  t.equal(r.sign, crypto.createHmac('sha256', 'secret').update('msg').digest('hex'));
  t.same(r.verify, [true, false]);
  t.same(r.key, ['[object CryptoKey]', 'SHA-256', 48, false]);
  t.equal(r.exportRefused, 'InvalidAccessError');
  t.equal(r.aes, 'NotSupportedError');
  t.equal(r.same, true);
});

t.test('stream: Readable/Writable/Transform/pipeline, stream/promises, web stream bridges', async (t) => {
  const r = await run(t, `
    const { Readable, Writable, Transform, PassThrough, pipeline } = require('node:stream');
    const { pipeline: pipelineP } = require('stream/promises');
    const upper = () => new Transform({ transform(chunk, _enc, cb) { cb(null, chunk.toString().toUpperCase()); } });
    const collected = [];
    const sink = new Writable({ write(chunk, _enc, cb) { collected.push(chunk.toString()); cb(); } });
    await pipelineP(Readable.from(['a', 'b', 'c']), upper(), sink);
    const cbErr = await new Promise((res) => pipeline(Readable.from(['x']), new Transform({ transform(_c, _e, cb) { cb(new Error('broken')); } }), new PassThrough(), (err) => res(err && err.message)));
    const fromWeb = [];
    for await (const chunk of Readable.fromWeb(new Response('web body').body)) fromWeb.push(Buffer.from(chunk).toString());
    const toWeb = await new Response(Readable.toWeb(Readable.from([Buffer.from('node '), Buffer.from('body')]))).text();
    const events = [];
    const rs = new Readable({ read() {} });
    rs.on('data', (d) => events.push('data:' + d)); rs.on('end', () => events.push('end'));
    rs.push('1'); rs.push('2'); rs.push(null);
    await new Promise((res) => rs.on('close', res));
    return { collected, cbErr, fromWeb: fromWeb.join(''), toWeb, events, isCtor: typeof require('stream') === 'function' && new (require('stream').Stream)() instanceof require('events') };`);
  t.same(r, { collected: ['A', 'B', 'C'], cbErr: 'broken', fromWeb: 'web body', toWeb: 'node body', events: ['data:1', 'data:2', 'end'], isCtor: true });
});

t.test('timers, timers/promises, setImmediate, process members', async (t) => {
  const r = await run(t, `
    const timers = require('node:timers');
    const { setTimeout: sleep, setImmediate: nextMacrotask } = require('timers/promises');
    const order = [];
    const tm = timers.setTimeout(() => order.push('timeout'), 50);
    const same = tm.unref() === tm && tm.hasRef() === false;
    setImmediate(() => order.push('immediate'));
    Promise.resolve().then(() => order.push('microtask'));
    process.nextTick(() => order.push('tick'));
    const v = await sleep(60, 'slept');
    const ac = new AbortController();
    const aborted = sleep(1000, null, { signal: ac.signal }).catch((e) => [e.name, e.code]);
    ac.abort();
    const cleared = await new Promise((res) => { const x = timers.setTimeout(() => res('fired'), 5); timers.clearTimeout(x); setTimeout(() => res('cleared'), 20); });
    return {
      order, same, v, aborted: await aborted, cleared, imm: await nextMacrotask('i'),
      proc: require('process') === process, version: process.version, node: process.versions.node, platform: process.platform, cwd: process.cwd(),
      hr: Array.isArray(process.hrtime()) && typeof process.hrtime.bigint() === 'bigint', global: global === globalThis,
    };`);
  t.same(r.order.slice(0, 2).sort(), ['microtask', 'tick']);
  t.same(r.order.slice(2), ['immediate', 'timeout']);
  t.same({ ...r, order: undefined }, {
    order: undefined, same: true, v: 'slept', aborted: ['AbortError', 'ABORT_ERR'], cleared: 'cleared', imm: 'i',
    proc: true, version: process.version, node: process.versions.node, platform: process.platform, cwd: '/var/user', hr: true, global: true,
  });
});

t.test('ES module named imports of the new modules', async (t) => {
  const dir = writeTree({ 'index.mjs': `
    import { createHash } from 'node:crypto';
    import { AsyncLocalStorage } from 'node:async_hooks';
    import { parse } from 'node:querystring';
    import { strictEqual } from 'node:assert';
    import { Readable } from 'node:stream';
    import { fileURLToPath } from 'node:url';
    export async function main_handler() {
      strictEqual(1, 1);
      return [createHash('md5').update('').digest('hex'), typeof AsyncLocalStorage, parse('a=1').a, typeof Readable.from, fileURLToPath('file:///x')];
    }` });
  const o = await rt.invoke(req(spec(dir, ON)));
  t.equal(o.kind, 'ok', o.errorMessage);
  t.same(JSON.parse(o.result), ['d41d8cd98f00b204e9800998ecf8427e', 'function', '1', 'function', '/x']);
});

t.test('without the switch the new modules keep the built-in error', async (t) => {
  const o = await rt.invoke(req(spec(fnTree(`return ['crypto', 'node:stream', 'async_hooks', 'url'].map((m) => { try { require(m); return 'loaded'; } catch (e) { return e.code; } });`))));
  t.equal(o.kind, 'ok', o.errorMessage);
  t.same(JSON.parse(o.result), ['ERR_BUILTIN_NOT_AVAILABLE', 'ERR_BUILTIN_NOT_AVAILABLE', 'ERR_BUILTIN_NOT_AVAILABLE', 'ERR_BUILTIN_NOT_AVAILABLE']);
});
