'use strict';
// Starts a real isola server (the `isola serve` command, as a user runs it)
// on a free port with a temp data dir, and gives an SDK client for it.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const scf = require('tencentcloud-sdk-nodejs-scf');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'isola.js');

/**
 * Spawns `node --no-node-snapshot bin/isola.js serve --port 0` and resolves
 * once it prints its address. `t.teardown` stops it (SIGTERM, then SIGKILL).
 * Options: dataDir (reuse one), env, args, sample (deploy the sample function; off by default).
 */
async function startServer(t, options = {}) {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'isola-test-'));
  const child = spawn(process.execPath, ['--no-node-snapshot', BIN, 'serve', '--port', '0', '--data-dir', dataDir, ...(options.sample ? [] : ['--no-sample']), ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20s:\n${output}`)), 20_000);
    const onData = () => {
      const m = /listening on http:\/\/[^\s]*:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  const credentials = JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8'));
  const server = {
    port,
    dataDir,
    child,
    credentials,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    /** An official SDK client for this server (optionally with other credentials). */
    client(opts = {}) {
      return new scf.scf.v20180416.Client({
        credential: { secretId: opts.secretId ?? credentials.SecretId, secretKey: opts.secretKey ?? credentials.SecretKey },
        region: 'ap-guangzhou',
        profile: { httpProfile: { protocol: 'http://', endpoint: `127.0.0.1:${port}`, reqTimeout: 60 } },
      });
    },
    /** SIGKILL, as a crash would. */
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  t.teardown(async () => {
    await server.stop();
    // A platform fault answered as InternalError is logged with its stack
    // only in the server's output: show it, so a failure under CI says why.
    for (const m of output.matchAll(/^.*internal error:[\s\S]*?(?=\n\S|(?![\s\S]))/gm)) process.stderr.write(`[server ${port}] ${m[0]}\n`);
  });
  return server;
}

/** Expects `promise` (an SDK call) to reject with the API error `code`; returns the error. */
async function expectApiError(t, promise, code, message) {
  try {
    await promise;
  } catch (err) {
    t.equal(err.code, code, message ?? `error code ${code}`);
    return err;
  }
  t.fail(`${message ?? code}: expected the call to fail with ${code}, it succeeded`);
  return undefined;
}

/**
 * A temp data directory kept across restarts (removed at teardown) and a
 * config file of `settings` beside it; returns { dataDir, args } for startServer.
 */
function persistentServer(t, settings, args = []) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-test-'));
  const configFile = `${dataDir}.json`;
  fs.writeFileSync(configFile, JSON.stringify(settings));
  t.teardown(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(configFile, { force: true });
  });
  return { dataDir, args: ['--config', configFile, ...args] };
}

module.exports = { startServer, expectApiError, persistentServer, ROOT, BIN };
