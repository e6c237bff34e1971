// crypto.subtle for the isolate's Node.js compatibility set (required by crypto.js,
// which hands over its helpers): digest and HMAC, on the host's `digest`
// capability. Every other algorithm or format rejects with a NotSupportedError
// DOMException, as WebCrypto does for an algorithm it lacks.
'use strict';

const DIGESTS = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const BLOCK_BITS = { 'SHA-1': 512, 'SHA-256': 512, 'SHA-384': 1024, 'SHA-512': 1024 };

module.exports = function makeSubtle({ hostDigest, latin1, toBytes, randomFillSync, timingSafeEqual }) {
  const keyBytes = new WeakMap();   // CryptoKey -> Uint8Array (never exposed unless extractable)
  const notSupported = (what) => new DOMException(`${what} is not supported in the isolate runtime (digest and HMAC are)`, 'NotSupportedError');

  class CryptoKey {
    constructor() { throw new TypeError('Illegal constructor'); }
    get [Symbol.toStringTag]() { return 'CryptoKey'; }
  }
  function makeKey(bytes, hash, extractable, usages) {
    const key = Object.create(CryptoKey.prototype);
    Object.defineProperties(key, {
      type: { value: 'secret', enumerable: true },
      extractable: { value: !!extractable, enumerable: true },
      algorithm: { value: Object.freeze({ name: 'HMAC', hash: Object.freeze({ name: hash }), length: bytes.length * 8 }), enumerable: true },
      usages: { value: Object.freeze(usages.slice()), enumerable: true },
    });
    keyBytes.set(key, bytes);
    return key;
  }
  const algName = (a) => (typeof a === 'string' ? a : a !== null && typeof a === 'object' ? String(a.name) : '');
  function digestName(a) {
    const upper = algName(a).toUpperCase();
    if (!Object.prototype.hasOwnProperty.call(DIGESTS, upper)) throw notSupported(`Digest algorithm '${algName(a)}'`);
    return upper;
  }
  function hmacParams(algorithm) {
    if (algName(algorithm).toUpperCase() !== 'HMAC') throw notSupported(`Algorithm '${algName(algorithm)}'`);
    if (algorithm === null || typeof algorithm !== 'object' || algorithm.hash === undefined) throw new TypeError("HmacImportParams: required member 'hash' is undefined");
    return { hash: digestName(algorithm.hash), length: algorithm.length };
  }
  function checkUsages(usages) {
    if (!Array.isArray(usages) || usages.some((u) => u !== 'sign' && u !== 'verify')) throw new DOMException('Unsupported key usage for an HMAC key', 'SyntaxError');
    if (usages.length === 0) throw new DOMException('Usages cannot be empty when creating a key', 'SyntaxError');
    return usages;
  }
  function useKey(key, usage) {
    const bytes = keyBytes.get(key);
    if (bytes === undefined) throw new TypeError("parameter 2 is not of type 'CryptoKey'");
    if (!key.usages.includes(usage)) throw new DOMException(`key does not allow '${usage}'`, 'InvalidAccessError');
    return bytes;
  }
  const bufferOut = (s) => { const out = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i); return out.buffer; };
  const hmac = (key, data) => bufferOut(hostDigest(DIGESTS[key.algorithm.hash.name], latin1(toBytes(data, undefined, 'data')), latin1(keyBytes.get(key))));
  const base64url = (bytes) => btoa(latin1(bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const fromBase64url = (s) => Uint8Array.from(atob(String(s).replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  // Each method runs its checks inside the promise, so bad input rejects rather than throws.
  const later = (fn) => new Promise((resolve) => resolve(fn()));

  const subtle = {
    digest: (algorithm, data) => later(() => bufferOut(hostDigest(DIGESTS[digestName(algorithm)], latin1(toBytes(data, undefined, 'data')), null))),
    importKey: (format, keyData, algorithm, extractable, usages) => later(() => {
      const { hash, length } = hmacParams(algorithm);
      let bytes;
      if (format === 'raw') bytes = toBytes(keyData, undefined, 'keyData').slice();
      else if (format === 'jwk') {
        if (keyData === null || typeof keyData !== 'object' || keyData.kty !== 'oct' || typeof keyData.k !== 'string') throw new DOMException('Invalid JWK for an HMAC key', 'DataError');
        bytes = fromBase64url(keyData.k);
      } else throw notSupported(`Key format '${format}'`);
      if (bytes.length === 0) throw new DOMException('Zero-length key is not supported', 'DataError');
      if (length !== undefined && length !== bytes.length * 8) throw new DOMException('Invalid key length', 'DataError');
      return makeKey(bytes, hash, extractable, checkUsages(usages));
    }),
    exportKey: (format, key) => later(() => {
      const bytes = keyBytes.get(key);
      if (bytes === undefined) throw new TypeError("parameter 2 is not of type 'CryptoKey'");
      if (!key.extractable) throw new DOMException('key is not extractable', 'InvalidAccessError');
      if (format === 'raw') return bytes.slice().buffer;
      if (format === 'jwk') return { kty: 'oct', k: base64url(bytes), alg: 'HS' + key.algorithm.hash.name.slice(4), key_ops: key.usages.slice(), ext: true };
      throw notSupported(`Key format '${format}'`);
    }),
    generateKey: (algorithm, extractable, usages) => later(() => {
      const { hash, length } = hmacParams(algorithm);
      const bits = length === undefined ? BLOCK_BITS[hash] : length;
      if (!(bits > 0 && bits % 8 === 0)) throw new DOMException('HMAC key length must be a positive multiple of 8', 'OperationError');
      return makeKey(randomFillSync(new Uint8Array(bits / 8)), hash, extractable, checkUsages(usages));
    }),
    sign: (algorithm, key, data) => later(() => {
      if (algName(algorithm).toUpperCase() !== 'HMAC') throw notSupported(`Algorithm '${algName(algorithm)}'`);
      useKey(key, 'sign');
      return hmac(key, data);
    }),
    verify: (algorithm, key, signature, data) => later(() => {
      if (algName(algorithm).toUpperCase() !== 'HMAC') throw notSupported(`Algorithm '${algName(algorithm)}'`);
      useKey(key, 'verify');
      const expected = new Uint8Array(hmac(key, data));
      const given = toBytes(signature, undefined, 'signature');
      return expected.length === given.length && timingSafeEqual(expected, given);
    }),
  };
  for (const name of ['encrypt', 'decrypt', 'deriveBits', 'deriveKey', 'wrapKey', 'unwrapKey']) {
    subtle[name] = () => Promise.reject(notSupported(`crypto.subtle.${name}`));
  }
  return subtle;
};
