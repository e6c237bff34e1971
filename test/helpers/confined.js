'use strict';
// Driving native/sandbox directly: a sandbox on a temp data dir holding what a server keeps
// there (credentials.json, an SQLite file, two functions' code, layers), and confined
// instances spawned as the process executor would (env and stdio added by the caller).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { createSandbox } = require('../../dist/native');

const PYTHON = '/usr/bin/python3';
const root = process.getuid() === 0;
/** Pass as a test's options: the sandbox's isolation needs root. */
const needsRoot = { skip: !root && 'the full sandbox needs root (uids, cgroups, mount namespaces)' };

/** A data dir laid out like a server's, and a sandbox on it (its instances disposed at teardown). */
function sandboxOn(t, options = {}) {
  let dataDir = t.testdir({
    'credentials.json': '{"secretId":"AKID-secret","secretKey":"very-secret"}',
    'isola.db': 'SQLite format 3\0',
    code: {
      fn1: { 'index.py': 'VALUE = "fn1"\n' },
      fn2: { 'index.py': 'VALUE = "fn2 private code"\n' },
    },
    layers: {
      base: { 'shared.txt': 'from base', 'only-base.txt': 'base only', lib: { 'a.txt': 'base a' } },
      top: { 'shared.txt': 'from top', lib: { 'b.txt': 'top b' } },
    },
  });
  // A data dir under /tmp shows its first path component in every instance's private /tmp (the
  // code root keeps its host path: native/sandbox/README.md), which the tests listing /tmp would
  // count; a checkout under /tmp therefore keeps this data dir in the home directory instead.
  if (dataDir.startsWith('/tmp/')) {
    const elsewhere = fs.mkdtempSync(path.join(os.homedir(), '.isola-sandbox-test-'));
    fs.cpSync(dataDir, elsewhere, { recursive: true });
    t.teardown(() => fs.rmSync(elsewhere, { recursive: true, force: true }));
    dataDir = elsewhere;
  }
  // What the server writes is world-readable by default: the sandbox, not the mode, must keep it out.
  for (const f of ['credentials.json', 'isola.db']) fs.chmodSync(path.join(dataDir, f), 0o644);
  const sandbox = createSandbox({ dataDir, ...options });
  return { sandbox, dataDir };
}

const LIMITS = { memoryMb: 128, pids: 32, openFiles: 256, tmpMb: 16 };

/** Confines `command args` for function `fn` (code/<fn>); disposed at `t`'s teardown. */
async function confine(t, { sandbox, dataDir }, { id, fn = 'fn1', layers = [], limits = {}, command = PYTHON, args = [] }) {
  const instance = await sandbox.confine({
    instanceId: id,
    codeDir: path.join(dataDir, 'code', fn),
    layerDirs: layers.map((l) => path.join(dataDir, 'layers', l)),
    limits: { ...LIMITS, ...limits },
    command,
    args,
  });
  t.teardown(() => instance.dispose());
  return instance;
}

/** Spawns the confined command as the executor would; `fd3` adds a pipe on fd 3. */
function start(instance, { fd3 = false, env = {} } = {}) {
  const child = spawn(instance.command, instance.args, {
    cwd: instance.cwd,
    env: { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe', ...(fd3 ? ['pipe'] : [])],
  });
  const out = { stdout: '', stderr: '', fd3: '' };
  child.stdout.on('data', (c) => { out.stdout += c; });
  child.stderr.on('data', (c) => { out.stderr += c; });
  if (fd3) child.stdio[3].on('data', (c) => { out.fd3 += c; });
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, pid: child.pid, ...out })));
  return { child, out, exited };
}

/** Runs a Python program confined to completion: { code, signal, stdout, stderr, json } (json: the last stdout line parsed). */
async function runPython(t, box, spec, program, opts) {
  const instance = await confine(t, box, { ...spec, args: ['-c', program] });
  const result = await start(instance, opts).exited;
  const last = result.stdout.trim().split('\n').pop();
  let json;
  try { json = JSON.parse(last); } catch { json = undefined; }
  return { instance, ...result, json };
}

/** Resolves once `cond()` holds (polling), or rejects after `ms`. */
async function until(cond, ms = 5000) {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether a process runs (a zombie does not). */
function running(pid) {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The pids running under `uid`. */
function pidsOfUid(uid) {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).filter((pid) => {
    try { return new RegExp(`^Uid:\\s+${uid}\\s`, 'm').test(fs.readFileSync(`/proc/${pid}/status`, 'utf8')); } catch { return false; }
  }).map(Number).filter(running);
}

/** The instance's cgroup directories (from its launcher arguments: the cgroup.procs files it joins). */
function cgroupDirsOf(instance) {
  return instance.args.filter((a) => a.endsWith('/cgroup.procs')).map((f) => path.dirname(f));
}

module.exports = { PYTHON, root, needsRoot, sandboxOn, confine, start, runPython, until, running, pidsOfUid, cgroupDirsOf, LIMITS };
