/**
 * The TriggerDesc of an HTTP (API-gateway, `apigw`) trigger
 * (spec/triggers.md): `{"api":{"authRequired":"FALSE","requestConfig":
 * {"method":"GET","path":"/api/users/{id}"},"isIntegratedResponse":"TRUE"},
 * "service":{"serviceName":"…"},"release":{"environmentName":"release"}}`.
 * `requestConfig.path` is where the trigger is served, from the data
 * plane's root; `method` is one method, a comma-separated list, or `ANY`.
 * `requestConfig.stripPrefix` (isola's addition, `TRUE`/`FALSE`, default
 * FALSE): a web function sees the path without the trigger's prefix — the
 * segments before the rest-match (`/www/*` serves `/www/a/b` as `/a/b`).
 */
import { ApiError } from '../errors';
import { ANY_METHOD, parsePattern, type ParsedPattern } from './route-table';

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);

export interface ApigwDesc {
  path: string;
  pattern: ParsedPattern;
  /** Upper-case methods, or [ANY]. */
  methods: string[];
  /** The function returns `{statusCode, headers, body, isBase64Encoded}` and the platform answers exactly that. */
  integratedResponse: boolean;
  /** `service.serviceId` when given, else `service.serviceName` (the event's requestContext.serviceId). */
  serviceId: string;
  /** `release.environmentName` (the event's stage), default `release`. */
  stage: string;
  /** A web function sees the path without the trigger's prefix (see `functionPath`). */
  stripPrefix: boolean;
}

const refuse = (why: string): never => {
  throw new ApiError('InvalidParameterValue.TriggerDesc', `TriggerDesc ${why}.`);
};

function objectAt(parent: Record<string, unknown>, key: string, where: string): Record<string, unknown> {
  const value = parent[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return refuse(`${where}.${key} must be an object`);
  return value as Record<string, unknown>;
}

function flag(value: unknown, where: string): boolean {
  if (value === undefined || value === null || value === '' || value === 'FALSE' || value === false) return false;
  if (value === 'TRUE' || value === true) return true;
  return refuse(`${where} must be TRUE or FALSE, got ${JSON.stringify(value)}`);
}

/** Parses and checks an apigw TriggerDesc (InvalidParameterValue.TriggerDesc naming the fault). */
export function parseApigwDesc(text: string): ApigwDesc {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return refuse('must be a JSON object such as {"api":{"requestConfig":{"method":"GET","path":"/hello"}}}');
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return refuse('must be a JSON object');
  const api = objectAt(root as Record<string, unknown>, 'api', 'TriggerDesc');
  const requestConfig = objectAt(api, 'requestConfig', 'api');
  const path = requestConfig['path'];
  if (typeof path !== 'string' || path === '') return refuse('needs api.requestConfig.path, the path the trigger is served at (e.g. "/api/users/{id}")');
  let pattern: ParsedPattern;
  try {
    pattern = parsePattern(path);
  } catch (err) {
    return refuse(`api.requestConfig.path: ${(err as Error).message}`);
  }
  const method = requestConfig['method'] ?? ANY_METHOD;
  if (typeof method !== 'string') return refuse('api.requestConfig.method must be a string such as "GET", "GET,POST" or "ANY"');
  const methods = [...new Set(method.split(',').map((m) => m.trim().toUpperCase()))];
  if (methods.includes(ANY_METHOD) ? methods.length > 1 : !methods.every((m) => METHODS.has(m))) {
    return refuse(`api.requestConfig.method must be ANY or methods from ${[...METHODS].join(', ')}, got ${JSON.stringify(method)}`);
  }
  const authRequired = flag(api['authRequired'], 'api.authRequired');
  if (authRequired) return refuse('api.authRequired TRUE is not supported by this server (no API-gateway authentication); use FALSE');
  const service = objectAt(root as Record<string, unknown>, 'service', 'TriggerDesc');
  const release = objectAt(root as Record<string, unknown>, 'release', 'TriggerDesc');
  const text1 = (v: unknown, fallback: string) => (typeof v === 'string' && v !== '' ? v : fallback);
  return {
    path,
    pattern,
    methods,
    integratedResponse: flag(api['isIntegratedResponse'], 'api.isIntegratedResponse'),
    serviceId: text1(service['serviceId'], text1(service['serviceName'], 'SCF_API_SERVICE')),
    stage: text1(release['environmentName'], 'release'),
    stripPrefix: flag(requestConfig['stripPrefix'], 'api.requestConfig.stripPrefix'),
  };
}

/**
 * The path a web function sees for a request that matched `desc` (`path`
 * as received, without the query): unchanged, or with `stripPrefix` the
 * pattern's segments before its rest-match removed — `/` + the rest, or `/`
 * when the pattern has no rest-match.
 */
export function functionPath(desc: ApigwDesc, path: string): string {
  if (!desc.stripPrefix) return path;
  let at = 0;
  for (let n = desc.pattern.segments.length; n > 0; n--) {
    const next = path.indexOf('/', at + 1);
    if (next === -1) return '/';
    at = next;
  }
  return path.slice(at) || '/';
}
