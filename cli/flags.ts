/**
 * Parsers for command-line values, each throwing a message that names the
 * flag (commander prints it as the error and exits 1).
 */
import fs from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { formatTime, TIME_PATTERN } from '../core';

/** `--memory 256` → 256; rejects anything but a non-negative integer. */
export const intFlag = (flag: string) => (value: string): number => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${flag} expects a non-negative integer, got "${value}".`);
  return Number(value);
};

const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since 10m`, `--since "2026-11-22 10:00:00"` (UTC) or an ISO date → the
 * API's `YYYY-MM-DD HH:MM:SS` (UTC). A relative time is taken from now, when
 * the flag is parsed.
 */
export const timeFlag = (flag: string) => (value: string): string => {
  const relative = /^(\d+)([smhd])$/.exec(value);
  if (relative) return formatTime(Date.now() - Number(relative[1]) * UNITS[relative[2]!]!);
  if (TIME_PATTERN.test(value)) return value;
  const ms = Date.parse(value);
  if (Number.isFinite(ms)) return formatTime(ms);
  throw new InvalidArgumentError(`${flag} expects a duration ago (30s, 10m, 2h, 1d), "YYYY-MM-DD HH:MM:SS" (UTC) or an ISO date, got "${value}".`);
};

/** `--max-age 1h` (s, m, h or d; a bare number is seconds) → whole seconds. */
export const secondsFlag = (flag: string) => (value: string): number => {
  const m = /^(\d+)([smhd]?)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`${flag} expects a duration such as 90s, 30m, 6h or a number of seconds, got "${value}".`);
  return (Number(m[1]) * (m[2] ? UNITS[m[2]]! : 1000)) / 1000;
};

/** Collects repeated `--env KEY=VALUE` into a list of [key, value] pairs. */
export function envPair(value: string, previous: Array<[string, string]> = []): Array<[string, string]> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`--env expects KEY=VALUE, got "${value}".`);
  return [...previous, [value.slice(0, eq), value.slice(eq + 1)]];
}

/** Collects a repeatable plain value. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export interface Variable {
  Key: string;
  Value: string;
}

/**
 * Applies `--env`/`--unset-env` flags to a variable list: set keys replace
 * their old value in place, new keys are appended, unset keys are removed.
 */
export function mergeVariables(current: readonly Variable[], set: ReadonlyArray<[string, string]>, unset: readonly string[] = []): Variable[] {
  const result = current.map((v) => ({ Key: v.Key, Value: v.Value }));
  for (const [key, value] of set) {
    const existing = result.find((v) => v.Key === key);
    if (existing) existing.Value = value;
    else result.push({ Key: key, Value: value });
  }
  return result.filter((v) => !unset.includes(v.Key));
}

/**
 * The event text of `--event`: inline JSON, `@file` to read a file, `@-` for
 * stdin. Checked to be JSON so a typo fails here rather than in the function.
 */
export function readEvent(value: string | undefined): string {
  if (value === undefined) return '{}';
  let text = value;
  if (value.startsWith('@')) {
    const file = value.slice(1);
    try {
      text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (err) {
      throw new Error(`--event ${value}: ${(err as Error).message}`);
    }
  }
  try {
    JSON.parse(text);
  } catch (err) {
    throw new Error(`--event must be JSON (or @file holding JSON): ${(err as Error).message}`);
  }
  return text.trim();
}
