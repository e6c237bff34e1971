'use strict';
/**
 * Subprocess runners against the isolate runtime and a raw pipe round trip (issue 12), by direct
 * executor calls in this process (no gateway, no store): what the runner itself costs.
 *
 *   raw pipe      a python3 child echoing [u32 len][0xc1][json] frames on fd 3, sequential round trips
 *   warm invoke   sequential latency p50/p99 and throughput with BENCH_CONCURRENCY calls in flight
 *                 (one instance each), echo handler: Python, Node.js process, PHP, Java (a class
 *                 compiled here with javac), Go (test/fixtures/go-function built here with go build:
 *                 it echoes when no fixture is named), custom runtime (samples/custom-python's
 *                 scf_bootstrap over the HTTP runtime API), isolate
 *   cold start    BENCH_COLD new versions each, sequential: Init Report phases and end-to-end; Java
 *                 also without its AppCDS archive (the JVM's default CDS of the JDK only), and the
 *                 start of a second instance when the pool had a pre-started spare ready
 *   idle memory   RSS and PSS per idle process instance (BENCH_IDLE instances)
 *   web functions the Express and Python samples through isola vs direct (the proxy's cost), and the
 *                 cold start of a web instance per network mode (bench/lib/web-functions.js);
 *                 `--web only` runs just these, `--web off` skips them
 *
 * The process instances run in the sandbox users get by default (`--sandbox on`, env BENCH_SANDBOX:
 * confined when this runs as root — own uid, cgroups, mount namespace); `--sandbox off` measures the
 * runners without confinement, to see what it costs. Event-function instances get their own network
 * namespace where the server would give them one (`--network auto`, env BENCH_NETWORK); `--network
 * port` keeps them on the host network, to see what the namespace adds to a cold start.
 *
 * node bench/runners.js [--sandbox on|off] [--web on|off|only] [--network auto|port]   (after npm run build; ~3–5 min)
 * BENCH_ONLY=Java,Go node bench/runners.js     only the targets whose name starts with one of these
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createProcessExecutor, createSandbox } = require('../dist/native');
const { createIsolateRuntime } = require('../dist/runtime');
const { machine, machineLine, percentile, printTable, writeResult, option, run } = require('./lib/report');
const { coldStarts, proxyCost } = require('./lib/web-functions');

const WARM_CALLS = option('--calls', 'BENCH_CALLS', 2000);
const CONCURRENCY = option('--concurrency', 'BENCH_CONCURRENCY', 8);
const COLD = option('--cold', 'BENCH_COLD', 15);
const IDLE = option('--idle', 'BENCH_IDLE', 10);
const SANDBOX = process.argv.find((a, i, all) => all[i - 1] === '--sandbox') ?? process.env.BENCH_SANDBOX ?? 'on';
if (SANDBOX !== 'on' && SANDBOX !== 'off') throw new Error(`--sandbox must be on or off, got ${JSON.stringify(SANDBOX)}`);
const WEB = process.argv.find((a, i, all) => all[i - 1] === '--web') ?? process.env.BENCH_WEB ?? 'on';
if (!['on', 'off', 'only'].includes(WEB)) throw new Error(`--web must be on, off or only, got ${JSON.stringify(WEB)}`);
const WEB_CONNECTIONS = option('--web-connections', 'BENCH_WEB_CONNECTIONS', 8);
const WEB_DURATION = option('--web-duration', 'BENCH_WEB_DURATION', 5);
const WEB_COLD = option('--web-cold', 'BENCH_WEB_COLD', 8);
const NETWORK = process.argv.find((a, i, all) => all[i - 1] === '--network') ?? process.env.BENCH_NETWORK ?? 'auto';
if (NETWORK !== 'auto' && NETWORK !== 'port') throw new Error(`--network must be auto or port, got ${JSON.stringify(NETWORK)}`);
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const wanted = (name) => ONLY.length === 0 || ONLY.some((p) => name.startsWith(p));

const ECHO_PY = 'import json, os, struct\nwhile True:\n    h = os.read(3, 4)\n    if len(h) < 4: break\n    (n,) = struct.unpack(">I", h)\n    b = b""\n    while len(b) < n: b += os.read(3, n - len(b))\n    m = json.loads(b[1:])\n    out = json.dumps(m).encode()\n    os.write(3, struct.pack(">I", len(out) + 1) + b"\\xc1" + out)\n';

/** Sequential round trips of one small frame through a python3 child on fd 3: the floor any runner pays. */
async function rawPipe(calls) {
  const child = spawn('/usr/bin/python3', ['-c', ECHO_PY], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
  const pipe = child.stdio[3];
  const frame = (obj) => {
    const body = Buffer.from(JSON.stringify(obj));
    const head = Buffer.alloc(5);
    head.writeUInt32BE(body.length + 1);
    head[4] = 0xc1;
    return Buffer.concat([head, body]);
  };
  let waiting = null;
  let buf = Buffer.alloc(0);
  pipe.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) { buf = Buffer.alloc(0); waiting(); }
  });
  const times = [];
  for (let i = 0; i < calls + 200; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise((r) => { waiting = r; pipe.write(frame({ t: 'invoke', id: i, rid: `r${i}`, event: '{"name":"bench"}', deadline: 0 })); });
    if (i >= 200) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  child.kill();
  return times;
}

/** The echo handler of each runtime (index.py / index.js / index.php otherwise). */
const HANDLER_OF = { Java11: 'bench.Echo::mainHandler', Go1: 'main' };

function specOf(dir, runtime, key) {
  return {
    key, namespace: 'default', functionName: 'bench', version: '$LATEST', runtime, type: 'Event', codeDir: dir, layerDirs: [],
    handler: HANDLER_OF[runtime] ?? 'index.main_handler', env: {}, memoryMb: 128, timeoutMs: 10_000, initTimeoutMs: 10_000, instanceConcurrency: 1,
  };
}

let rid = 0;
const call = (ex, spec) => ex.invoke({ requestId: `b${++rid}`, spec, event: '{"name":"bench"}' });

async function warm(ex, spec) {
  const first = await call(ex, spec);
  if (first.kind !== 'ok') throw new Error(`${spec.runtime}: ${first.kind} ${first.errorMessage}`);
  for (let i = 0; i < 200; i++) await call(ex, spec);
  const times = [];
  for (let i = 0; i < WARM_CALLS; i++) {
    const t0 = process.hrtime.bigint();
    await call(ex, spec);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  // Throughput: CONCURRENCY callers, each its own instance (one invocation per instance).
  let done = 0;
  const until = Date.now() + 3000;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (Date.now() < until) { await call(ex, spec); done++; } }));
  return { times, rps: done / ((Date.now() - t0) / 1000) };
}

async function cold(ex, dir, runtime, name) {
  const phases = [];
  const e2e = [];
  for (let i = 0; i < COLD; i++) {
    const t0 = performance.now();
    const o = await call(ex, specOf(dir, runtime, `cold-${name}-${i}`));
    e2e.push(performance.now() - t0);
    if (o.coldStart) phases.push(o.coldStart);
  }
  const p50 = (k) => percentile(phases.map((c) => c[k]), 50);
  return { e2eP50: percentile(e2e, 50), e2eP99: percentile(e2e, 99), totalP50: p50('totalMs'), pullP50: p50('pullCodeMs'), runtimeP50: p50('initRuntimeMs'), functionP50: p50('initFunctionMs') };
}

/**
 * What a pre-started spare buys (pool.ts): per new version, one call (a cold start), then — once
 * the pool is idle again (its spare, when it keeps one, started) — two calls at once; the slower of
 * the two is the figure: a cold start without a spare, a warm call with one.
 */
async function burstAfterFirst(ex, dir, runtime, name) {
  const slower = [];
  for (let i = 0; i < COLD; i++) {
    const spec = specOf(dir, runtime, `burst-${name}-${i}`);
    await call(ex, spec);
    const until = Date.now() + 15_000;
    // Wait for the pool to settle: with a spare, two idle instances; without, one (plus a fixed pause).
    await new Promise((r) => setTimeout(r, 500));
    while (Date.now() < until && (ex.stats().instances[spec.key]?.busy ?? 0) > 0) await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await Promise.all([call(ex, spec), call(ex, spec)]);
    slower.push(performance.now() - t0);
  }
  return { p50: percentile(slower, 50), p99: percentile(slower, 99) };
}

/** What an instance's command line holds, per runtime. */
const CMDLINE_OF = { 'Python3.9': 'python', 'Nodejs18.15': 'bootstrap.js', 'Php8.0': 'bootstrap.php', Java11: 'isola.Bootstrap', Go1: '/main', CustomRuntime: 'scf_bootstrap' };

function memoryOf(pid) {
  const rss = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
  let pss = NaN;
  try { pss = Number(/Pss:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? NaN) / 1024; } catch { /* no smaps_rollup */ }
  return { rss, pss };
}

async function idleMemory(ex, dir, runtime) {
  const specs = Array.from({ length: IDLE }, (_, i) => specOf(dir, runtime, `idle-${runtime}-${i}`));
  await Promise.all(specs.map((s) => call(ex, s)));
  const keys = new Set(specs.map((s) => s.key));
  const pids = ex.stats().processes.map((p) => p.pid);
  const mine = pids.filter((pid) => { try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(CMDLINE_OF[runtime]); } catch { return false; } });
  const m = mine.map(memoryOf);
  return { instances: keys.size, rssMb: m.reduce((a, x) => a + x.rss, 0) / m.length, pssMb: m.reduce((a, x) => a + x.pss, 0) / m.length };
}

/** The web-function rows: proxy cost (through isola vs direct) and cold start per network mode. */
async function webRows() {
  const proxy = await proxyCost({ connections: WEB_CONNECTIONS, duration: WEB_DURATION });
  printTable(['web function (GET /)', 'via isola req/s', 'p50 ms', 'p99 ms', 'direct req/s', 'p50 ms', 'p99 ms', 'isola / direct', 'errors'], proxy.map((r) => [
    r.app, r.isola.rps, r.isola.p50, r.isola.p99, r.direct.rps, r.direct.p50, r.direct.p99, r.ratio, r.isola.errors + r.direct.errors,
  ]), { digits: [0, 0, 2, 2, 0, 2, 2, 2, 0] });
  const cold = await coldStarts({ count: WEB_COLD });
  printTable(['web instance', 'network', 'cold e2e p50 ms', 'p99 ms', 'PullCode p50', 'InitRuntime p50', 'InitFunction p50', 'warm seq p50 ms', 'p99 ms', 'req/s 8 in flight'], cold.map((c) => [
    c.lang, c.network, c.e2eP50, c.e2eP99, c.pullP50, c.runtimeP50, c.functionP50, c.warmP50, c.warmP99, c.rps,
  ]), { digits: [0, 0, 1, 1, 1, 1, 1, 3, 3, 0] });
  return { connections: WEB_CONNECTIONS, duration: WEB_DURATION, proxy, cold };
}

/** The Java echo handler, compiled with javac into `dir` (bench/Echo.class). */
function buildJava(dir) {
  const src = path.join(dir, 'Echo.java');
  fs.writeFileSync(src, 'package bench;\nimport java.util.Map;\npublic class Echo {\n  public static Map<String, Object> mainHandler(Map<String, Object> event) { return Map.of("hello", event.get("name")); }\n}\n');
  execFileSync('javac', ['-d', dir, src]);
  fs.rmSync(src);
}

/** The Go echo function: test/fixtures/go-function (it echoes when no fixture file names a behaviour), as `main`. */
function buildGo(dir) {
  execFileSync('go', ['build', '-o', path.join(dir, 'main'), '-ldflags=-s -w', '.'], {
    cwd: path.join(__dirname, '..', 'test', 'fixtures', 'go-function'), env: { ...process.env, CGO_ENABLED: '0', GO111MODULE: 'off' },
  });
}

run(async () => {
  if (WEB === 'only') {
    const m = machine();
    console.log(machineLine(m));
    writeResult('runners-web', { machine: m, web: await webRows() });
    return;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-bench-runners-'));
  // The code tree and the data dir side by side: a code tree holding the data dir cannot be confined
  // (the sandbox hides the data dir inside the read-only code mount: "failed mount system call").
  const dir = path.join(root, 'code');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'index.py'), 'def main_handler(event, context):\n    return {"hello": event.get("name")}\n');
  fs.writeFileSync(path.join(dir, 'index.js'), 'exports.main_handler = async (event) => ({ hello: event.name });\n');
  // The custom runtime: the Python sample's bootstrap runs the same index.py over the runtime API.
  fs.copyFileSync(path.join(__dirname, '..', 'samples', 'custom-python', 'scf_bootstrap'), path.join(dir, 'scf_bootstrap'));
  fs.chmodSync(path.join(dir, 'scf_bootstrap'), 0o755);
  fs.writeFileSync(path.join(dir, 'index.php'), '<?php\nfunction main_handler($event, $context) { return ["hello" => $event->name]; }\n');
  buildJava(dir);
  buildGo(dir);
  const dataDir = path.join(root, 'data');
  const sandbox = createSandbox({ dataDir, enabled: SANDBOX === 'on' });
  const platform = { region: 'r', appId: '1', uin: '2' };
  const cacheDir = path.join(dataDir, 'runtimes');
  const network = NETWORK === 'port' ? { network: 'port' } : {};
  const proc = createProcessExecutor({ sandbox, platform, keepAliveMs: 600_000, cacheDir, ...network });
  // The same JVM without the AppCDS archive of the bootstrap and Gson (the JDK's own default CDS stays on).
  const noCds = createProcessExecutor({ sandbox, platform, keepAliveMs: 600_000, cacheDir, java: { classDataSharing: false }, ...network });
  const noSpares = createProcessExecutor({ sandbox, platform, keepAliveMs: 600_000, cacheDir, spares: false, ...network });
  const iso = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 600_000 });
  const m = machine();
  console.log(machineLine(m));
  console.log(`process instances: ${sandbox.describe()}`);
  console.log(`process instances: ${proc.describeNetwork()}`);
  try {
    const raw = await rawPipe(WARM_CALLS);
    const results = { rawPipe: { p50: percentile(raw, 50), p99: percentile(raw, 99) } };
    const targets = [
      ['Python', proc, 'Python3.9'], ['Node.js process', proc, 'Nodejs18.15'], ['PHP', proc, 'Php8.0'], ['Java', proc, 'Java11'],
      ['Java (no AppCDS)', noCds, 'Java11'], ['Go', proc, 'Go1'], ['custom runtime (Python)', proc, 'CustomRuntime'], ['isolate', iso, 'Isolate'],
    ].filter(([name]) => wanted(name));
    for (const [name, ex, runtime] of targets) {
      const w = await warm(ex, specOf(dir, runtime, `warm-${name}`));
      const c = await cold(ex, dir, runtime, name);
      const idle = ex === proc ? await idleMemory(ex, dir, runtime) : null;
      results[name] = { p50: percentile(w.times, 50), p99: percentile(w.times, 99), rps: w.rps, cold: c, idle };
    }
    if (wanted('Java')) {
      // Java keeps one spare per version with traffic; the same burst without spares for comparison.
      results.javaBurst = { withSpare: await burstAfterFirst(proc, dir, 'Java11', 'spare'), noSpare: await burstAfterFirst(noSpares, dir, 'Java11', 'nospare') };
      console.log('\nJava: two calls at once after the first (the slower one), per new version:');
      printTable(['pool', 'p50 ms', 'p99 ms'], [
        ['one pre-started spare (default)', results.javaBurst.withSpare.p50, results.javaBurst.withSpare.p99],
        ['no spare (spares: false)', results.javaBurst.noSpare.p50, results.javaBurst.noSpare.p99],
      ], { digits: [0, 1, 1] });
      console.log('');
    }
    const rawP50 = results.rawPipe.p50;
    printTable(['target', 'warm p50 ms', 'p99 ms', 'over raw pipe µs (p50)', `req/s c=${CONCURRENCY}`, 'cold e2e p50 ms', 'cold p99 ms', 'InitRuntime p50', 'InitFunction p50', 'idle RSS MB', 'idle PSS MB'], [
      ['raw pipe (python3, fd 3)', rawP50, results.rawPipe.p99, 0, '', '', '', '', '', '', ''],
      ...targets.map(([name]) => {
        const r = results[name];
        return [name, r.p50, r.p99, (r.p50 - rawP50) * 1000, r.rps, r.cold.e2eP50, r.cold.e2eP99, r.cold.runtimeP50, r.cold.functionP50, r.idle ? r.idle.rssMb : name === 'isolate' ? 'see runtime/README' : '', r.idle ? r.idle.pssMb : ''];
      }),
    ], { digits: [0, 3, 3, 0, 0, 1, 1, 1, 1, 1, 1] });
    const web = WEB === 'on' ? await webRows() : null;
    writeResult('runners', { machine: m, calls: WARM_CALLS, concurrency: CONCURRENCY, cold: COLD, idle: IDLE, sandbox: SANDBOX, results, web });
  } finally {
    proc.destroy();
    noCds.destroy();
    noSpares.destroy();
    iso.destroy();
    await proc.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
