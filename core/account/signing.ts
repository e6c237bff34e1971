import crypto from 'node:crypto';

/**
 * TC3-HMAC-SHA256 request signing as `tencentcloud-sdk-nodejs-common`'s
 * sign.js does it (spec/scf-api.md §1.3). Used by the gateway to verify and
 * by the CLI to sign, so both sides share one implementation. The steps are
 * exported apart so a verifier can hash the body once and reuse a derived
 * signing key (it depends only on the secret, the date and the service).
 */

/** SHA-256, hex. The one-shot `crypto.hash` (Node ≥ 20.12) builds no Hash object: half the cost of createHash for a small input. */
export const sha256Hex = (data: string | Buffer) => crypto.hash('sha256', data, 'hex');
const hmac = (key: string | Buffer, data: string) => crypto.createHmac('sha256', key).update(data).digest();

/** What is signed about one request, beside its body. */
export interface SignedParts {
  method: string;
  query: string;
  contentType: string;
  hostname: string;
  timestamp: number;
  date: string;
  service: string;
  signedHeaders?: string;
}

/** Hex signature of one request. */
export function tc3Signature(args: SignedParts & { secretKey: string; body: string | Buffer }): string {
  return signString(signingKey(args.secretKey, args.date, args.service), stringToSign(args, sha256Hex(args.body)));
}

/** The derived key of (secret, date, service): three chained HMACs, the same for every request of that day and service. */
export function signingKey(secretKey: string, date: string, service: string): Buffer {
  const kDate = hmac('TC3' + secretKey, date);
  const kService = hmac(kDate, service);
  return hmac(kService, 'tc3_request');
}

/** The string to sign of one request whose body hashes (SHA-256, hex) to `bodyHash`. */
export function stringToSign(parts: SignedParts, bodyHash: string): string {
  const signedHeaders = parts.signedHeaders ?? 'content-type;host';
  const canonicalHeaders = canonicalHeaderBlock(signedHeaders, parts.contentType, parts.hostname);
  const canonicalRequest = `${parts.method}\n/\n${parts.query}\n${canonicalHeaders}\n${signedHeaders}\n${bodyHash}`;
  return `TC3-HMAC-SHA256\n${parts.timestamp}\n${parts.date}/${parts.service}/tc3_request\n${sha256Hex(canonicalRequest)}`;
}

/** Hex HMAC of the string to sign under a derived key. */
export function signString(key: Buffer, text: string): string {
  return crypto.createHmac('sha256', key).update(text).digest('hex');
}

/** The HMAC of the string to sign under a derived key, as bytes (what a verifier compares). */
export function signBytes(key: Buffer, text: string): Buffer {
  return crypto.createHmac('sha256', key).update(text).digest();
}

function canonicalHeaderBlock(signedHeaders: string, contentType: string, hostname: string): string {
  let block = '';
  for (const name of signedHeaders.split(';')) {
    if (name === 'content-type') block += `content-type:${contentType}\n`;
    else if (name === 'host') block += `host:${hostname}\n`;
    else throw new SignedHeaderError(name);
  }
  return block;
}

/** Host header without its port (IPv6 literals keep their brackets). */
export function hostnameOf(host: string): string {
  const match = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(host);
  return match ? match[1]! : host;
}


/** Thrown when a signature names a header the scheme does not sign here. */
export class SignedHeaderError extends Error {
  constructor(readonly header: string) {
    super(`SignedHeaders may name only content-type and host, got "${header}".`);
  }
}
