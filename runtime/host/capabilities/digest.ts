/**
 * `compute('digest', algorithm, dataLatin1, keyLatin1 | null)` (see
 * compute.ts): the hash (key null) or
 * HMAC (key given) of the bytes, as a Latin-1 string — what the Node.js
 * compatibility set's `crypto.createHash`/`createHmac` and `subtle.digest`/
 * HMAC `sign`/`verify` run on (sandbox/node/crypto.js). A host capability
 * because these are synchronous in Node and the isolate has no WebCrypto.
 * Only the algorithms of DIGEST_ALGORITHMS; data and key of at most
 * LIMITS.maxDigestBytes each. Anything else throws a TypeError/RangeError
 * into the isolate.
 */
import crypto from 'node:crypto';
import { LIMITS } from '../limits';

/** The algorithms the isolate may ask for (Node's names). */
export const DIGEST_ALGORITHMS: ReadonlySet<string> = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);

export function digest(algorithm: unknown, data: unknown, key: unknown): string {
    if (typeof algorithm !== 'string' || !DIGEST_ALGORITHMS.has(algorithm)) throw new TypeError(`Digest method not supported: ${String(algorithm).slice(0, 40)}`);
    if (typeof data !== 'string' || (key !== null && typeof key !== 'string')) throw new TypeError('digest: data and key must be byte strings');
    if (data.length > LIMITS.maxDigestBytes || (key !== null && key.length > LIMITS.maxDigestBytes)) {
      throw new RangeError(`digest: input over ${LIMITS.maxDigestBytes} bytes`);
    }
    const bytes = Buffer.from(data, 'latin1');
    const h = key === null ? crypto.createHash(algorithm) : crypto.createHmac(algorithm, Buffer.from(key, 'latin1'));
    return h.update(bytes).digest().toString('latin1');
}
