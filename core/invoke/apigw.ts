/**
 * Calls through HTTP (apigw) triggers (spec/triggers.md). A web function
 * behind a trigger is served like its own route (http.ts); an event
 * function gets the integration-request event built from the request, runs
 * through the one pipeline, and its result becomes the HTTP answer: the
 * integrated response it returned (`{statusCode, headers, body,
 * isBase64Encoded}`), or 200 with the return value as JSON when the
 * trigger has integrated response off. A failed call answers the spec's
 * error body for its outcome; an integrated response that is not one
 * answers 502 naming the field at fault.
 */
import { BAD_GATEWAY, errorBodyOf, OUTCOMES, type ErrorAnswer, type Outcome } from '../outcomes';
import type { HttpTrigger, ResolvedVersion, RoutingKeys, VersionResolver } from '../routing';
import type { InvocationPipeline } from './pipeline';
import { NotRunnableError, type HttpTarget, type InvokeTarget, type Targets } from './targets';

/** An HTTP request to a trigger's path, as plain data (the gateway copied it out of uWS). */
export interface ApigwRequest {
  method: string;
  /** The path as received (percent-encoded), without the query string. */
  path: string;
  /** The raw query string without `?`. */
  query: string;
  /** Lower-case names, arrival order. */
  headers: ReadonlyArray<readonly [string, string]>;
  body: Buffer;
  sourceIp: string;
  /** The trigger's path parameters (decoded). */
  pathParameters: Record<string, string>;
}

/** The HTTP answer to write. */
export interface ApigwAnswer {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Where a trigger leads: a web function's HTTP target, an event function's target, or nowhere (404 / 500). */
export type ApigwRoute = { kind: 'web'; target: HttpTarget } | { kind: 'event'; target: InvokeTarget } | { kind: 'none'; notFound: boolean; message: string };

/** Response headers the platform owns (it frames the body itself). */
const PLATFORM_RESPONSE_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

export class ApigwInvocationService {
  constructor(
    private readonly resolver: VersionResolver,
    private readonly targets: Targets,
    private readonly pipeline: InvocationPipeline,
  ) {}

  /** The version the trigger's qualifier picks for this request (alias rules read its headers). */
  route(trigger: HttpTrigger, headers: RoutingKeys): ApigwRoute {
    let resolved: ResolvedVersion;
    try {
      resolved = this.resolver.resolve(trigger.namespace, trigger.functionName, trigger.qualifier, headers);
    } catch (err) {
      return { kind: 'none', notFound: true, message: (err as Error).message };
    }
    try {
      if (resolved.config.type === 'HTTP') return { kind: 'web', target: this.targets.httpOf(resolved) };
      return { kind: 'event', target: this.targets.of(resolved) };
    } catch (err) {
      if (err instanceof NotRunnableError) return { kind: 'none', notFound: false, message: err.message };
      throw err;
    }
  }

  /** Records a call the gateway ended before it ran (the request body over the limit). */
  reject(target: InvokeTarget, requestId: string, startTime: number, outcome: Outcome, message: string): void {
    this.pipeline.refused(target, requestId, startTime, outcome, message);
  }

  /** Runs an event function with the integration-request event; never rejects. */
  async invokeEvent(target: InvokeTarget, trigger: HttpTrigger, request: ApigwRequest, requestId: string, signal: AbortSignal): Promise<ApigwAnswer> {
    const event = JSON.stringify(integrationEvent(trigger, request, requestId));
    const { executor, spec } = target;
    const { ended } = await this.pipeline.call({
      target,
      requestId,
      startTime: Date.now(),
      run: () => executor.invoke({ requestId, spec, event }, signal),
      settle: (e) => (e.kind === 'ok' && e.result === undefined ? { ...e, result: 'null' } : e),
      outFlowOf: (o) => (o.kind === 'ok' ? (o.result ?? 'null').length : 0),
    });
    if (ended.kind !== 'ok') return errorAnswer(OUTCOMES[ended.kind], requestId);
    const result = ended.result ?? 'null';
    if (!trigger.desc.integratedResponse) {
      return { status: OUTCOMES.ok.status, statusText: '', headers: [['content-type', 'application/json'], ['x-scf-request-id', requestId]], body: Buffer.from(result) };
    }
    return integratedAnswer(result, requestId);
  }
}

/** The spec's error body for an answer that is not the function's. */
export function errorAnswer(answer: ErrorAnswer, requestId: string, detail?: string): ApigwAnswer {
  const body = detail === undefined ? errorBodyOf(answer) : JSON.stringify({ errorCode: -1, errorMessage: `${answer.name}: ${detail}`, statusCode: answer.status });
  return { status: answer.status, statusText: answer.name, headers: [['content-type', 'application/json'], ['x-scf-request-id', requestId]], body: Buffer.from(body) };
}

/** The integration-request event (spec/triggers.md), field names exactly so. */
export function integrationEvent(trigger: HttpTrigger, request: ApigwRequest, requestId: string): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(request.query)) query[key] = value;
  let body = '';
  let isBase64Encoded = false;
  if (request.body.length > 0) {
    try {
      body = utf8.decode(request.body);
    } catch {
      body = request.body.toString('base64');
      isBase64Encoded = true;
    }
  }
  return {
    requestContext: {
      serviceId: trigger.desc.serviceId,
      path: trigger.desc.path,
      httpMethod: request.method,
      requestId,
      identity: {},
      sourceIp: request.sourceIp,
      stage: trigger.desc.stage,
    },
    headers,
    body,
    isBase64Encoded,
    pathParameters: request.pathParameters,
    queryStringParameters: query,
    headerParameters: {},
    stageVariables: { stage: trigger.desc.stage },
    path: request.path,
    queryString: query,
    httpMethod: request.method,
  };
}

/** Checks an integrated response and turns it into the answer; 502 naming the field when it is not one. */
export function integratedAnswer(resultJson: string, requestId: string): ApigwAnswer {
  const bad = (why: string) => errorAnswer(BAD_GATEWAY, requestId, `the function's integrated response ${why}`);
  let value: unknown;
  try {
    value = JSON.parse(resultJson);
  } catch {
    return bad('is not JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad('must be an object {statusCode, headers, body, isBase64Encoded}');
  const r = value as Record<string, unknown>;
  const status = r['statusCode'];
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return bad(`has no valid statusCode (an integer 100-599), got ${JSON.stringify(status)}`);
  const headers: Array<[string, string]> = [];
  const rawHeaders = r['headers'] ?? {};
  if (rawHeaders === null || typeof rawHeaders !== 'object' || Array.isArray(rawHeaders)) return bad('headers must be an object of header values');
  for (const [name, v] of Object.entries(rawHeaders)) {
    const values = Array.isArray(v) ? v : [v];
    for (const one of values) {
      if (typeof one !== 'string' && typeof one !== 'number' && typeof one !== 'boolean') return bad(`header ${name} must be a string, got ${JSON.stringify(one)}`);
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\r\n]/.test(String(one))) return bad(`header ${JSON.stringify(name)} is not a valid header`);
      if (!PLATFORM_RESPONSE_HEADERS.has(name.toLowerCase())) headers.push([name, String(one)]);
    }
  }
  const rawBody = r['body'] ?? '';
  if (typeof rawBody !== 'string') return bad(`body must be a string, got ${typeof rawBody}`);
  const base64 = r['isBase64Encoded'] ?? false;
  if (typeof base64 !== 'boolean') return bad('isBase64Encoded must be true or false');
  headers.push(['x-scf-request-id', requestId]);
  return { status, statusText: '', headers, body: base64 ? Buffer.from(rawBody, 'base64') : Buffer.from(rawBody) };
}
