/**
 * Copies what the data plane needs out of a uWS HttpRequest, synchronously
 * (the object is stack-allocated and dies when the route handler returns):
 * the target function, the path and query the function sees, and the
 * headers minus the platform's own.
 */
import { PLATFORM_REQUEST_HEADERS } from '../../core';
import type { HttpRequest } from '../uws';
import { decodeSegment } from '../../lib';
import { QUALIFIER_HEADER } from './limits';

export interface IncomingRequest {
  method: string;
  namespace: string;
  functionName: string;
  /** `/<rest>` of `/<namespace>/<function>/<rest>`, still percent-encoded; `/` when there is no rest. */
  path: string;
  /** The raw query string without `?` ('' when none). */
  query: string;
  /** The path form's `@<qualifier>` (`/<namespace>/<function>@<qualifier>/…`), else X-Scf-Qualifier, else ''. */
  qualifier: string;
  /** Host header when it is a plain host[:port], else 'localhost' (it becomes the URL's authority). */
  host: string;
  /** Content-Length, or -1 when absent. NaN when not a number, or sent twice with different values (RFC 9112 §6.3: a framing error). */
  contentLength: number;
  /** Transfer-Encoding was sent (a chunked body). */
  chunked: boolean;
  /** Transfer-Encoding named a coding other than exactly `chunked` (gzip, a list…): refused with 501. */
  unsupportedCoding: boolean;
  /** Lower-case names as uWS reports them, in arrival order; X-Scf-Qualifier and the platform's X-Scf-* left out. */
  headers: Array<[string, string]>;
  /** `headers` as JSON array elements joined by commas, no brackets ('' when none): see `headersJsonOf`. */
  headersJson: string;
}

/** JSON.stringify(s), skipping the serialiser when `s` is printable ASCII without a quote or backslash (the usual header). */
function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(s);
  }
  return `"${s}"`;
}

/**
 * The JSON of the headers the function sees (what the runtime would get from `JSON.stringify`):
 * the caller's, then X-Scf-Request-Id, then the target's X-Scf-* (`scfJson`, comma-led elements).
 * Built from pieces made while reading the request: serialising the whole list per request was
 * ~8 % of the gateway's thread.
 */
export function headersJsonOf(incoming: IncomingRequest, requestId: string, scfJson: string): string {
  const own = incoming.headersJson === '' ? '' : `${incoming.headersJson},`;
  return `[${own}["x-scf-request-id",${jsonString(requestId)}]${scfJson}]`;
}

const SAFE_HOST = /^[A-Za-z0-9.\-_]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

/** Reads `req` (call it first thing in the route handler). The route guarantees at least two path segments. */
export function readRequest(req: HttpRequest): IncomingRequest {
  const url = req.getUrl();
  const i1 = url.indexOf('/', 1);
  const i2 = url.indexOf('/', i1 + 1);
  const namespace = url.slice(1, i1);
  let functionName = i2 === -1 ? url.slice(i1 + 1) : url.slice(i1 + 1, i2);
  // `<function>@<qualifier>`: function names never contain '@', so the split is unambiguous.
  const at = functionName.indexOf('@');
  const pathQualifier = at === -1 ? '' : decodeSegment(functionName.slice(at + 1));
  if (at !== -1) functionName = functionName.slice(0, at);
  const path = i2 === -1 ? '/' : url.slice(i2);
  const query = (req.getQuery() as string | undefined) ?? '';
  const headers: Array<[string, string]> = [];
  let headersJson = '';
  let qualifier = '';
  let host = '';
  let contentLength = -1;
  let chunked = false;
  let unsupportedCoding = false;
  req.forEach((name, value) => {
    // 'x-scf-…': a cheap first-character test keeps the common case to one comparison.
    if (name.charCodeAt(0) === 120 && name.startsWith('x-scf-')) {
      if (name === QUALIFIER_HEADER) {
        qualifier = value;
        return;
      }
      if (PLATFORM_REQUEST_HEADERS.has(name)) return;
    } else if (name === 'host') {
      host = value;
    } else if (name === 'content-length') {
      const length = /^\d+$/.test(value) ? Number(value) : NaN;
      // Two different lengths: the parser in front may frame the body by the other one (request smuggling).
      contentLength = contentLength === -1 || contentLength === length ? length : NaN;
    } else if (name === 'transfer-encoding') {
      chunked = true;
      // uWS frames any Transfer-Encoding as chunked; anything else would be read wrongly.
      if (value.trim().toLowerCase() !== 'chunked') unsupportedCoding = true;
    }
    headers.push([name, value]);
    headersJson += `${headersJson === '' ? '' : ','}[${jsonString(name)},${jsonString(value)}]`;
  });
  return {
    method: req.getCaseSensitiveMethod(),
    namespace,
    functionName,
    path,
    query,
    // The path names the resource; it wins over the header (which is still dropped).
    qualifier: pathQualifier !== '' ? pathQualifier : qualifier,
    host: host !== '' && SAFE_HOST.test(host) ? host : 'localhost',
    contentLength,
    chunked,
    unsupportedCoding,
    headers,
    headersJson,
  };
}

/** The URL the handler sees as `request.url`: `http://<host>/<rest>?<query>`. */
export function urlOf(incoming: IncomingRequest): string {
  return incoming.query === '' ? `http://${incoming.host}${incoming.path}` : `http://${incoming.host}${incoming.path}?${incoming.query}`;
}
