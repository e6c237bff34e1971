'use strict';
// The single executable (issue 17) on a machine with nothing but the file:
// `npm run build:binary`'s build into a temp dir, the binary copied alone
// into an empty dir (no node_modules, no source tree) and run with a PATH
// that holds no node. `./isola serve` answers, `./isola deploy` and
// `./isola invoke` work for an isolate, a Node.js and a Python function, the
// web sample answers over HTTP; stopped and started again, the function is
// still there and the addons and runtime files written at the first start
// are reused, not written again. The slowest test of the suite (the build
// takes ~25 s of it).
const t = require('tap');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runCommand } = require('./helpers/cli');

const ROOT = path.resolve(__dirname, '..');

/** A missing prerequisite: a failure in CI, a skip elsewhere. */
function missing(why) {
  if (process.env.CI) t.fail(`cannot test the single executable: ${why}`);
  else t.skip(`cannot test the single executable: ${why}`);
}

/** A PATH dir holding every command of /usr/bin and /bin but node's (as a machine without Node.js would). */
function pathWithoutNode(dir) {
  fs.mkdirSync(dir, { mode: 0o755 });
  for (const bin of ['/usr/bin', '/bin']) {
    for (const name of fs.readdirSync(bin)) {
      if (/^(node|nodejs|npm|npx|corepack)$/.test(name) || fs.existsSync(path.join(dir, name))) continue;
      fs.symlinkSync(path.join(bin, name), path.join(dir, name));
    }
  }
  return dir;
}

/** Runs `./isola <args>` in `cwd` with exactly `env`; resolves { code, stdout, stderr }. */
const run = (cwd, env, args) => runCommand('./isola', args, { cwd, env });

/** `./isola serve --port 0` in `cwd`; resolves once it listens, with its port, output and a stop(). */
async function serve(t, cwd, env) {
  const started = Date.now();
  const child = spawn('./isola', ['serve', '--port', '0'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };
  t.teardown(stop);
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`./isola serve did not listen in 30 s:\n${output}`)), 30_000);
    child.stdout.on('data', () => {
      const m = /listening on http:\/\/[^\s]*:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`./isola serve exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return { port, startMs: Date.now() - started, output: () => output, stop };
}

/** Every file under `dir` with its inode and mtime: a rewritten file gets a new inode (temp name, then rename). */
function snapshot(dir) {
  const files = {};
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const st = fs.statSync(full);
        files[path.relative(dir, full)] = `${st.ino}:${st.mtimeMs}`;
      }
    }
  };
  walk(dir);
  return files;
}

const FUNCTIONS = {
  'iso-fn': { runtime: 'Isolate', file: 'index.js', code: "exports.main_handler = async (event) => ({ runtime: 'isolate', name: event.name });\n" },
  'node-fn': {
    runtime: 'Nodejs18.15',
    // Its own NODE_OPTIONS asks for a bigger heap: it sees exactly that value, and the platform's limit still wins.
    env: ['--env', 'NODE_OPTIONS=--max-old-space-size=600'],
    file: 'index.js',
    code: "exports.main_handler = async (event) => ({ runtime: 'nodejs', node: process.version, nodeOptions: process.env.NODE_OPTIONS ?? null, heapMb: Math.round(require('node:v8').getHeapStatistics().heap_size_limit / 1048576), name: event.name });\n",
  },
  'py-fn': { runtime: 'Python3.9', file: 'index.py', code: "def main_handler(event, context):\n    return {'runtime': 'python', 'name': event['name']}\n" },
};

t.test('the binary alone, without node or node_modules, serves, deploys, invokes and restarts', async (t) => {
  if (process.platform !== 'linux' || process.arch !== 'x64') return missing(`the binary is built for linux-x64 (this is ${process.platform}-${process.arch})`);
  if (!fs.existsSync('/usr/bin/python3')) return missing('/usr/bin/python3 (the Python runtime) is not installed');
  const began = Date.now();
  // Readable by every uid: the sandbox runs each function instance under its own.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-binary-'));
  fs.chmodSync(tmp, 0o755);
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const built = path.join(tmp, 'build', 'isola');
  const build = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'build-binary.js'), '--out', built], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  t.equal(build.status, 0, `build-binary.js builds the binary: ${build.stdout}${build.stderr.split('\n').filter((l) => !/string offset for section/.test(l)).join('\n')}`);
  if (build.status !== 0) return;
  const buildMs = Date.now() - began;

  const home = path.join(tmp, 'run');
  fs.mkdirSync(home, { mode: 0o755 });
  fs.copyFileSync(built, path.join(home, 'isola'));
  fs.chmodSync(path.join(home, 'isola'), 0o755);
  fs.rmSync(path.join(tmp, 'build'), { recursive: true, force: true });
  t.same(fs.readdirSync(home), ['isola'], 'the run dir holds the binary alone');
  // Nothing of this process's environment: no NODE_OPTIONS (tap's loaders), no NODE_PATH, no node on PATH.
  const env = { PATH: pathWithoutNode(path.join(tmp, 'path')), HOME: home, LANG: 'C.UTF-8' };
  const which = spawnSync('/bin/sh', ['-c', 'command -v node || echo none'], { env, encoding: 'utf8' });
  t.equal(which.stdout.trim(), 'none', 'no node on the PATH the binary runs with');

  const first = await serve(t, home, env);
  const api = ['--endpoint', `127.0.0.1:${first.port}`];
  const cache = path.join(home, '.isola', 'cache');
  t.ok(fs.existsSync(cache), 'the first start wrote its addons and runtime files under the data dir');

  for (const [name, fn] of Object.entries(FUNCTIONS)) {
    const dir = path.join(home, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, fn.file), fn.code);
    const deployed = await run(home, env, ['deploy', name, '--runtime', fn.runtime, ...(fn.env ?? []), ...api]);
    t.equal(deployed.code, 0, `./isola deploy ${name} (${fn.runtime}): ${deployed.stdout}${deployed.stderr}`);
    const invoked = await run(home, env, ['invoke', name, '--event', JSON.stringify({ name }), ...api]);
    t.equal(invoked.code, 0, `./isola invoke ${name}: ${invoked.stderr}`);
    const result = JSON.parse(invoked.stdout || 'null');
    t.match(result, { runtime: fn.runtime === 'Isolate' ? 'isolate' : fn.runtime.startsWith('Node') ? 'nodejs' : 'python', name }, `${name} ran and answered`);
    if (name === 'node-fn') {
      // The binary acting as node: the function's memory as its heap limit, and no NODE_OPTIONS of the platform's in sight.
      t.equal(result.node, process.version, 'the Node.js runtime is the binary\'s own Node.js');
      t.equal(result.nodeOptions, '--max-old-space-size=600', 'the function sees its own NODE_OPTIONS, nothing added');
      t.ok(result.heapMb >= 128 && result.heapMb < 200, `the heap limit is the function's memory (128 MB), not its NODE_OPTIONS' 600 MB: ${result.heapMb} MB`);
    }
  }

  const web = await fetch(`http://127.0.0.1:${first.port}/default/hello-web/?name=binary`);
  t.equal(web.status, 200, 'the web sample answers over HTTP');
  t.equal(await web.text(), 'Hello, binary!\n');

  t.same(await first.stop(), { code: 0, signal: null }, 'SIGTERM stops the server cleanly');
  const before = snapshot(cache);
  t.ok(Object.keys(before).some((f) => f.endsWith('isolated_vm.node')), 'isolated-vm was written to the cache');
  t.ok(Object.keys(before).some((f) => f.endsWith('bootstrap.py')), 'the Python bootstrap was written to the cache');

  const second = await serve(t, home, env);
  const again = await run(home, env, ['invoke', 'iso-fn', '--event', '{"name":"again"}', '--endpoint', `127.0.0.1:${second.port}`]);
  t.equal(again.code, 0, `the function deployed before the restart is still there: ${again.stderr}`);
  t.same(JSON.parse(again.stdout || 'null'), { runtime: 'isolate', name: 'again' });
  const py = await run(home, env, ['invoke', 'py-fn', '--event', '{"name":"again"}', '--endpoint', `127.0.0.1:${second.port}`]);
  t.equal(py.code, 0, `the Python function runs after the restart: ${py.stderr}`);
  t.same(snapshot(cache), before, 'the second start reused the cache: no file written again, none added');
  t.same(await second.stop(), { code: 0, signal: null });
  t.comment(`build ${(buildMs / 1000).toFixed(1)} s; first start ${first.startMs} ms, second ${second.startMs} ms; whole test ${((Date.now() - began) / 1000).toFixed(1)} s`);
});
