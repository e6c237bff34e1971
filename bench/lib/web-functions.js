'use strict';
/**
 * Web functions on subprocess runtimes, for bench/runners.js (issue 16):
 *
 *   proxy cost   the Express sample (samples/web-express, GET /) and the Python http.server sample
 *                (samples/web-python, GET /) deployed with `isola deploy` and loaded through a real
 *                isola server (gateway → web executor → the instance's port 9000), against the same
 *                app started directly on a free port (node app.js / python3 app.py with PORT): req/s,
 *                latency and the ratio. One instance each (--concurrency = the connections), so both
 *                sides serve from one process.
 *   cold start   new web-function versions started one after another by the web executor, with
 *                each network mode this host offers: 'namespace' (own netns + slirp4netns, as root)
 *                and 'port' (host network, PORT): the Init Report phases — what a namespace adds;
 *                then WARM_SEQUENTIAL sequential requests to one warm instance (executor-level,
 *                no gateway): what the slirp4netns hop adds per request.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createSandbox, createWebExecutor, detectNetworkMode } = require('../../dist/native');
const { runLoad } = require('./load');
const { percentile } = require('./report');
const { stageSample } = require('./samples');
const { startIsola } = require('./servers');

const ROOT = path.resolve(__dirname, '..', '..');
/** Sequential warm requests per language and network mode. */
const WARM_SEQUENTIAL = 300;
/** Requests in flight for the executor-level throughput (one instance with that many slots), for 3 s. */
const IN_FLIGHT = 8;

/** Requests per second through the web executor alone (no gateway): IN_FLIGHT callers on one instance. */
async function throughput(ex, spec) {
  const one = () => ex.serveHttp({ requestId: 't', spec, request: { method: 'GET', url: 'http://b/', headers: [['host', 'b']], body: null } }, nullSink());
  await one();
  let done = 0;
  const t0 = Date.now();
  const until = t0 + 3000;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (Date.now() < until) {
      const o = await one();
      if (o.kind !== 'ok') throw new Error(`throughput: ${o.kind} ${o.errorMessage}`);
      done++;
    }
  }));
  return done / ((Date.now() - t0) / 1000);
}

function execCli(server, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'isola.js'), ...args, '--endpoint', `127.0.0.1:${server.port}`, '--data-dir', server.dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`isola ${args.join(' ')} failed:\n${out}`))));
  });
}

/** Starts `command` in `cwd` with PORT set, resolves { url, stop() } once the port answers. */
async function startDirect(command, args, cwd) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(command, args, { cwd, env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { url, stop: () => child.kill('SIGKILL') };
}

/** Proxy cost rows: each sample through isola and direct. */
async function proxyCost({ connections, duration }) {
  const server = await startIsola();
  const express = stageSample('web-express', ['express', 'ws']);
  const python = stageSample('web-python');
  const rows = [];
  try {
    const apps = [
      { name: 'Express', fn: 'web-express', dir: express.dir, runtime: 'Nodejs18.15', direct: ['node', ['app.js']], verify: (b) => b.includes('"hello":"express"') },
      { name: 'Python http.server', fn: 'web-python', dir: python.dir, runtime: 'Python3.9', direct: ['/usr/bin/python3', ['app.py']], verify: (b) => b.includes('"hello": "python"') },
    ];
    for (const app of apps) {
      await execCli(server, ['deploy', app.dir, '--name', app.fn, '--runtime', app.runtime, '--type', 'HTTP', '--concurrency', String(Math.max(2, connections)), '--timeout', '30']);
      const viaIsola = `${server.url}/default/${app.fn}/`;
      await fetch(viaIsola).then((r) => r.text());
      const direct = await startDirect(app.direct[0], app.direct[1], app.dir);
      try {
        // A short warm-up of each, then the measured runs.
        await runLoad({ url: viaIsola, connections, duration: 1 });
        await runLoad({ url: direct.url, connections, duration: 1 });
        const through = await runLoad({ url: viaIsola, connections, duration, verifyBody: app.verify });
        const plain = await runLoad({ url: direct.url, connections, duration, verifyBody: app.verify });
        rows.push({ app: app.name, isola: through, direct: plain, ratio: through.rps / plain.rps });
      } finally {
        direct.stop();
      }
    }
  } finally {
    await server.stop();
    express.remove();
    python.remove();
  }
  return rows;
}

const NODE_APP = "require('http').createServer((q, r) => r.end('hi')).listen(9000);\n";
const PY_APP = 'from http.server import BaseHTTPRequestHandler, HTTPServer\nclass H(BaseHTTPRequestHandler):\n    def do_GET(self):\n        self.send_response(200); self.end_headers(); self.wfile.write(b"hi")\nHTTPServer(("0.0.0.0", 9000), H).serve_forever()\n';

/** Cold starts of a minimal Node.js and Python web server in each network mode this host offers. */
async function coldStarts({ count }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-bench-web-'));
  const out = [];
  try {
    const sandbox = createSandbox({ dataDir: path.join(dir, 'data') });
    const modes = detectNetworkMode(sandbox.privileged).mode === 'namespace' ? ['namespace', 'port'] : ['port'];
    const code = {
      node: { 'app.js': NODE_APP, scf_bootstrap: '#!/bin/sh\nexec node app.js\n' },
      python: { 'app.py': PY_APP, scf_bootstrap: '#!/bin/sh\nexec python3 app.py\n' },
    };
    for (const [lang, files] of Object.entries(code)) {
      const codeDir = path.join(dir, lang);
      fs.mkdirSync(codeDir);
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(codeDir, name), text, { mode: name === 'scf_bootstrap' ? 0o755 : 0o644 });
      for (const network of modes) {
        // In port mode the app must read PORT: the same app, told to.
        if (network === 'port') fs.writeFileSync(path.join(codeDir, files['app.js'] ? 'app.js' : 'app.py'), (files['app.js'] ?? files['app.py']).replace('9000', lang === 'node' ? 'Number(process.env.PORT)' : 'int(__import__("os").environ["PORT"])'));
        else fs.writeFileSync(path.join(codeDir, files['app.js'] ? 'app.js' : 'app.py'), files['app.js'] ?? files['app.py']);
        const ex = createWebExecutor({ sandbox, platform: { region: 'r', appId: '1', uin: '2' }, keepAliveMs: 600_000, network });
        const phases = [];
        const e2e = [];
        const warm = [];
        let rps = 0;
        try {
          for (let i = 0; i < count; i++) {
            const spec = ex.prepare({
              key: `cold-${lang}-${network}-${i}`, namespace: 'default', functionName: 'bench', version: '$LATEST', runtime: lang === 'node' ? 'Nodejs18.15' : 'Python3.9', type: 'HTTP',
              codeDir, layerDirs: [], handler: '', env: {}, memoryMb: 128, timeoutMs: 10_000, initTimeoutMs: 10_000, instanceConcurrency: 1,
            });
            const t0 = performance.now();
            const o = await ex.serveHttp({ requestId: `c${i}`, spec, request: { method: 'GET', url: 'http://b/', headers: [['host', 'b']], body: null } }, nullSink());
            e2e.push(performance.now() - t0);
            if (o.kind !== 'ok') throw new Error(`cold start ${lang}/${network}: ${o.kind} ${o.errorMessage}`);
            phases.push(o.coldStart);
            if (i === count - 1) {
              for (let j = 0; j < WARM_SEQUENTIAL + 50; j++) {
                const w0 = performance.now();
                await ex.serveHttp({ requestId: `w${j}`, spec, request: { method: 'GET', url: 'http://b/', headers: [['host', 'b']], body: null } }, nullSink());
                if (j >= 50) warm.push(performance.now() - w0);
              }
              rps = await throughput(ex, { ...spec, key: `${spec.key}-c${IN_FLIGHT}`, instanceConcurrency: IN_FLIGHT });
            }
          }
        } finally {
          await ex.close();
        }
        const p50 = (k) => percentile(phases.map((c) => c[k]), 50);
        out.push({ lang, network, rps, warmP50: percentile(warm, 50), warmP99: percentile(warm, 99), e2eP50: percentile(e2e, 50), e2eP99: percentile(e2e, 99), pullP50: p50('pullCodeMs'), runtimeP50: p50('initRuntimeMs'), functionP50: p50('initFunctionMs'), totalP50: p50('totalMs') });
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

function nullSink() {
  return { start() {}, write() { return true; }, drained: () => Promise.resolve(), end() {}, abort() {} };
}

module.exports = { proxyCost, coldStarts };
