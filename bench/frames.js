#!/usr/bin/env node
'use strict';
/**
 * CPU per frame of the runtime's hot frames (runtime/hot-frames.ts) against
 * the msgpack they replace (native/supervision/frames.ts packs everything
 * else with these msgpackr options): encode into a frame buffer, then decode,
 * in one loop, µs of process CPU per frame. No I/O and no second process, so
 * it resolves a difference of a fraction of a µs that the end-to-end benches
 * (bench/ws.js, bench/http.js) cannot on a loaded machine. Rounds alternate
 * the two codecs; the summary is the median per frame type.
 */
const path = require('node:path');
const { Packr, Unpackr } = require('msgpackr');
const { median, printTable, option, wantsHelp, run } = require('./lib/report');

const USAGE = `
node bench/frames.js [--frames n] [--rounds n]

  --frames  frames per codec, type and round (default 300000)
  --rounds  rounds (default 5)
`;

const ID = 'a1b2c3d4-e5f6-47a8-9b0c-d1e2f3a4b5c6';
/** One frame of each hot type as the gateway and hosts send them (a short text WebSocket message, the hello request and answer). */
const FRAMES = {
  wsmsg: { t: 'wsmsg', id: ID, d: 'hello world' },
  wssend: { t: 'wssend', id: ID, d: 'hello world' },
  'wsmsg binary': { t: 'wsmsg', id: ID, d: new Uint8Array(64) },
  http: { t: 'http', id: ID, k: 'default/hello/$LATEST', m: 'GET', u: 'http://127.0.0.1:9000/default/hello/', h: '[["host","127.0.0.1:9000"],["user-agent","wrk"]]', b: null, s: false },
  hfinal: { t: 'hfinal', id: ID, s: 200, h: '[["content-type","text/plain;charset=UTF-8"]]', b: new Uint8Array([104, 101, 108, 108, 111]), outcome: { kind: 'ok', logs: [], durationMs: 0.2, memUsageBytes: 1048576, instanceId: 'i-1' } },
};

function space() {
  return { buf: Buffer.allocUnsafe(1 << 20), len: 0, ensure(n) { if (this.len + n > this.buf.length) this.len = 0; } };
}

/** µs of CPU per frame: encode + decode `n` copies of `msg`. */
function perFrame(n, msg, encode, decode) {
  const out = space();
  let check = 0;
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    out.ensure(4096);
    const start = out.len;
    encode(msg, out);
    check += decode(out.buf, start + 4, out.len).t.length;
  }
  const t = process.cpuUsage(t0);
  if (check !== n * msg.t.length) throw new Error('a frame did not read back');
  return (t.user + t.system) / n;
}

async function main() {
  if (wantsHelp(USAGE)) return;
  const frames = option('frames', 'BENCH_FRAMES', 300_000, 'int');
  const rounds = option('rounds', 'BENCH_ROUNDS', 5, 'int');
  const { writeHot, decodeHot } = require(path.join(__dirname, '..', 'dist', 'runtime', 'hot-frames'));
  const packr = new Packr({ useRecords: false, moreTypes: false });
  const unpackr = new Unpackr({ useRecords: false, moreTypes: false });
  const msgpack = {
    encode(msg, out) {
      const body = packr.pack(msg);
      out.ensure(4 + body.length);
      out.buf.writeUInt32BE(body.length, out.len);
      body.copy(out.buf, out.len + 4);
      out.len += 4 + body.length;
    },
    decode: (buf, start, end) => unpackr.unpack(buf.subarray(start, end)),
  };
  const hot = {
    encode(msg, out) {
      if (!writeHot(msg, out)) throw new Error(`${msg.t} is not a hot frame`);
    },
    decode: decodeHot,
  };
  const rows = [];
  for (const [name, msg] of Object.entries(FRAMES)) {
    const times = { msgpack: [], hot: [] };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ['msgpack', 'hot'] : ['hot', 'msgpack'];
      for (const codec of order) times[codec].push(perFrame(frames, msg, codec === 'hot' ? hot.encode : msgpack.encode, codec === 'hot' ? hot.decode : msgpack.decode));
    }
    rows.push([name, median(times.msgpack), median(times.hot), median(times.msgpack) - median(times.hot)]);
  }
  console.log(`encode + decode, µs of CPU per frame, median of ${rounds} rounds × ${frames} frames`);
  printTable(['frame', 'msgpack µs', 'hot µs', 'saved µs'], rows, { digits: [0, 3, 3, 3] });
}

run(main);
