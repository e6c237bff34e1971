/**
 * Function configuration: the parsed, validated form of a version's settings
 * and the checks of every parameter CreateFunction / UpdateFunctionConfiguration
 * accept (spec/platform-semantics.md §1, scf-api.md §3.2). Each failure is an
 * ApiError with the SCF code of scf-api.md §6 and a message naming the
 * parameter. Cloud-only parameters (VPC, CLS, CFS, roles…) are accepted and
 * ignored.
 */
import { ApiError, type ErrorCode } from '../errors';
import { getRuntime, normalizeHandler, type FunctionType } from './runtimes';
import { optionalInteger, optionalString } from '../config';
import { readDeadLetterConfig, type AsyncRetryConfig, type DeadLetterConfig } from './async-options';

export interface EnvVar {
  Key: string;
  Value: string;
}
export interface LayerRef {
  LayerName: string;
  LayerVersion: number;
}
export interface Tag {
  Key: string;
  Value: string;
}

/** Per-version options kept in `function_versions.options` (JSON). Absent = off/default. */
export interface FunctionOptions {
  /** `WS`: the web function accepts WebSocket connections. Set at creation or by an update; never cleared once set. */
  protocolType?: 'WS';
  /** WebSocket idle timeout, seconds (10–7200). */
  wsIdleTimeout?: number;
  /** Requests one instance serves at once (web functions; 1 = off). */
  maxConcurrency?: number;
  /** Smart dynamic per-instance concurrency (InstanceConcurrencyConfig.DynamicEnabled). */
  dynamicConcurrency?: boolean;
  installDependency?: boolean;
  dnsCache?: boolean;
  traceEnable?: boolean;
  /** Async retry policy (UpdateFunctionEventInvokeConfig); absent = the defaults (core/functions/async-options.ts). */
  asyncRetry?: AsyncRetryConfig;
  /** Where an async event goes when its retries are exhausted (DeadLetterConfig); absent = recorded as failed only. */
  deadLetter?: DeadLetterConfig;
}

export interface FunctionConfig {
  runtime: string;
  handler: string;
  type: FunctionType;
  memorySize: number;
  timeout: number;
  initTimeout: number;
  environment: EnvVar[];
  description: string;
  layers: LayerRef[];
  options: FunctionOptions;
}

export const LIMITS = Object.freeze({
  memoryMin: 64,
  memoryMax: 3072,
  memoryStep: 128,
  timeoutMin: 1,
  timeoutMax: 900,
  timeoutDefault: 3,
  initTimeoutMin: 3,
  initTimeoutMax: 300,
  initTimeoutDefault: 60,
  memoryDefault: 128,
  environmentBytes: 4096,
  descriptionChars: 1000,
  layers: 5,
  tags: 50,
  maxConcurrency: 100,
  wsIdleMin: 10,
  wsIdleMax: 7200,
  wsIdleDefault: 15,
  nameMin: 2,
  nameMax: 60,
  namespaceAndName: 118,
});

type Params = Record<string, unknown>;

/** A Description (of a function, version or alias) is at most 1000 characters: InvalidParameterValue.Description. */
export function assertDescription(description: string | undefined): void {
  if (description !== undefined && description.length > LIMITS.descriptionChars) {
    throw new ApiError('InvalidParameterValue.Description', `Description must be at most ${LIMITS.descriptionChars} characters, got ${description.length}.`);
  }
}

// 2-60 chars of letters, digits, '_' and '-', starting with a letter, ending with a letter or digit.
const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;

/** Checks a function name (and its length together with the namespace); InvalidParameterValue.FunctionName. */
export function assertFunctionName(namespace: string, name: string): void {
  if (!FUNCTION_NAME.test(name)) {
    throw new ApiError(
      'InvalidParameterValue.FunctionName',
      `FunctionName ${JSON.stringify(name)} is invalid: 2-60 characters of letters, digits, "_" and "-", starting with a letter and ending with a letter or digit.`,
    );
  }
  if (namespace.length + name.length > LIMITS.namespaceAndName) {
    throw new ApiError(
      'InvalidParameterValue.FunctionName',
      `Namespace and FunctionName together must be at most ${LIMITS.namespaceAndName} characters, got ${namespace.length + name.length}.`,
    );
  }
}

/**
 * The configuration of a new function from CreateFunction parameters, with
 * the defaults (128 MB, 3 s, init 60 s, Event). Runtime is required here
 * (MissingParameter.Runtime) rather than defaulting to the retired Python2.7.
 */
/**
 * UpdateFunctionConfiguration's AsyncRunEnable: the mode is fixed at
 * creation (spec §8), so sending the value the function has is accepted and
 * any other is refused — never ignored.
 */
export function assertAsyncRunUnchanged(params: Params, current: boolean): void {
  const wanted = readSwitch(params, 'AsyncRunEnable', 'InvalidParameterValue.AsyncRunEnable');
  if (wanted !== undefined && wanted !== current) {
    throw new ApiError('UnsupportedOperation.AsyncRunEnable', `AsyncRunEnable is fixed when a function is created (this one has ${current ? 'TRUE' : 'FALSE'}); create a new function to change it.`);
  }
}

export function parseCreateConfig(params: Params): { config: FunctionConfig; asyncRunEnable: boolean; tags: Tag[] } {
  const runtimeName = optionalString(params, 'Runtime', 'InvalidParameterValue.Runtime');
  if (runtimeName === undefined || runtimeName === '') throw new ApiError('MissingParameter.Runtime', 'The parameter Runtime is required.');
  const runtime = getRuntime(runtimeName);
  const typeValue = optionalString(params, 'Type', 'InvalidParameterValue.Type') ?? 'Event';
  if (typeValue !== 'Event' && typeValue !== 'HTTP') throw new ApiError('InvalidParameterValue.Type', `Type must be Event or HTTP, got ${JSON.stringify(typeValue)}.`);
  const type: FunctionType = typeValue;
  const handler = normalizeHandler(runtime, type, optionalString(params, 'Handler', 'InvalidParameterValue.Handler'));
  const asyncRunEnable = readSwitch(params, 'AsyncRunEnable', 'InvalidParameterValue.AsyncRunEnable') ?? false;
  if (asyncRunEnable && type === 'HTTP') {
    throw new ApiError('UnsupportedOperation.AsyncRunEnable', 'AsyncRunEnable=TRUE is only supported for Event functions.');
  }
  const base: FunctionConfig = {
    runtime: runtime.name,
    handler,
    type,
    memorySize: LIMITS.memoryDefault,
    timeout: LIMITS.timeoutDefault,
    initTimeout: LIMITS.initTimeoutDefault,
    environment: [],
    description: '',
    layers: [],
    options: {},
  };
  const protocolType = optionalString(params, 'ProtocolType', 'InvalidParameterValue.ProtocolType');
  if (protocolType !== undefined && protocolType !== '') {
    if (protocolType !== 'WS') throw new ApiError('InvalidParameterValue.ProtocolType', `ProtocolType must be WS, got ${JSON.stringify(protocolType)}.`);
    if (type !== 'HTTP') throw new ApiError('InvalidParameterValue.ProtocolType', 'ProtocolType WS is only supported for web functions (Type HTTP).');
    base.options = { protocolType: 'WS', wsIdleTimeout: LIMITS.wsIdleDefault };
  }
  const config = applyConfigParams(base, params);
  return { config, asyncRunEnable, tags: readTags(params) };
}

/**
 * `current` with the UpdateFunctionConfiguration parameters that were sent
 * applied over it. The runtime is fixed at creation (InvalidParameterValue.Runtime).
 */
export function parseConfigUpdate(current: FunctionConfig, params: Params): FunctionConfig {
  const runtime = optionalString(params, 'Runtime', 'InvalidParameterValue.Runtime');
  if (runtime !== undefined && runtime !== '' && runtime !== current.runtime) {
    throw new ApiError('InvalidParameterValue.Runtime', `Runtime is fixed at creation (${current.runtime}); it cannot be changed to ${runtime}.`);
  }
  const next: FunctionConfig = { ...current, options: { ...current.options } };
  applyProtocolTypeUpdate(next, optionalString(params, 'ProtocolType', 'InvalidParameterValue.ProtocolType'));
  return applyConfigParams(next, params);
}

/**
 * ProtocolType on UpdateFunctionConfiguration. `WS` enables WebSocket on a web
 * function (idle timeout defaults to 15 s; ProtocolParams in the same call,
 * applied afterwards, may set it). Once enabled it cannot be disabled: on a
 * WebSocket function anything but `WS` (including "") is refused. On a
 * function without WebSocket, "" (no extra protocol) changes nothing.
 */
function applyProtocolTypeUpdate(config: FunctionConfig, protocolType: string | undefined): void {
  if (protocolType === undefined) return;
  if (config.options.protocolType === 'WS') {
    if (protocolType === 'WS') return;
    throw new ApiError(
      'InvalidParameterValue.ProtocolType',
      `WebSocket support cannot be disabled once enabled: ProtocolType must stay WS, got ${JSON.stringify(protocolType)}.`,
    );
  }
  if (protocolType === '') return;
  if (protocolType !== 'WS') throw new ApiError('InvalidParameterValue.ProtocolType', `ProtocolType must be WS, got ${JSON.stringify(protocolType)}.`);
  if (config.type !== 'HTTP') throw new ApiError('InvalidParameterValue.ProtocolType', 'ProtocolType WS is only supported for web functions (Type HTTP).');
  config.options.protocolType = 'WS';
  config.options.wsIdleTimeout = LIMITS.wsIdleDefault;
}

/** Applies the editable parameters present in `params` to `config` (mutated and returned), then checks cross-field rules. */
function applyConfigParams(config: FunctionConfig, params: Params): FunctionConfig {
  const memory = optionalInteger(params, 'MemorySize', 'InvalidParameterValue.MemorySize');
  if (memory !== undefined) config.memorySize = checkMemory(memory);
  const timeout = optionalInteger(params, 'Timeout');
  if (timeout !== undefined) config.timeout = checkRange('Timeout', timeout, LIMITS.timeoutMin, LIMITS.timeoutMax, 'LimitExceeded.Timeout');
  const initTimeout = optionalInteger(params, 'InitTimeout');
  if (initTimeout !== undefined) {
    config.initTimeout = checkRange('InitTimeout', initTimeout, LIMITS.initTimeoutMin, LIMITS.initTimeoutMax, 'LimitExceeded.InitTimeout');
  }
  const description = optionalString(params, 'Description', 'InvalidParameterValue.Description');
  if (description !== undefined) {
    assertDescription(description);
    config.description = description;
  }
  if (params['Environment'] !== undefined && params['Environment'] !== null) config.environment = readEnvironment(params['Environment']);
  if (params['Layers'] !== undefined && params['Layers'] !== null) {
    config.layers = readLayers(params['Layers']);
  }
  if (params['InstanceConcurrencyConfig'] !== undefined && params['InstanceConcurrencyConfig'] !== null) {
    applyInstanceConcurrency(config, params['InstanceConcurrencyConfig']);
  }
  if (params['ProtocolParams'] !== undefined && params['ProtocolParams'] !== null) applyProtocolParams(config, params['ProtocolParams']);
  const switches = [
    ['InstallDependency', 'installDependency', 'InvalidParameterValue.InstallDependency'],
    ['DnsCache', 'dnsCache', 'InvalidParameterValue.DnsCache'],
    ['TraceEnable', 'traceEnable', 'InvalidParameterValue.TraceEnable'],
  ] as const;
  for (const [param, key, code] of switches) {
    const value = readSwitch(params, param, code);
    if (value !== undefined) config.options[key] = value;
  }
  if (params['DeadLetterConfig'] !== undefined) {
    const deadLetter = readDeadLetterConfig(params['DeadLetterConfig']);
    if (deadLetter) config.options.deadLetter = deadLetter;
    else delete config.options.deadLetter;
  }
  if (config.options.protocolType === 'WS' && config.timeout < (config.options.wsIdleTimeout ?? LIMITS.wsIdleDefault)) {
    throw new ApiError(
      'InvalidParameterValue.IdleTimeOut',
      `Timeout (${config.timeout} s) must be at least ProtocolParams.WSParams.IdleTimeOut (${config.options.wsIdleTimeout} s) for a WebSocket function.`,
    );
  }
  return config;
}

function checkMemory(mb: number): number {
  if (mb > LIMITS.memoryMax) throw new ApiError('LimitExceeded.Memory', `MemorySize must be at most ${LIMITS.memoryMax} MB, got ${mb}.`);
  if (mb !== LIMITS.memoryMin && (mb < LIMITS.memoryStep || mb % LIMITS.memoryStep !== 0)) {
    throw new ApiError('InvalidParameterValue.MemorySize', `MemorySize must be 64, or 128 to 3072 in steps of 128 MB, got ${mb}.`);
  }
  return mb;
}

function checkRange(name: string, value: number, min: number, max: number, code: ErrorCode): number {
  if (value < min || value > max) throw new ApiError(code, `${name} must be from ${min} to ${max} seconds, got ${value}.`);
  return value;
}

/** A `TRUE`/`FALSE` string switch; undefined when absent or empty. `code` is `InvalidParameterValue.<name>`, named in full at the call. */
function readSwitch(params: Params, name: string, code: ErrorCode): boolean | undefined {
  const value = optionalString(params, name, code);
  if (value === undefined || value === '') return undefined;
  if (value !== 'TRUE' && value !== 'FALSE') throw new ApiError(code, `${name} must be TRUE or FALSE, got ${JSON.stringify(value)}.`);
  return value === 'TRUE';
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SYSTEM_ENV_PREFIXES = ['SCF_', 'TENCENTCLOUD_'];

/** Environment `{Variables: [{Key, Value}]}`: unique keys, not system ones, ≤ 4 KB of `key=value` in total. */
export function readEnvironment(value: unknown): EnvVar[] {
  const bad = (why: string): never => {
    throw new ApiError('InvalidParameterValue.Environment', `Environment ${why}.`);
  };
  if (typeof value !== 'object' || Array.isArray(value) || value === null) return bad('must be an object {Variables: [{Key, Value}]}');
  const variables = (value as { Variables?: unknown }).Variables ?? [];
  if (!Array.isArray(variables)) return bad('.Variables must be a list of {Key, Value}');
  const seen = new Set<string>();
  let bytes = 0;
  const result: EnvVar[] = [];
  for (const item of variables as unknown[]) {
    const key = (item as { Key?: unknown } | null)?.Key;
    const val = (item as { Value?: unknown } | null)?.Value ?? '';
    if (typeof key !== 'string' || !ENV_KEY.test(key)) bad(`variable name ${JSON.stringify(key)} is invalid: letters, digits and "_", not starting with a digit`);
    if (typeof val !== 'string') bad(`variable ${key as string} must have a string Value`);
    const k = key as string;
    if (seen.has(k)) bad(`variable ${k} is given twice`);
    if (SYSTEM_ENV_PREFIXES.some((p) => k.startsWith(p))) {
      throw new ApiError('InvalidParameterValue.EnvironmentSystemProtect', `Environment variable ${k} is reserved by the platform.`);
    }
    seen.add(k);
    bytes += Buffer.byteLength(k) + 1 + Buffer.byteLength(val as string);
    result.push({ Key: k, Value: val as string });
  }
  if (bytes > LIMITS.environmentBytes) {
    throw new ApiError('InvalidParameterValue.EnvironmentExceededLimit', `Environment variables total ${bytes} bytes; at most 4 KB (${LIMITS.environmentBytes}) is allowed.`);
  }
  return result;
}

/** Layers `[{LayerName, LayerVersion}]`, ≤ 5, in binding order; `[{LayerName: ""}]` unbinds all. Existence is checked against the store by `assertLayersBindable` (layers.ts). */
export function readLayers(value: unknown): LayerRef[] {
  const bad = (why: string): never => {
    throw new ApiError('InvalidParameterValue.Layers', `Layers ${why}.`);
  };
  if (!Array.isArray(value)) return bad('must be a list of {LayerName, LayerVersion}');
  const layers: LayerRef[] = [];
  for (const item of value as unknown[]) {
    const name = (item as { LayerName?: unknown } | null)?.LayerName;
    const version = (item as { LayerVersion?: unknown } | null)?.LayerVersion;
    if (name === '') continue; // unbinding
    if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name)) bad(`has an invalid LayerName ${JSON.stringify(name)}`);
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) bad(`entry ${name as string} needs a LayerVersion >= 1`);
    if (layers.some((l) => l.LayerName === name)) bad(`binds ${name as string} twice`);
    layers.push({ LayerName: name as string, LayerVersion: version as number });
  }
  if (layers.length > LIMITS.layers) bad(`may bind at most ${LIMITS.layers} layers, got ${layers.length}`);
  return layers;
}

function applyInstanceConcurrency(config: FunctionConfig, value: unknown): void {
  if (typeof value !== 'object' || Array.isArray(value) || value === null) {
    throw new ApiError('InvalidParameterValue.InstanceConcurrencyConfig', 'InstanceConcurrencyConfig must be an object.');
  }
  const v = value as Params;
  const dynamic = optionalString(v, 'DynamicEnabled', 'InvalidParameterValue.DynamicEnabled');
  if (dynamic !== undefined && dynamic !== '' && dynamic !== 'TRUE' && dynamic !== 'FALSE') {
    throw new ApiError('InvalidParameterValue.DynamicEnabled', `InstanceConcurrencyConfig.DynamicEnabled must be TRUE, FALSE or "", got ${JSON.stringify(dynamic)}.`);
  }
  const max = optionalInteger(v, 'MaxConcurrency', 'InvalidParameterValue.MaxConcurrency');
  if (dynamic === '') {
    // "" clears multi-concurrency.
    delete config.options.maxConcurrency;
    delete config.options.dynamicConcurrency;
    return;
  }
  if (config.type !== 'HTTP') {
    throw new ApiError('InvalidParameterValue.InstanceConcurrencyConfig', 'InstanceConcurrencyConfig is only supported for web functions (Type HTTP).');
  }
  if (max !== undefined) {
    if (max < 1 || max > LIMITS.maxConcurrency) {
      throw new ApiError('InvalidParameterValue.MaxConcurrency', `InstanceConcurrencyConfig.MaxConcurrency must be from 1 to ${LIMITS.maxConcurrency}, got ${max}.`);
    }
    config.options.maxConcurrency = max;
  }
  if (dynamic !== undefined) config.options.dynamicConcurrency = dynamic === 'TRUE';
}

function applyProtocolParams(config: FunctionConfig, value: unknown): void {
  if (config.options.protocolType !== 'WS') {
    throw new ApiError('InvalidParameterValue.WebSocketsParams', 'ProtocolParams apply only to functions with ProtocolType WS (set at creation or by UpdateFunctionConfiguration).');
  }
  const ws = (value as { WSParams?: unknown } | null)?.WSParams;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || (ws !== undefined && (typeof ws !== 'object' || ws === null))) {
    throw new ApiError('InvalidParameterValue.WebSocketsParams', 'ProtocolParams must be {WSParams: {IdleTimeOut}}.');
  }
  if (ws === undefined) return;
  const idle = optionalInteger(ws as Params, 'IdleTimeOut', 'InvalidParameterValue.IdleTimeOut');
  if (idle === undefined) return;
  if (idle < LIMITS.wsIdleMin || idle > LIMITS.wsIdleMax) {
    throw new ApiError('InvalidParameterValue.IdleTimeOut', `ProtocolParams.WSParams.IdleTimeOut must be from ${LIMITS.wsIdleMin} to ${LIMITS.wsIdleMax} seconds, got ${idle}.`);
  }
  config.options.wsIdleTimeout = idle;
}

/** Tags `[{Key, Value}]` with unique keys. */
export function readTags(params: Params): Tag[] {
  const value = params['Tags'];
  if (value === undefined || value === null) return [];
  const bad = (why: string): never => {
    throw new ApiError('InvalidParameterValue.Tags', `Tags ${why}.`);
  };
  if (!Array.isArray(value)) return bad('must be a list of {Key, Value}');
  if (value.length > LIMITS.tags) bad(`may hold at most ${LIMITS.tags} tags`);
  const tags: Tag[] = [];
  for (const item of value as unknown[]) {
    const key = (item as { Key?: unknown } | null)?.Key;
    const val = (item as { Value?: unknown } | null)?.Value ?? '';
    if (typeof key !== 'string' || key === '' || key.length > 255) bad(`has an invalid Key ${JSON.stringify(key)}`);
    if (typeof val !== 'string' || val.length > 255) bad(`has an invalid Value for ${key as string}`);
    if (tags.some((t) => t.Key === key)) bad(`has the key ${key as string} twice`);
    tags.push({ Key: key as string, Value: val as string });
  }
  return tags;
}
