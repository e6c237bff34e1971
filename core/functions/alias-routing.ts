/**
 * An alias's routing configuration (scf-api.md §4 RoutingConfig): the
 * checks of what CreateAlias / UpdateAlias send, and the parsed form
 * core/routing compiles into a per-request picker.
 *
 * Beyond the cloud's one additional version, any number of versions may
 * carry weights, as long as they sum to at most 1 (the main version gets
 * the rest). Weights and rules cannot both be set (as in the cloud). A rule
 * matches `invoke.headers.<Key>` — the Invoke RoutingKey's `<Key>`, or the
 * HTTP request's header `<Key>` — exactly, or as an integer in a range
 * `[a,b]` / `(a,b)` (either bracket on either side); the first rule that
 * matches wins, no match → the main version.
 */
import { ApiError } from '../errors';

export interface VersionWeight {
  Version: string;
  Weight: number;
}

export interface VersionMatch {
  Version: string;
  /** `invoke.headers.<Key>`. */
  Key: string;
  Method: 'exact' | 'range';
  Expression: string;
}

/** The API's RoutingConfig, validated; empty lists when the alias routes everything to its main version. */
export interface RoutingConfig {
  AdditionalVersionWeights: VersionWeight[];
  AddtionVersionMatchs: VersionMatch[];
}

/** A parsed range expression: integers, each end open or closed. */
export interface IntegerRange {
  low: number;
  high: number;
  lowInclusive: boolean;
  highInclusive: boolean;
}

export const EMPTY_ROUTING: RoutingConfig = Object.freeze({ AdditionalVersionWeights: [], AddtionVersionMatchs: [] }) as RoutingConfig;

/** Rule keys read a header (or RoutingKey entry) of this name. */
export const RULE_KEY_PREFIX = 'invoke.headers.';
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+^_`|~.-]+$/;
const RANGE = /^\s*([[(])\s*(-?\d+)\s*,\s*(-?\d+)\s*([\])])\s*$/;
/** Floating-point slack on the weight sum (0.7 + 0.2 + 0.1 is 1.0000000000000002). */
const WEIGHT_SUM_SLACK = 1e-9;

/** `[a,b]`, `(a,b)`, `[a,b)`, `(a,b]` with integers a ≤ b; undefined when `expression` is none of those. */
export function parseRange(expression: string): IntegerRange | undefined {
  const m = RANGE.exec(expression);
  if (!m) return undefined;
  const low = Number(m[2]);
  const high = Number(m[3]);
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || low > high) return undefined;
  return { low, high, lowInclusive: m[1] === '[', highInclusive: m[4] === ']' };
}

/**
 * Validates a RoutingConfig parameter for an alias whose main version is
 * `main`. `exists(version)` says whether the function has that version.
 * Absent / null → no additional versions.
 */
export function parseRoutingConfig(value: unknown, main: string, exists: (version: string) => boolean): RoutingConfig {
  if (value === undefined || value === null) return EMPTY_ROUTING;
  if (typeof value !== 'object' || Array.isArray(value)) throw new ApiError('InvalidParameter.RoutingConfig', 'RoutingConfig must be an object {AdditionalVersionWeights?, AddtionVersionMatchs?}.');
  const raw = value as Record<string, unknown>;
  const weights = listOf(raw, 'AdditionalVersionWeights').map((item, i) => parseWeight(item, i));
  const matches = listOf(raw, 'AddtionVersionMatchs').map((item, i) => parseMatch(item, i));
  if (weights.length > 0 && matches.length > 0) {
    throw new ApiError('InvalidParameterValue.RoutingConfig', 'RoutingConfig cannot set both AdditionalVersionWeights and AddtionVersionMatchs.');
  }
  const seen = new Set<string>();
  let sum = 0;
  for (const w of weights) {
    if (seen.has(w.Version)) throw new ApiError('InvalidParameterValue.RoutingConfig', `Version ${w.Version} has more than one weight.`);
    seen.add(w.Version);
    sum += w.Weight;
  }
  if (sum > 1 + WEIGHT_SUM_SLACK) throw new ApiError('InvalidParameterValue.RoutingConfig', `The weights of AdditionalVersionWeights sum to ${sum}; at most 1 is allowed.`);
  for (const version of [...weights.map((w) => w.Version), ...matches.map((m) => m.Version)]) {
    if (version === main) throw new ApiError('InvalidParameterValue.RoutingConfig', `Additional version ${version} must differ from the main version ${main}.`);
    if (!exists(version)) throw new ApiError('ResourceNotFound.FunctionVersion', `The function has no version ${version}.`);
  }
  return { AdditionalVersionWeights: weights, AddtionVersionMatchs: matches };
}

function listOf(raw: Record<string, unknown>, name: string): unknown[] {
  const list = raw[name];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ApiError('InvalidParameter.RoutingConfig', `RoutingConfig.${name} must be a list.`);
  return list;
}

function versionOf(item: Record<string, unknown>, where: string): string {
  const version = item['Version'];
  if (typeof version !== 'string' || version === '') throw new ApiError('InvalidParameterValue.RoutingConfig', `${where}.Version must be a version, got ${JSON.stringify(version)}.`);
  return version;
}

function parseWeight(item: unknown, i: number): VersionWeight {
  const where = `RoutingConfig.AdditionalVersionWeights[${i}]`;
  if (item === null || typeof item !== 'object') throw new ApiError('InvalidParameter.RoutingConfig', `${where} must be {Version, Weight}.`);
  const raw = item as Record<string, unknown>;
  const version = versionOf(raw, where);
  // GET requests deliver numbers as text.
  const weight = typeof raw['Weight'] === 'string' && raw['Weight'] !== '' ? Number(raw['Weight']) : raw['Weight'];
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > 1) {
    throw new ApiError('InvalidParameterValue.RoutingConfig', `${where}.Weight must be a number above 0 and at most 1, got ${JSON.stringify(raw['Weight'])}.`);
  }
  return { Version: version, Weight: weight };
}

function parseMatch(item: unknown, i: number): VersionMatch {
  const where = `RoutingConfig.AddtionVersionMatchs[${i}]`;
  if (item === null || typeof item !== 'object') throw new ApiError('InvalidParameter.RoutingConfig', `${where} must be {Version, Key, Method, Expression}.`);
  const raw = item as Record<string, unknown>;
  const version = versionOf(raw, where);
  const key = raw['Key'];
  if (typeof key !== 'string' || !key.startsWith(RULE_KEY_PREFIX) || !HEADER_NAME.test(key.slice(RULE_KEY_PREFIX.length))) {
    throw new ApiError('InvalidParameterValue.RoutingConfig', `${where}.Key must be ${RULE_KEY_PREFIX}<Key> (a header name), got ${JSON.stringify(key)}.`);
  }
  const method = raw['Method'];
  if (method !== 'exact' && method !== 'range') throw new ApiError('InvalidParameterValue.RoutingConfig', `${where}.Method must be exact or range, got ${JSON.stringify(method)}.`);
  const expression = raw['Expression'];
  if (typeof expression !== 'string' || expression === '') {
    throw new ApiError('InvalidParameterValue.RoutingConfig', `${where}.Expression must be a non-empty string, got ${JSON.stringify(expression)}.`);
  }
  if (method === 'range' && parseRange(expression) === undefined) {
    throw new ApiError('InvalidParameterValue.RoutingConfig', `${where}.Expression must be a range of integers such as [1,50] or (0,100), got ${JSON.stringify(expression)}.`);
  }
  return { Version: version, Key: key, Method: method, Expression: expression };
}
