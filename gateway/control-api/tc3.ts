import crypto from 'node:crypto';
import { ApiError } from '../../core';
import { hostnameOf, sha256Hex, signBytes, SignedHeaderError, signingKey, stringToSign } from '../../core';

/** What the verifier needs from one request, copied out of the HTTP layer. */
export interface SignedRequest {
  method: string;
  /** Raw query string without '?' (empty for POST). */
  query: string;
  authorization: string;
  contentType: string;
  /**
   * Host header as received. The Node SDK signs it without the port, the Python SDK (and tccli)
   * with it: a signature over either form is accepted.
   */
  host: string;
  timestamp: string;
  body: Buffer;
}

const AUTH_PATTERN =
  /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/** Largest allowed difference between X-TC-Timestamp and the server clock. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * Verifies a TC3-HMAC-SHA256 signed request and returns the SecretId it was
 * signed with. `lookupSecret` gives the SecretKey of an enabled SecretId.
 * Throws ApiError with the API's AuthFailure.* codes.
 */
export function verifyTc3(
  req: SignedRequest,
  lookupSecret: (secretId: string) => string | undefined,
  nowMs = Date.now(),
  /** Derived keys of earlier verified requests (none: every key is derived). */
  keys?: SigningKeyCache,
): string {
  if (!req.authorization) {
    throw new ApiError('AuthFailure.InvalidAuthorization', 'The Authorization header is missing.');
  }
  const match = AUTH_PATTERN.exec(req.authorization);
  if (!match) {
    throw new ApiError('AuthFailure.InvalidAuthorization', 'The Authorization header is not a valid TC3-HMAC-SHA256 authorization.');
  }
  const [, secretId, date, service, signedHeaders, signature] = match as unknown as [string, string, string, string, string, string];
  if (!/^\d{1,12}$/.test(req.timestamp)) {
    throw new ApiError('InvalidParameter', 'The X-TC-Timestamp header must hold Unix seconds.');
  }
  const timestamp = Number(req.timestamp);
  if (Math.abs(nowMs / 1000 - timestamp) > MAX_CLOCK_SKEW_SECONDS) {
    throw new ApiError('AuthFailure.SignatureExpire', 'The request timestamp is more than 5 minutes away from the server time.');
  }
  if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) {
    throw new ApiError('AuthFailure.SignatureFailure', 'The credential scope date does not match X-TC-Timestamp.');
  }
  const secretKey = lookupSecret(secretId);
  if (secretKey === undefined) {
    throw new ApiError('AuthFailure.SecretIdNotFound', 'The SecretId is not found or is disabled.');
  }
  if (!signatureMatches(req, secretKey, { timestamp, date, service, signedHeaders }, signature, keys)) {
    throw new ApiError('AuthFailure.SignatureFailure', 'The request signature does not match.');
  }
  return secretId;
}

/**
 * Derived signing keys of verified requests, by (secret, date, service) — what
 * the SDKs cache on their side: three of the four HMACs of a verification.
 * A key enters only after a request signed with it verified, so unsigned
 * traffic cannot fill the cache; a changed secret is a different entry. Keys
 * of a past date are useless after the 5-minute skew window: the cache is
 * emptied when it reaches its bound (one key a day per secret and service in
 * normal use). One per control API (gateway/control-api/index.ts).
 */
export class SigningKeyCache {
  private readonly keys = new Map<string, Buffer>();
  constructor(private readonly maxKeys = 256) {}

  get(id: string): Buffer | undefined {
    return this.keys.get(id);
  }

  set(id: string, key: Buffer): void {
    if (this.keys.size >= this.maxKeys) this.keys.clear();
    this.keys.set(id, key);
  }
}

/**
 * True when `signature` signs the request with the Host header as received or with its
 * port stripped (the two SDK conventions; both are the caller's own Host, so neither widens
 * what a signature can be replayed against).
 */
function signatureMatches(
  req: SignedRequest,
  secretKey: string,
  scope: { timestamp: number; date: string; service: string; signedHeaders: string },
  signature: string,
  keys: SigningKeyCache | undefined,
): boolean {
  const given = Buffer.from(signature, 'hex');
  const cacheKey = `${secretKey}\u0000${scope.date}\u0000${scope.service}`;
  const cached = keys?.get(cacheKey);
  const key = cached ?? signingKey(secretKey, scope.date, scope.service);
  const bodyHash = sha256Hex(req.body);
  // The Node SDK's form (no port) first; the Host as received only when it differs. A match ends
  // the tries: which form matched is the caller's own choice, and each comparison stays constant-time.
  const bare = hostnameOf(req.host);
  const matched = signedWith(req, scope, bodyHash, key, bare, given) || (bare !== req.host && signedWith(req, scope, bodyHash, key, req.host, given));
  if (matched && cached === undefined) keys?.set(cacheKey, key);
  return matched;
}

/** True when `given` (the signature's bytes) signs the request with `hostname` as its Host. */
function signedWith(
  req: SignedRequest,
  scope: { timestamp: number; date: string; service: string; signedHeaders: string },
  bodyHash: string,
  key: Buffer,
  hostname: string,
  given: Buffer,
): boolean {
  let text: string;
  try {
    text = stringToSign({ method: req.method, query: req.query, contentType: req.contentType, hostname, ...scope }, bodyHash);
  } catch (err) {
    if (err instanceof SignedHeaderError) throw new ApiError('AuthFailure.InvalidAuthorization', err.message);
    throw err;
  }
  // Compared as bytes: no hex string built and decoded again.
  return crypto.timingSafeEqual(signBytes(key, text), given);
}
