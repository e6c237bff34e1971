/**
 * A qualifier made callable: a `Route` picks the version that serves one
 * call. A version qualifier (`$LATEST`, `2`) always picks itself; an alias
 * picks by its rules (first match) or by weight, else its main version.
 * Routes are built once per (function, qualifier) and cached by the
 * resolver; `pick` allocates nothing.
 */
import { parseRange, RULE_KEY_PREFIX, type IntegerRange, type RoutingConfig } from '../functions';
import type { ResolvedVersion } from './version-resolver';

/**
 * What rules match against: the Invoke RoutingKey (`{"User":"Bob"}`, keys
 * as the caller wrote them), or an HTTP request's headers as `[name, value]`
 * pairs with lower-case names (matched case-insensitively).
 */
export type RoutingKeys = Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>;

/** Picks the version that serves one call. */
export interface Route {
  pick(keys?: RoutingKeys): ResolvedVersion;
}

/** A version qualifier: always the same version. */
export class FixedRoute implements Route {
  constructor(private readonly resolved: ResolvedVersion) {}
  pick(): ResolvedVersion {
    return this.resolved;
  }
}

interface CompiledRule {
  /** The `<Key>` of `invoke.headers.<Key>`, as written. */
  key: string;
  /** The same, lower-case (for header lookups). */
  headerName: string;
  exact: string | undefined;
  range: IntegerRange | undefined;
  target: ResolvedVersion;
}

/**
 * An alias: rules first (in order), then weights. The weighted pick draws
 * one `Math.random()` (uniform on [0, 1)) and walks the cumulative weights:
 * below `upTo[i]` → `weighted[i]`, past the last → the main version.
 */
export class AliasRoute implements Route {
  private readonly rules: CompiledRule[];
  private readonly weighted: ResolvedVersion[];
  private readonly upTo: Float64Array;

  /** `versionOf(v)` resolves version `v` as reached through this alias. */
  constructor(
    private readonly main: ResolvedVersion,
    routing: RoutingConfig,
    versionOf: (version: string) => ResolvedVersion,
  ) {
    this.rules = routing.AddtionVersionMatchs.map((m) => {
      const key = m.Key.slice(RULE_KEY_PREFIX.length);
      return {
        key,
        headerName: key.toLowerCase(),
        exact: m.Method === 'exact' ? m.Expression : undefined,
        range: m.Method === 'range' ? parseRange(m.Expression) : undefined,
        target: versionOf(m.Version),
      };
    });
    this.weighted = routing.AdditionalVersionWeights.map((w) => versionOf(w.Version));
    this.upTo = new Float64Array(routing.AdditionalVersionWeights.length);
    let sum = 0;
    routing.AdditionalVersionWeights.forEach((w, i) => (this.upTo[i] = sum += w.Weight));
  }

  pick(keys?: RoutingKeys): ResolvedVersion {
    if (this.rules.length > 0) {
      if (keys === undefined) return this.main;
      for (const rule of this.rules) {
        const value = valueOf(keys, rule);
        if (value !== undefined && matches(rule, value)) return rule.target;
      }
      return this.main;
    }
    const n = this.upTo.length;
    if (n === 0) return this.main;
    const r = Math.random();
    for (let i = 0; i < n; i++) if (r < this.upTo[i]!) return this.weighted[i]!;
    return this.main;
  }
}

function valueOf(keys: RoutingKeys, rule: CompiledRule): string | undefined {
  if (isHeaderList(keys)) {
    for (const [name, value] of keys) if (name === rule.headerName) return value;
    return undefined;
  }
  const value = Object.hasOwn(keys, rule.key) ? keys[rule.key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function isHeaderList(keys: RoutingKeys): keys is ReadonlyArray<readonly [string, string]> {
  return Array.isArray(keys);
}

function matches(rule: CompiledRule, value: string): boolean {
  if (rule.exact !== undefined) return value === rule.exact;
  const range = rule.range;
  if (range === undefined || !/^-?\d+$/.test(value)) return false;
  const n = Number(value);
  const aboveLow = range.lowInclusive ? n >= range.low : n > range.low;
  const belowHigh = range.highInclusive ? n <= range.high : n < range.high;
  return aboveLow && belowHigh;
}
