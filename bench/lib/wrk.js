'use strict';
/**
 * The wrk load generator (Debian package `wrk`), used by the HTTP benches
 * when it is installed: autocannon, being JavaScript on the same 2 cores,
 * saturates near 45k req/s here — far below what raw uWS serves — so every
 * ratio against the baseline it measured was too kind. wrk is C and
 * event-driven; one thread (`-t1`) as the figures were taken.
 *
 * `runWrk` has runLoad's options and result shape. wrk reads no bodies
 * into Lua (a `response` callback would halve its speed), so it cannot
 * check them: the benches check every target's body once before the load
 * (their preflight), and wrk counts non-2xx/3xx answers and socket errors.
 * Latencies come from wrk's own histogram (µs resolution), through a Lua
 * `done` callback that prints them as JSON.
 */
const { execFile, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The wrk binary, or null when it is not installed. */
function findWrk() {
  const explicit = process.env.BENCH_WRK;
  if (explicit) return explicit;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const file = path.join(dir || '.', 'wrk');
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** A Lua string literal holding `text` verbatim (long brackets; the level is chosen so the text cannot close it). */
function luaString(text) {
  let level = '';
  while (text.includes(`]${level}]`)) level += '=';
  return `[${level}[\n${text}]${level}]`;
}

/** The script of one run: the request (method, headers, body) and a `done` that prints the figures as one JSON line. */
function scriptOf({ method = 'GET', headers = {}, body }) {
  const lines = [`wrk.method = ${luaString(method)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`wrk.headers[ ${luaString(name)} ] = ${luaString(String(value))}`);
  if (body !== undefined) lines.push(`wrk.body = ${luaString(String(body))}`);
  lines.push(`done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\nWRK_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p99":%d,"mean":%.3f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99), latency.mean))
end`);
  return lines.join('\n') + '\n';
}

let scriptDir;

/**
 * One wrk run: `connections` connections on one thread for `duration`
 * seconds. Resolves { rps, p50, p99, mean (ms), requests, errors, breakdown,
 * sample } like runLoad; `errors` = socket errors (connect, read, write) +
 * timeouts + non-2xx/3xx answers. With `clientCpu`, wrk runs under bash,
 * whose `times` reports the CPU wrk used (user + system), as `clientCpuMs`:
 * what the load generator took from the machine's cores.
 */
function runWrk({ url, method, headers, body, connections, duration, clientCpu = false, wrk = findWrk() }) {
  if (wrk === null) throw new Error('wrk is not installed');
  scriptDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'isola-bench-wrk-'));
  const script = path.join(scriptDir, `run-${process.pid}-${Date.now()}.lua`);
  fs.writeFileSync(script, scriptOf({ method, headers, body }));
  const args = ['-t1', `-c${connections}`, `-d${Math.max(1, Math.round(duration))}s`, '--timeout', '10s', '-s', script, url];
  // `times` prints the shell's then its children's user and system time ("0m1.234s 0m0.567s").
  const [command, commandArgs] = clientCpu ? ['bash', ['-c', '"$0" "$@"; status=$?; echo WRK_TIMES; times; exit $status', wrk, ...args]] : [wrk, args];
  return new Promise((resolve, reject) => {
    execFile(command, commandArgs, { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      fs.rmSync(script, { force: true });
      const m = /WRK_JSON (\{.*\})/.exec(stdout);
      if (err || !m) {
        reject(new Error(`wrk ${args.join(' ')} failed: ${err?.message ?? ''}\n${stdout}${stderr}`));
        return;
      }
      const r = JSON.parse(m[1]);
      const breakdown = { errors: r.connect + r.read + r.write, timeouts: r.timeout, non2xx: r.status, mismatches: 0 };
      const errors = breakdown.errors + breakdown.timeouts + breakdown.non2xx;
      resolve({
        rps: r.requests / (r.duration_us / 1e6),
        p50: r.p50 / 1000,
        p99: r.p99 / 1000,
        mean: Math.round(r.mean) / 1000,
        requests: r.requests,
        errors,
        breakdown,
        sample: errors > 0 ? `wrk: ${JSON.stringify(breakdown)}` : undefined,
        ...(clientCpu ? { clientCpuMs: childCpuMs(stdout) } : {}),
      });
    });
  });
}

/** The children's user + system time (ms) of bash's `times` output after WRK_TIMES; NaN when absent. */
function childCpuMs(stdout) {
  const lines = stdout.slice(stdout.indexOf('WRK_TIMES')).split('\n');
  const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec((lines[2] ?? '').trim());
  return m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : NaN;
}

process.on('exit', () => {
  if (scriptDir) fs.rmSync(scriptDir, { recursive: true, force: true });
});

/** wrk's version line, for the record. */
function wrkVersion(wrk = findWrk()) {
  if (wrk === null) return null;
  try {
    execFileSync(wrk, ['--version'], { encoding: 'utf8' });
  } catch (err) {
    // wrk --version prints its banner and exits 1.
    return /^wrk \S+/.exec(String(err.stdout ?? ''))?.[0] ?? 'wrk';
  }
  return 'wrk';
}

module.exports = { findWrk, runWrk, wrkVersion };
