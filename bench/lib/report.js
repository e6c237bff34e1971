'use strict';
/**
 * Output shared by the benches: machine facts, percentiles, a plain-text
 * table, a JSON record in bench/results/<name>-<timestamp>.json
 * (git-ignored), and the env/flag reader for the knobs.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const RESULTS = path.resolve(__dirname, '..', 'results');

/** What every result records about the machine it was measured on. */
function machine() {
  const cpus = os.cpus();
  let isolaVersion;
  try {
    isolaVersion = require(path.resolve(__dirname, '..', '..', 'package.json')).version;
  } catch {
    isolaVersion = undefined;
  }
  return {
    cpus: cpus.length,
    availableParallelism: os.availableParallelism ? os.availableParallelism() : cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    node: process.version,
    totalMemoryMB: Math.round(os.totalmem() / (1024 * 1024)),
    platform: `${process.platform}-${process.arch}`,
    kernel: os.release(),
    loadavg: os.loadavg().map((n) => Math.round(n * 100) / 100),
    isola: isolaVersion,
  };
}

/** One line describing the machine, printed above every table. */
function machineLine(m = machine()) {
  return `machine: ${m.cpus} × ${m.model}, ${m.totalMemoryMB} MB RAM, node ${m.node}, ${m.platform}, load ${m.loadavg.join(' ')}`;
}

/** Nearest-rank percentile (p in 0..100) of numbers; NaN for an empty list. */
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

const median = (values) => percentile(values, 50);

/** Formats a number for a table cell: integers as is, others with `digits` decimals. */
function fmt(value, digits = 2) {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(digits);
}

/**
 * Prints rows (arrays of cells) under `headers` as an aligned text table;
 * numeric columns are right-aligned. `digits` gives decimals per column
 * (default 2).
 */
function printTable(headers, rows, { digits = [], out = console.log } = {}) {
  const cell = (c, i) => {
    if (typeof c !== 'number') return String(c ?? '–');
    return digits[i] !== undefined && Number.isFinite(c) ? c.toFixed(digits[i]) : fmt(c);
  };
  const cells = rows.map((row) => row.map(cell));
  const numeric = headers.map((_, i) => rows.every((row) => typeof row[i] === 'number' || row[i] === undefined || row[i] === null));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row) => row.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  out(line(headers));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells) out(line(row));
}

/** Writes `data` (plus machine facts and the time) to bench/results/<name>-<timestamp>.json; returns the path. */
function writeResult(name, data) {
  fs.mkdirSync(RESULTS, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(RESULTS, `${name}-${stamp}.json`);
  fs.writeFileSync(file, JSON.stringify({ bench: name, date: new Date().toISOString(), machine: machine(), ...data }, null, 2) + '\n');
  return file;
}

/**
 * A knob from `--name value` / `--name=value` on the command line, else the
 * env var, else the default. Numbers are parsed and checked (positive, or
 * also 0 with allowZero; kind 'int' also whole); lists ('list') are
 * comma-separated positive numbers; 'string' is taken as given.
 */
function option(flag, envName, fallback, kind = 'number', { allowZero = false } = {}) {
  const argv = process.argv.slice(2);
  let raw;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${flag}`) raw = argv[i + 1];
    else if (argv[i].startsWith(`--${flag}=`)) raw = argv[i].slice(flag.length + 3);
  }
  if (raw === undefined && process.env[envName] !== undefined && process.env[envName] !== '') raw = process.env[envName];
  if (raw === undefined) return fallback;
  if (kind === 'string') return raw;
  if (kind === 'list') {
    const list = raw.split(',').map((s) => Number(s.trim()));
    if (list.length === 0 || list.some((n) => !Number.isFinite(n) || n <= 0)) fail(`--${flag} / ${envName} expects positive numbers separated by commas, got "${raw}"`);
    return list;
  }
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || (n === 0 && !allowZero) || (kind === 'int' && !Number.isInteger(n))) {
    fail(`--${flag} / ${envName} expects a ${allowZero ? 'non-negative' : 'positive'} ${kind === 'int' ? 'integer' : 'number'}, got "${raw}"`);
  }
  return n;
}

/**
 * The knobs every round-based bench shares (--duration, --rounds,
 * --connections, --warmup), with `connections` the default concurrency list.
 * `usage` is their help text, to splice into the bench's own.
 */
function loadOptions(connections) {
  return {
    duration: option('duration', 'BENCH_DURATION', 5),
    rounds: option('rounds', 'BENCH_ROUNDS', 3, 'int'),
    connections: option('connections', 'BENCH_CONNECTIONS', connections, 'list'),
    warmup: option('warmup', 'BENCH_WARMUP', 2, 'number', { allowZero: true }),
  };
}

/** Help lines of loadOptions (the connections meaning and default named by the bench). */
function loadUsage(connectionsHelp, connections) {
  return [
    '  --duration     seconds per measured run          (env BENCH_DURATION, default 5)',
    '  --rounds       alternating rounds                (env BENCH_ROUNDS, default 3)',
    `  --connections  ${connectionsHelp.padEnd(33)} (env BENCH_CONNECTIONS, default ${connections.join(',')})`,
    '  --warmup       seconds of unmeasured load first  (env BENCH_WARMUP, default 2)',
  ].join('\n');
}

/** True when --help/-h was given: prints `usage` and returns true. */
function wantsHelp(usage) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(usage.trim());
    return true;
  }
  return false;
}

/** A setup failure: the bench cannot measure anything; `main` prints the message alone and exits 1. */
class SetupError extends Error {}

/** Throws a SetupError with `message` (servers are stopped by the bench's `finally`). */
function fail(message) {
  throw new SetupError(message);
}

/**
 * Runs a bench's async main: a SetupError prints `bench: <message>` and
 * exits 1, any other error its stack and exits 1.
 */
function run(main) {
  main().catch((err) => {
    console.error(err instanceof SetupError ? `bench: ${err.message}` : `bench: ${err.stack ?? err}`);
    process.exit(1);
  });
}

module.exports = { machine, machineLine, percentile, median, fmt, printTable, writeResult, option, loadOptions, loadUsage, wantsHelp, fail, run, SetupError };
