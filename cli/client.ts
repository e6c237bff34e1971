/**
 * A control-API client for the CLI: `POST /` with a JSON body, signed with
 * TC3-HMAC-SHA256 exactly as `tencentcloud-sdk-nodejs-scf` signs it (the one
 * implementation in core/account/signing.ts), answers read from the
 * `{"Response":{…}}` envelope (spec/scf-api.md §1).
 */
import http from 'node:http';
import https from 'node:https';
import { hostnameOf, tc3Signature } from '../core';
import { VERSION } from '../core';

export const API_VERSION = '2018-04-16';
/** The server reads the service from the Authorization header; `scf` is what the cloud uses. */
const SERVICE = 'scf';

/** Who signs a request and the `host[:port]` it is sent to (the signature covers it). */
export interface SigningTarget {
  host: string;
  secretId: string;
  secretKey: string;
}

/**
 * The headers of one control-API request (`POST /` with the JSON `body`) for
 * `action`, signed with TC3-HMAC-SHA256 over the body, content type and host
 * as the SDK signs them. The server accepts the signature for 5 minutes, so
 * the same request may be sent again unchanged within that window (the
 * benches replay one). `timestamp` (Unix seconds) defaults to now.
 */
export function signedHeaders(target: SigningTarget, action: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const contentType = 'application/json';
  const signature = tc3Signature({
    secretKey: target.secretKey,
    method: 'POST',
    query: '',
    contentType,
    hostname: hostnameOf(target.host),
    body,
    timestamp,
    date,
    service: SERVICE,
  });
  return {
    'Content-Type': contentType,
    Host: target.host,
    'X-TC-Action': action,
    'X-TC-Version': API_VERSION,
    'X-TC-Timestamp': String(timestamp),
    Authorization:
      `TC3-HMAC-SHA256 Credential=${target.secretId}/${date}/${SERVICE}/tc3_request, ` +
      `SignedHeaders=content-type;host, Signature=${signature}`,
  };
}

export interface ClientOptions {
  /** `http://host:port` or `https://host:port`, no path. */
  url: string;
  secretId: string;
  secretKey: string;
  /** Per-request time limit in ms; default 120 000. */
  timeoutMs?: number;
  /**
   * The agent for an `http:` endpoint (a keep-alive one reuses connections);
   * default none: one connection per call, so nothing keeps the CLI alive afterwards.
   */
  agent?: http.Agent;
}

/** An error the server answered with (`Response.Error`); `code` is the API's code. */
export class RemoteApiError extends Error {
  constructor(
    readonly code: string,
    readonly apiMessage: string,
    readonly requestId?: string,
  ) {
    super(`${code}: ${apiMessage}`);
    this.name = 'RemoteApiError';
  }
}

/** The server could not be reached, or answered something that is not the API. */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

export type ApiResponse = Record<string, unknown> & { RequestId?: string };

export class ControlClient {
  readonly url: URL;
  constructor(private readonly options: ClientOptions) {
    this.url = new URL(options.url);
  }

  /**
   * Calls one action and resolves with the inner `Response` object
   * (RequestId included). Rejects with RemoteApiError for API errors and
   * TransportError for network or protocol failures.
   */
  async call<T extends ApiResponse = ApiResponse>(action: string, params: object = {}, timeoutMs?: number): Promise<T> {
    const body = JSON.stringify(dropNulls(params) ?? {});
    const { secretId, secretKey } = this.options;
    const headers = {
      ...signedHeaders({ host: this.url.host, secretId, secretKey }, action, body),
      'X-TC-RequestClient': `isola-cli/${VERSION}`,
      'Content-Length': String(Buffer.byteLength(body)),
    };
    const { status, text } = await this.post(headers, body, timeoutMs ?? this.options.timeoutMs ?? 120_000);
    if (status !== 200) {
      throw new TransportError(`${this.url.origin} answered HTTP ${status} to ${action}; is it an isola server?`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new TransportError(`${this.url.origin} answered ${action} with something that is not JSON; is it an isola server?`);
    }
    const response = (parsed as { Response?: unknown } | null)?.Response;
    if (!response || typeof response !== 'object') {
      throw new TransportError(`${this.url.origin} answered ${action} without a Response envelope; is it an isola server?`);
    }
    const error = (response as { Error?: { Code?: unknown; Message?: unknown } }).Error;
    if (error) {
      throw new RemoteApiError(String(error.Code ?? 'InternalError'), String(error.Message ?? ''), (response as ApiResponse).RequestId);
    }
    return response as T;
  }

  private post(headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
    const transport = this.url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const agent = transport === http ? (this.options.agent ?? false) : false;
      const req = transport.request(this.url, { method: 'POST', path: '/', headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (err) => reject(this.transportError(err)));
      });
      req.setTimeout(timeoutMs, () => {
        req.destroy(new TransportError(`${this.url.origin} did not answer within ${Math.round(timeoutMs / 1000)} s`));
      });
      req.on('error', (err) => reject(err instanceof TransportError ? err : this.transportError(err)));
      req.end(body);
    });
  }

  private transportError(err: Error & { code?: string }): TransportError {
    const where = this.url.origin;
    switch (err.code) {
      case 'ECONNREFUSED':
        return new TransportError(
          `cannot connect to the isola server at ${where} (connection refused); is \`isola serve\` running there? ` +
            'Set --endpoint or ISOLA_ENDPOINT to use another address.',
        );
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return new TransportError(`cannot resolve the host of the endpoint ${where} (${err.code})`);
      case 'ECONNRESET':
        return new TransportError(`the isola server at ${where} closed the connection (ECONNRESET)`);
      default:
        return new TransportError(`request to the isola server at ${where} failed: ${err.message}`);
    }
  }
}

/** Removes null values recursively, as the SDK's JSON serialisation does. */
function dropNulls(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map(dropNulls);
  if (typeof value === 'object' && value !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item !== null && item !== undefined) out[key] = dropNulls(item);
    }
    return out;
  }
  return value;
}
