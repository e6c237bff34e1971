'use strict';
/**
 * workerd (Cloudflare's Workers runtime, npm package `workerd`) serving the
 * same module file as an isola web function: the comparison a user makes.
 *
 * Not a devDependency: its binary is 160 MB, and only this bench needs it.
 * The bench installs the pinned version on first use into
 * `bench/.workerd/` (git-ignored) with npm (`npm install --prefix`), and
 * reuses it after. `BENCH_WORKERD` names another binary instead.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const VERSION = '1.20261117.1';
const PREFIX = path.resolve(__dirname, '..', '.workerd');
const BINARY = path.join(PREFIX, 'node_modules', '@cloudflare', `workerd-${process.platform}-${process.arch === 'x64' ? '64' : process.arch}`, 'bin', 'workerd');

/** The workerd binary: BENCH_WORKERD, else the bench's own copy, installed now if missing. Throws when npm cannot install it. */
function workerdBinary() {
  if (process.env.BENCH_WORKERD) return process.env.BENCH_WORKERD;
  if (!fs.existsSync(BINARY)) {
    console.log(`installing workerd@${VERSION} into ${path.relative(process.cwd(), PREFIX)}/ (first use; ~40 MB download)`);
    fs.mkdirSync(PREFIX, { recursive: true });
    fs.writeFileSync(path.join(PREFIX, 'package.json'), JSON.stringify({ private: true, description: 'workerd for bench/http.js (git-ignored)' }) + '\n');
    // --ignore-scripts: the package's postinstall only re-checks the binary the platform package already holds.
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', PREFIX, `workerd@${VERSION}`], { stdio: 'inherit' });
    if (!fs.existsSync(BINARY)) throw new Error(`npm installed workerd but ${BINARY} is missing (platform ${process.platform}-${process.arch} not supported?)`);
  }
  return BINARY;
}

/** A free TCP port on 127.0.0.1 (workerd takes its address from its config; it cannot report a port 0 back simply). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts workerd serving `source` (an ES module with a default `fetch`
 * export) on 127.0.0.1. Resolves with { url, port, pid, version, stop() }
 * once it answers HTTP.
 */
async function startWorkerd(source) {
  const binary = workerdBinary();
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-bench-workerd-'));
  fs.writeFileSync(path.join(dir, 'index.mjs'), source);
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "index.mjs", esModule = embed "index.mjs") ],
  compatibilityDate = "2024-09-23",
);
`,
  );
  const child = spawn(binary, ['serve', path.join(dir, 'config.capnp')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const kill = () => child.kill('SIGKILL');
  process.on('exit', kill);
  const stop = async () => {
    process.off('exit', kill);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}/`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`workerd exited (${child.exitCode}) before answering:\n${output}`);
    }
    try {
      await fetch(url);
      break;
    } catch {
      if (Date.now() > until) {
        await stop();
        throw new Error(`workerd did not answer on ${url} within 30 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { url, port, pid: child.pid, version, stop };
}

module.exports = { startWorkerd, workerdBinary, WORKERD_VERSION: VERSION };
