/**
 * The control API (Tencent Cloud API 3.0 style, spec/scf-api.md §1): one
 * endpoint, `POST /` (or GET) dispatched on X-TC-Action, TC3-signed, always
 * answered with HTTP 200 and the `{"Response":{…,"RequestId"}}` envelope —
 * the SDK throws away the body of any other status.
 */
import crypto from 'node:crypto';
import { ApiError, isApiError } from '../../core';
import type { Platform } from '../../core';
import { actions } from './actions';
import { parseParams } from './params';
import { SigningKeyCache, verifyTc3 } from './tc3';

export const API_VERSION = '2018-04-16';

/** The request headers the control API reads (lower-case): all the HTTP layer needs to copy. */
export type ControlHeader = 'x-tc-action' | 'authorization' | 'content-type' | 'host' | 'x-tc-timestamp' | 'x-tc-version' | 'x-tc-region';

/** A control request as copied out of the HTTP layer (header names lower-case; only the ControlHeader ones are read, '' or absent when not sent). */
export interface ControlRequest {
  method: string;
  query: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ControlResponse {
  requestId: string;
  action: string;
  body: string;
  errorCode?: string;
}

/** The control API of one platform: answers one request at a time, reusing what verification derived before (signing keys). */
export function createControlApi(platform: Platform): (req: ControlRequest) => Promise<ControlResponse> {
  const keys = new SigningKeyCache();
  return (req) => handleControlRequest(platform, req, keys);
}

async function handleControlRequest(platform: Platform, req: ControlRequest, keys: SigningKeyCache): Promise<ControlResponse> {
  const requestId = crypto.randomUUID();
  const action = req.headers['x-tc-action'] ?? '';
  try {
    if (req.body.length > platform.config.maxApiBodyBytes) {
      throw new ApiError('RequestSizeLimitExceeded', `The request body is larger than ${platform.config.maxApiBodyBytes} bytes.`);
    }
    const secretId = verifyTc3(
      {
        method: req.method,
        query: req.query,
        authorization: req.headers['authorization'] ?? '',
        contentType: req.headers['content-type'] ?? '',
        host: req.headers['host'] ?? '',
        timestamp: req.headers['x-tc-timestamp'] ?? '',
        body: req.body,
      },
      (id) => {
        const row = platform.store.credentials.get(id);
        return row && row.enabled ? row.secret_key : undefined;
      },
      Date.now(),
      keys,
    );
    const version = req.headers['x-tc-version'];
    if (version !== API_VERSION) {
      throw new ApiError('NoSuchVersion', `The API version ${JSON.stringify(version ?? '')} does not exist; use ${API_VERSION}.`);
    }
    const handler = Object.hasOwn(actions, action) ? actions[action] : undefined;
    if (!handler) throw new ApiError('InvalidAction', `The action ${JSON.stringify(action)} does not exist.`);
    const params = parseParams(req.method, req.headers['content-type'] ?? '', req.query, req.body);
    const result = await handler(params, { platform, requestId, secretId, region: req.headers['x-tc-region'] || platform.config.region });
    return { requestId, action, body: JSON.stringify({ Response: { ...result, RequestId: requestId } }) };
  } catch (err) {
    const error = isApiError(err) ? err : internalError(err, requestId);
    return {
      requestId,
      action,
      errorCode: error.code,
      body: JSON.stringify({ Response: { Error: { Code: error.code, Message: error.message }, RequestId: requestId } }),
    };
  }
}

function internalError(err: unknown, requestId: string): ApiError {
  // Platform faults are logged with their stack; the caller sees only the code.
  console.error(`[control-api] ${requestId} internal error:`, err);
  return new ApiError('InternalError');
}
