/**
 * One validator for every options object (server settings, runtime, log
 * writer, admission, HTTP limits…): a schema gives each key its type, range
 * and default; `resolveOptions` fills the defaults, refuses unknown keys with
 * the closest known one suggested, checks every value, and returns a frozen
 * object (nested objects and arrays too). Modelled on fastify's
 * `lib/initial-config-validation.js`, with p-queue's messages:
 *
 *   Unknown option `keepAliveMS`; did you mean `keepAliveMs`?
 *   Expected `hosts` to be an integer from 1 to 256, got 0
 *
 * A wrong JavaScript type throws a TypeError, a value of the right type out
 * of range (or not an integer, not one of an enum, empty) a RangeError; both
 * carry `code: 'ERR_INVALID_OPTION'`. `undefined` means "not given" (the
 * default applies); `null` is a value, accepted only where `nullable`.
 */

interface SpecBase<V> {
  /** Used when the key is absent or undefined. No default: the option is required. */
  readonly default?: V;
  /** Also accept null. */
  readonly nullable?: boolean;
}

export interface NumberSpec<V = number> extends SpecBase<V> {
  readonly type: 'number';
  /** Only whole numbers. */
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
}
export interface BooleanSpec<V = boolean> extends SpecBase<V> {
  readonly type: 'boolean';
}
export interface StringSpec<V = string> extends SpecBase<V> {
  readonly type: 'string';
  /** Refuse ''. */
  readonly nonEmpty?: boolean;
  /** Applied to a valid value (given or default), e.g. `path.resolve`. */
  readonly normalize?: (value: string) => string;
}
export interface EnumSpec<V = string> extends SpecBase<V> {
  readonly type: 'enum';
  readonly values: readonly Exclude<V, null | undefined>[];
}
export interface FunctionSpec<V = (...args: never[]) => unknown> extends SpecBase<V> {
  readonly type: 'function';
}
/** An array of strings (copied and frozen). */
export interface StringsSpec<V = readonly string[]> extends SpecBase<V> {
  readonly type: 'strings';
}
/** A nested options object: its own schema; absent = all its defaults. */
export interface ObjectSpec<V> {
  readonly type: 'object';
  readonly shape: Schema<V>;
}
/** Anything else (an observer, a handle): `check` decides, `expected` says what it wanted. Kept as given, not frozen. */
export interface CustomSpec<V> extends SpecBase<V> {
  readonly type: 'custom';
  readonly expected: string;
  readonly check: (value: unknown) => boolean;
}

type Bare<V> = Exclude<V, null | undefined>;

/** The spec a value of type V may have (checked at compile time against the options interface). */
export type Spec<V> = [Bare<V>] extends [boolean]
  ? BooleanSpec<V>
  : [Bare<V>] extends [number]
    ? NumberSpec<V>
    : [Bare<V>] extends [string]
      ? string extends Bare<V>
        ? StringSpec<V> | EnumSpec<V>
        : EnumSpec<V>
      : [Bare<V>] extends [(...args: never[]) => unknown]
        ? FunctionSpec<V> | CustomSpec<V>
        : [Bare<V>] extends [readonly string[]]
          ? StringsSpec<V>
          : [Bare<V>] extends [object]
            ? ObjectSpec<Bare<V>> | CustomSpec<V>
            : never;

/** One spec per key of T: a key missing from the schema does not compile. */
export type Schema<T> = { readonly [K in keyof T]-?: Spec<T[K]> };

type AnySpec =
  | NumberSpec<unknown>
  | BooleanSpec<unknown>
  | StringSpec<unknown>
  | EnumSpec<unknown>
  | FunctionSpec<unknown>
  | StringsSpec<unknown>
  | ObjectSpec<unknown>
  | CustomSpec<unknown>;

export interface ResolveHow {
  /** What the keys are called in messages: `option` (default), `setting`… */
  readonly noun?: string;
}

/**
 * Merges `input` over the schema's defaults, validates every key and returns
 * the frozen result. Throws (TypeError / RangeError, `code`
 * ERR_INVALID_OPTION) on the first problem: unknown key (with a suggestion),
 * missing required key, wrong type or value.
 */
export function resolveOptions<T>(schema: Schema<T>, input: unknown, how: ResolveHow = {}): Readonly<T> {
  return resolveObject(schema as Record<string, AnySpec>, input, '', how.noun ?? 'option') as Readonly<T>;
}

/** The schema's defaults as a frozen object (nested objects filled); throws if a key is required. */
export function defaultsOf<T>(schema: Schema<T>, how: ResolveHow = {}): Readonly<T> {
  return resolveOptions(schema, {}, how);
}

function resolveObject(schema: Record<string, AnySpec>, input: unknown, prefix: string, noun: string): object {
  if (input === undefined) input = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw optionError(TypeError, `Expected ${prefix ? `\`${prefix.slice(0, -1)}\`` : `${noun}s`} to be an object, got ${show(input)}`);
  }
  const given = input as Record<string, unknown>;
  const known = Object.keys(schema);
  for (const key of Object.keys(given)) {
    if (Object.hasOwn(schema, key)) continue;
    if (given[key] === undefined) continue; // an unset flag spread into the overrides
    const near = closest(key, known);
    const hint = near !== undefined ? `; did you mean \`${prefix}${near}\`?` : `; known ${noun}s: ${known.map((k) => `\`${prefix}${k}\``).join(', ')}`;
    throw optionError(TypeError, `Unknown ${noun} \`${prefix}${key}\`${hint}`);
  }
  const result: Record<string, unknown> = {};
  for (const key of known) {
    const spec = schema[key]!;
    const name = `${prefix}${key}`;
    const value = Object.hasOwn(given, key) ? given[key] : undefined;
    if (spec.type === 'object') {
      result[key] = resolveObject(spec.shape as Record<string, AnySpec>, value, `${name}.`, noun);
    } else if (value === undefined) {
      if (!('default' in spec)) throw optionError(TypeError, `Expected \`${name}\` to be ${expected(spec)}, got undefined`);
      result[key] = finish(spec, spec.default);
    } else {
      result[key] = finish(spec, check(spec, value, name));
    }
  }
  return Object.freeze(result);
}

/** Returns `value` when it satisfies `spec`, else throws naming `name`. */
function check(spec: Exclude<AnySpec, ObjectSpec<unknown>>, value: unknown, name: string): unknown {
  if (value === null) {
    if (spec.nullable) return null;
    throw optionError(TypeError, `Expected \`${name}\` to be ${expected(spec)}, got null`);
  }
  const fail = (kind: typeof TypeError | typeof RangeError): never => {
    throw optionError(kind, `Expected \`${name}\` to be ${expected(spec)}, got ${show(value)}`);
  };
  switch (spec.type) {
    case 'number':
      if (typeof value !== 'number') return fail(TypeError);
      if (!Number.isFinite(value) || (spec.integer && !Number.isInteger(value))) return fail(RangeError);
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) return fail(RangeError);
      return value;
    case 'boolean':
      return typeof value === 'boolean' ? value : fail(TypeError);
    case 'string':
      if (typeof value !== 'string') return fail(TypeError);
      return spec.nonEmpty && value === '' ? fail(RangeError) : value;
    case 'enum':
      if (spec.values.includes(value)) return value;
      return fail(typeof value === 'string' ? RangeError : TypeError);
    case 'function':
      return typeof value === 'function' ? value : fail(TypeError);
    case 'strings':
      return Array.isArray(value) && value.every((s) => typeof s === 'string') ? value : fail(TypeError);
    case 'custom':
      return spec.check(value) ? value : fail(TypeError);
  }
}

/** Normalizes and freezes a checked (or default) value. */
function finish(spec: Exclude<AnySpec, ObjectSpec<unknown>>, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (spec.type === 'string' && spec.normalize) return spec.normalize(value as string);
  if (spec.type === 'strings') return Object.freeze([...(value as string[])]);
  return value;
}

/** "an integer from 1 to 256", "a non-negative number", "one of "worker", "inline"" (+ " or null"). */
function expected(spec: Exclude<AnySpec, ObjectSpec<unknown>>): string {
  const orNull = spec.nullable ? ' or null' : '';
  switch (spec.type) {
    case 'number': {
      const kind = spec.integer ? 'integer' : 'number';
      const { min, max } = spec;
      if (min !== undefined && max !== undefined) return `${article(kind)} from ${min} to ${max}${orNull}`;
      if (min === 0) return `a non-negative ${kind}${orNull}`;
      if (min === 1 && spec.integer) return `a positive integer${orNull}`;
      if (min !== undefined) return `${article(kind)} of at least ${min}${orNull}`;
      if (max !== undefined) return `${article(kind)} of at most ${max}${orNull}`;
      return `a finite ${kind}${orNull}`;
    }
    case 'boolean':
      return `a boolean${orNull}`;
    case 'string':
      return `${spec.nonEmpty ? 'a non-empty string' : 'a string'}${orNull}`;
    case 'enum':
      return `one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}${orNull}`;
    case 'function':
      return `a function${orNull}`;
    case 'strings':
      return `an array of strings${orNull}`;
    case 'custom':
      return `${spec.expected}${orNull}`;
  }
}

const article = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

/** A value as a message shows it: strings quoted, objects as (short) JSON. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value !== 'object' || value === null) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? Object.prototype.toString.call(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function optionError(kind: typeof TypeError | typeof RangeError, message: string): Error {
  return Object.assign(new kind(message), { code: 'ERR_INVALID_OPTION' });
}

/**
 * The known key closest to `key`, when close enough to be a slip: by edit
 * distance ignoring case (a case slip is distance 0, two swapped letters 1),
 * at most 3 edits and fewer than half the key's letters; failing that, a
 * known key that starts with `key` or that `key` starts with (4+ letters:
 * `burst` → `burstPerMinute`). Ties go to the first key.
 */
export function closest(key: string, known: readonly string[]): string | undefined {
  const wanted = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(wanted, candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  if (bestDistance <= 3 && bestDistance < key.length / 2) return best;
  if (wanted.length < 4) return undefined;
  return known.find((candidate) => {
    const lower = candidate.toLowerCase();
    return lower.startsWith(wanted) || (lower.length >= 4 && wanted.startsWith(lower));
  });
}

/** Optimal string alignment distance: insert, delete, substitute, swap two neighbours. */
function distance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
    }
    [before, previous] = [previous, current];
  }
  return previous[b.length]!;
}
