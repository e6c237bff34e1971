'use strict';
/**
 * Server processes for the benches: a real isola server (`bin/isola.js
 * serve`, as a user starts it) on a free port with a temp data dir, and the
 * raw uWS hello baseline. Each runs in its own process so the load generator
 * (the bench script itself) never shares an event loop with what it measures.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'isola.js');
const DIST_MAIN = path.join(ROOT, 'dist', 'cli', 'main.js');

/** Every child started here, killed (SIGKILL) if the bench exits without stopping them; their temp data dirs go too. */
const live = new Set();
const tempDirs = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  if (process.env.BENCH_KEEP_DATA !== '1') for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\nreceived ${signal}, stopping servers`);
    process.exit(130);
  });
}

/**
 * Spawns `args` with node (or `command`) and resolves once the process prints
 * `listening on http://…:<port>`. Rejects with the process output when it
 * exits first or does not listen within `timeoutMs`.
 */
function spawnListening(label, args, { env, cwd = ROOT, timeoutMs = 30_000, command = process.execPath } = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  const port = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = () => {
      const m = /listening on http:\/\/[^\s]*:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };
  return { child, port, exited, stop, output: () => output };
}

/**
 * Starts an isola server. Options: args (extra `serve` flags; the env var
 * BENCH_SERVER_ARGS adds more, space-separated), env, keepData (leave the
 * temp data dir; also BENCH_KEEP_DATA=1), binary (run this single executable,
 * `npm run build:binary`'s, instead of a checkout's bin/isola.js). Resolves with
 * { url, port, pid, dataDir, credentials, stop(), output() }.
 */
async function startIsola(options = {}) {
  // BENCH_ISOLA_ROOT (or options.root): another checkout/build to run (A/B comparisons of two builds).
  const root = options.root ?? process.env.BENCH_ISOLA_ROOT ?? ROOT;
  if (options.binary !== undefined && !fs.existsSync(options.binary)) throw new Error(`${options.binary} is missing; run \`npm run build:binary\` first.`);
  if (options.binary === undefined && !fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
    throw new Error(`${path.relative(ROOT, DIST_MAIN)} is missing; run \`npm install\` (or \`npm run build\`) first.`);
  }
  // options.dataDir: reuse a data directory (a restart); the caller owns it and removes it.
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'isola-bench-server-'));
  if (!options.dataDir) tempDirs.add(dataDir);
  const extra = (process.env.BENCH_SERVER_ARGS ?? '').split(/\s+/).filter(Boolean);
  const serve = ['serve', '--port', '0', '--data-dir', dataDir, '--no-sample', ...(options.args ?? []), ...extra];
  const proc = options.binary !== undefined
    ? spawnListening('isola binary', serve, { env: options.env, cwd: path.dirname(options.binary), command: options.binary })
    : spawnListening('isola server', ['--no-node-snapshot', ...(options.nodeArgs ?? []), path.join(root, 'bin', 'isola.js'), ...serve], { env: options.env, cwd: root });
  let port;
  try {
    port = await proc.port;
  } catch (err) {
    await proc.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const credentials = JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8'));
  const keep = options.keepData || options.dataDir !== undefined || process.env.BENCH_KEEP_DATA === '1';
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: proc.child.pid,
    dataDir,
    credentials,
    output: proc.output,
    exited: proc.exited,
    async stop() {
      await proc.stop();
      if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
      tempDirs.delete(dataDir);
    },
  };
}

/** Starts the raw uWS hello baseline (bench/lib/uws-hello.js). Resolves with { url, port, pid, stop() }. */
function startUwsHello() {
  return startBaseline('uWS hello baseline', 'uws-hello.js');
}

/** Starts the raw uWS WebSocket echo baseline (bench/lib/uws-echo.js). Resolves with { url, port, pid, stop() }. */
function startUwsEcho() {
  return startBaseline('uWS echo baseline', 'uws-echo.js');
}

/** Starts a raw uWS hello answered the gateway's way, one step at a time (bench/lib/uws-floor.js `variant`). */
function startUwsFloor(variant) {
  return startBaseline(`uWS floor (${variant})`, 'uws-floor.js', ['0', variant]);
}

async function startBaseline(label, script, args = []) {
  const proc = spawnListening(label, [path.join(__dirname, script), ...args]);
  let port;
  try {
    port = await proc.port;
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}/`, port, pid: proc.child.pid, stop: proc.stop, output: proc.output };
}

module.exports = { startIsola, startUwsHello, startUwsEcho, startUwsFloor, spawnListening, ROOT };
