// node:crypto for the isolate's Node.js compatibility set: the subset that runs on
// the host's digest (the `compute` capability: hash/HMAC, synchronous as in Node) and the
// isolate's CSPRNG (crypto.getRandomValues):
//   createHash / createHmac (md5, sha1, sha224, sha256, sha384, sha512; update()
//   with Node's input encodings, digest() to a Buffer or hex/base64/base64url/latin1,
//   copy()), getHashes, randomBytes, randomFillSync/randomFill, randomInt,
//   randomUUID, getRandomValues, timingSafeEqual, and webcrypto/subtle with
//   digest (SHA-1/256/384/512) and HMAC (importKey raw/jwk, exportKey raw,
//   generateKey, sign, verify).
// Not here (absent, so feature checks see them missing): ciphers, key pairs and
// signatures (RSA/EC), pbkdf2/scrypt/hkdf, Diffie-Hellman, X509. The Node.js
// process runtime has them.
'use strict';

const { Buffer } = require('buffer');
const { digest: hostDigest } = isola;

const HASHES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];
const BLOCK = 0x2000;

function errorWithCode(Ctor, message, code) {
  const e = new Ctor(message);
  e.code = code;
  return e;
}
/** Bytes → a Latin-1 string, the form the host capability takes. */
function latin1(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += BLOCK) s += String.fromCharCode.apply(null, bytes.subarray(i, i + BLOCK));
  return s;
}
function toBytes(data, encoding, what) {
  if (typeof data === 'string') return Buffer.from(data, encoding || 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw errorWithCode(TypeError, `The "${what}" argument must be of type string or an instance of Buffer, TypedArray, DataView or ArrayBuffer`, 'ERR_INVALID_ARG_TYPE');
}
function hashName(algorithm) {
  if (typeof algorithm !== 'string') throw errorWithCode(TypeError, 'The "algorithm" argument must be of type string', 'ERR_INVALID_ARG_TYPE');
  const name = algorithm.toLowerCase();
  if (!HASHES.includes(name)) throw new Error('Digest method not supported');
  return name;
}

class Hash {
  #algorithm; #key; #chunks = []; #done = false;
  constructor(algorithm, key) { this.#algorithm = hashName(algorithm); this.#key = key; }
  update(data, inputEncoding) {
    if (this.#done) throw errorWithCode(Error, 'Digest already called', 'ERR_CRYPTO_HASH_FINALIZED');
    this.#chunks.push(latin1(toBytes(data, inputEncoding, 'data')));
    return this;
  }
  digest(outputEncoding) {
    if (this.#done) throw errorWithCode(Error, 'Digest already called', 'ERR_CRYPTO_HASH_FINALIZED');
    this.#done = true;
    const out = Buffer.from(hostDigest(this.#algorithm, this.#chunks.join(''), this.#key), 'latin1');
    this.#chunks = [];
    if (outputEncoding === undefined || outputEncoding === 'buffer') return out;
    // npm buffer 6 lacks Node's base64url encoding.
    if (outputEncoding === 'base64url') return out.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    return out.toString(outputEncoding);
  }
  /** A Hash with the same data so far (not for Hmac, as in Node). */
  copy() {
    if (this.#key !== null) throw new TypeError('hmac.copy is not a function');
    if (this.#done) throw errorWithCode(Error, 'Digest already called', 'ERR_CRYPTO_HASH_FINALIZED');
    const h = new Hash(this.#algorithm, null);
    h.#chunks = this.#chunks.slice();
    return h;
  }
}

function createHash(algorithm) { return new Hash(algorithm, null); }
function createHmac(algorithm, key) {
  if (key === null || key === undefined) throw errorWithCode(TypeError, 'The "key" argument must be of type string or an instance of Buffer, TypedArray, DataView or ArrayBuffer', 'ERR_INVALID_ARG_TYPE');
  return new Hash(algorithm, latin1(toBytes(key, 'utf8', 'key')));
}
const getHashes = () => HASHES.slice();

function randomFillSync(buf, offset = 0, size) {
  if (!ArrayBuffer.isView(buf) && !(buf instanceof ArrayBuffer)) throw errorWithCode(TypeError, 'The "buf" argument must be an instance of ArrayBuffer or ArrayBufferView', 'ERR_INVALID_ARG_TYPE');
  const bytes = buf instanceof ArrayBuffer ? new Uint8Array(buf) : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = size === undefined ? bytes.length : offset + size;
  if (!(offset >= 0 && end <= bytes.length && offset <= end)) throw errorWithCode(RangeError, 'The value of "offset + size" is out of range', 'ERR_OUT_OF_RANGE');
  for (let i = offset; i < end; i += 65536) globalThis.crypto.getRandomValues(bytes.subarray(i, Math.min(end, i + 65536)));
  return buf;
}
function randomBytes(size, callback) {
  if (typeof size !== 'number' || !(size >= 0 && size <= 2 ** 31 - 1) || size !== Math.floor(size)) throw errorWithCode(RangeError, `The value of "size" is out of range. It must be >= 0 && <= 2147483647. Received ${size}`, 'ERR_OUT_OF_RANGE');
  const buf = randomFillSync(Buffer.alloc(size));
  if (typeof callback === 'function') { process.nextTick(callback, null, buf); return undefined; }
  return buf;
}
function randomFill(buf, offset, size, callback) {
  const cb = [offset, size, callback].find((x) => typeof x === 'function');
  randomFillSync(buf, typeof offset === 'number' ? offset : 0, typeof size === 'number' ? size : undefined);
  process.nextTick(cb, null, buf);
}
/** A uniform integer in [min, max) (rejection sampling over 48 random bits, as Node). */
function randomInt(min, max, callback) {
  if (typeof max !== 'number') { callback = max; max = min; min = 0; }
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) throw errorWithCode(TypeError, 'The "min" and "max" arguments must be safe integers', 'ERR_INVALID_ARG_TYPE');
  const range = max - min;
  if (!(range > 0 && range <= 2 ** 48)) throw errorWithCode(RangeError, `The value of "max" is out of range. It must be greater than the value of "min" (${min}) and less than or equal to ${min + 2 ** 48}. Received ${max}`, 'ERR_OUT_OF_RANGE');
  const limit = 2 ** 48 - (2 ** 48 % range);
  let x;
  do { const b = randomFillSync(new Uint8Array(6)); x = b.reduce((acc, v) => acc * 256 + v, 0); } while (x >= limit);
  const n = min + (x % range);
  if (typeof callback === 'function') { process.nextTick(callback, null, n); return undefined; }
  return n;
}
function timingSafeEqual(a, b) {
  if (!ArrayBuffer.isView(a) && !(a instanceof ArrayBuffer)) throw errorWithCode(TypeError, 'The "buf1" argument must be an instance of ArrayBuffer, Buffer, TypedArray, or DataView', 'ERR_INVALID_ARG_TYPE');
  if (!ArrayBuffer.isView(b) && !(b instanceof ArrayBuffer)) throw errorWithCode(TypeError, 'The "buf2" argument must be an instance of ArrayBuffer, Buffer, TypedArray, or DataView', 'ERR_INVALID_ARG_TYPE');
  const x = toBytes(a), y = toBytes(b);
  if (x.length !== y.length) throw errorWithCode(RangeError, 'Input buffers must have the same byte length', 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH');
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

const subtle = require('./subtle.js')({ hostDigest, latin1, toBytes, randomFillSync, timingSafeEqual });
const webcrypto = {
  subtle,
  getRandomValues: (array) => globalThis.crypto.getRandomValues(array),
  randomUUID: () => globalThis.crypto.randomUUID(),
};

module.exports = {
  createHash, createHmac, getHashes, Hash,
  randomBytes, randomFillSync, randomFill, randomInt,
  randomUUID: webcrypto.randomUUID, getRandomValues: webcrypto.getRandomValues,
  timingSafeEqual, webcrypto, subtle,
};
