import crypto from 'node:crypto';

/**
 * TC3-HMAC-SHA256 request signing as `tencentcloud-sdk-nodejs-common`'s
 * sign.js does it (spec/scf-api.md §1.3). Used by the gateway to verify and
 * by the CLI to sign, so both sides share one implementation.
 */

export const sha256Hex = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => crypto.createHmac('sha256', key).update(data).digest();

/** Hex signature of one request. */
export function tc3Signature(args: {
  secretKey: string;
  method: string;
  query: string;
  contentType: string;
  hostname: string;
  body: string | Buffer;
  timestamp: number;
  date: string;
  service: string;
  signedHeaders?: string;
}): string {
  const signedHeaders = args.signedHeaders ?? 'content-type;host';
  const canonicalHeaders = canonicalHeaderBlock(signedHeaders, args.contentType, args.hostname);
  const canonicalRequest = [args.method, '/', args.query, canonicalHeaders, signedHeaders, sha256Hex(args.body)].join('\n');
  const stringToSign = ['TC3-HMAC-SHA256', String(args.timestamp), `${args.date}/${args.service}/tc3_request`, sha256Hex(canonicalRequest)].join('\n');
  const kDate = hmac('TC3' + args.secretKey, args.date);
  const kService = hmac(kDate, args.service);
  const kSigning = hmac(kService, 'tc3_request');
  return crypto.createHmac('sha256', kSigning).update(stringToSign).digest('hex');
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
