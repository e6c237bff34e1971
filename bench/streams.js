#!/usr/bin/env node
'use strict';
/**
 * Stream throughput inside an isolate (the web globals alone, as bench/sandbox-install.js
 * installs them): 32 MiB in 16 KiB chunks through
 *   1. a default ReadableStream → pipeThrough(new TransformStream()) → a default reader;
 *   2. a byte stream (type: 'bytes') → the same pipe;
 *   3. a Response body (a byte stream of one 32 MiB chunk) read to the end by a default reader;
 *   4. a byte stream read by a BYOB reader into one reused 64 KiB buffer (where supported).
 * `--root DIR` runs another checkout's dist/ and runtime/sandbox/ (built), to compare two trees
 * in the same run. Reports the median of the rounds, MB/s.
 */
const path = require('node:path');
const { option, wantsHelp, run, printTable } = require('./lib/report');

const USAGE = `
node --no-node-snapshot bench/streams.js [--rounds n] [--root dir]

  --rounds  runs of each case (env BENCH_ROUNDS, default 7)
  --root    a checkout whose dist/ (built) to load (env BENCH_ROOT, default this one)
`;

const MiB = 1024 * 1024;
const CASES = {
  'default stream → TransformStream → reader': `async () => {
    let left = 2048;
    const rs = new ReadableStream({ pull(c) { if (left-- === 0) c.close(); else c.enqueue(new Uint8Array(16384)); } });
    const r = rs.pipeThrough(new TransformStream()).getReader();
    let n = 0; for (;;) { const { value, done } = await r.read(); if (done) return n; n += value.byteLength; }
  }`,
  'byte stream → TransformStream → reader': `async () => {
    let left = 2048;
    const rs = new ReadableStream({ type: 'bytes', pull(c) { if (left-- === 0) { c.close(); if (c.byobRequest) c.byobRequest.respond(0); } else c.enqueue(new Uint8Array(16384)); } });
    const r = rs.pipeThrough(new TransformStream()).getReader();
    let n = 0; for (;;) { const { value, done } = await r.read(); if (done) return n; n += value.byteLength; }
  }`,
  'Response body (32 MiB) → reader': `async () => {
    const r = new Response(new Uint8Array(${32 * MiB})).body.getReader();
    let n = 0; for (;;) { const { value, done } = await r.read(); if (done) return n; n += value.byteLength; }
  }`,
  'byte stream → BYOB reader (64 KiB buffer)': `async () => {
    let left = 2048;
    const rs = new ReadableStream({ type: 'bytes', pull(c) { if (left-- === 0) { c.close(); if (c.byobRequest) c.byobRequest.respond(0); } else c.enqueue(new Uint8Array(16384)); } });
    let r; try { r = rs.getReader({ mode: 'byob' }); } catch { return -1; }
    let buffer = new ArrayBuffer(65536);
    let n = 0; for (;;) { const { value, done } = await r.read(new Uint8Array(buffer)); if (done) return n; n += value.byteLength; buffer = value.buffer; }
  }`,
};

async function main() {
  if (wantsHelp(USAGE)) return;
  const rounds = option('rounds', 'BENCH_ROUNDS', 7, 'int');
  const root = path.resolve(option('root', 'BENCH_ROOT', path.join(__dirname, '..'), 'string'));
  // The tree's own isolated-vm: two copies of the native module in one process abort it.
  const ivm = require(require.resolve('isolated-vm', { paths: [root] }));
  const { SandboxSources } = require(path.join(root, 'dist/runtime/host/sandbox'));
  const sources = SandboxSources.load();
  const rows = [];
  for (const [name, code] of Object.entries(CASES)) {
    const ms = [];
    let bytes = 0;
    for (let i = 0; i < rounds; i++) {
      const isolate = new ivm.Isolate({ memoryLimit: 256 });
      const context = isolate.createContextSync();
      sources.install(isolate, context, 'web').release();
      const t0 = process.hrtime.bigint();
      bytes = await context.evalClosure(`return (${code})()`, [], { result: { promise: true }, timeout: 60_000 });
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      context.release();
      isolate.dispose();
    }
    ms.sort((a, b) => a - b);
    const median = ms[Math.floor(ms.length / 2)];
    rows.push([name, bytes < 0 ? 'unsupported' : median.toFixed(1), bytes < 0 ? '-' : (bytes / MiB / (median / 1000)).toFixed(0)]);
  }
  console.log(`tree: ${root}`);
  printTable(['32 MiB in an isolate', 'median ms', 'MiB/s'], rows);
}

run(main);
