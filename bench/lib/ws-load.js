'use strict';
/**
 * The WebSocket load generator (the `ws` client, in the bench process): opens
 * `connections` sockets (not timed), then each one plays ping-pong — sends a
 * message, waits for the echo, sends the next — for `duration` seconds.
 * Resolves with the same shape as runLoad: { rps (messages echoed per
 * second, all connections), p50/p99/mean (round trip, ms), requests, errors,
 * breakdown, sample }. An echo that differs from what was sent counts as a
 * mismatch; a socket that closes or fails during the run as an error.
 */
const WebSocket = require('ws');
const { Recorder } = require('./load');

async function runWsLoad({ url, connections, duration, payload = 'hello from the bench' }) {
  const latencies = new Recorder();
  const breakdown = { errors: 0, mismatches: 0, closed: 0 };
  let sample;
  let echoed = 0;
  let running = true;
  const sockets = await Promise.all(Array.from({ length: connections }, () => open(url)));
  const started = performance.now();
  const finished = sockets.map((ws) => new Promise((resolve) => {
    let sentAt = 0;
    const send = () => {
      if (!running) { resolve(); return; }
      sentAt = performance.now();
      ws.send(payload);
    };
    ws.on('message', (data) => {
      latencies.add(performance.now() - sentAt);
      if (data.toString() === payload) echoed++;
      else {
        breakdown.mismatches++;
        sample ??= String(data).slice(0, 300);
      }
      send();
    });
    ws.on('close', (code, reason) => {
      if (running) {
        breakdown.closed++;
        sample ??= `closed ${code} ${reason}`;
      }
      resolve();
    });
    ws.on('error', (err) => {
      breakdown.errors++;
      sample ??= err.message;
    });
    send();
  }));
  await new Promise((r) => setTimeout(r, duration * 1000));
  running = false;
  const elapsed = (performance.now() - started) / 1000;
  await Promise.race([Promise.all(finished), new Promise((r) => setTimeout(r, 5000))]);
  await Promise.all(sockets.map((ws) => close(ws)));
  return {
    rps: echoed / elapsed,
    p50: latencies.percentile(50),
    p99: latencies.percentile(99),
    mean: latencies.mean(),
    requests: echoed,
    errors: breakdown.errors + breakdown.mismatches + breakdown.closed,
    breakdown,
    sample,
  };
}

/** Opens one socket; rejects with the HTTP status when the upgrade is refused. */
function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function close(ws) {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => { ws.terminate(); resolve(); }, 2000);
    ws.once('close', () => { clearTimeout(timer); resolve(); });
    ws.close(1000);
  });
}

module.exports = { runWsLoad, open, close };
