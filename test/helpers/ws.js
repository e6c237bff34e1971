'use strict';
// A WebSocket client for the data-plane tests (the `ws` package): connect,
// read frames in order (keeping their text/binary type), await the close.
const fs = require('node:fs');
const path = require('node:path');
const WebSocket = require('ws');

/** The WebSocket test function (test/fixtures/ws-chat.mjs, Workers module format) and its CreateFunction settings. */
const CHAT = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'ws-chat.mjs'), 'utf8');
const WS = { Type: 'HTTP', Handler: 'index.fetch', ProtocolType: 'WS', Timeout: 60, ProtocolParams: { WSParams: { IdleTimeOut: 30 } } };

/** GetFunctionLogs until the record of `requestId` is there (logs are written in batches); undefined after `timeoutMs`. */
async function logOf(client, name, requestId, timeoutMs = 8000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { Data } = await client.GetFunctionLogs({ FunctionName: name, Limit: 100 });
    const found = Data.find((d) => d.RequestId === requestId);
    if (found || Date.now() > until) return found;
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The StatusCode of a log record's Report line. */
const statusOf = (log) => Number(/StatusCode:(\d+)/.exec(log?.Log ?? '')?.[1]);

/**
 * Opens `url`. Resolves { ws, response (the upgrade response), next() (the
 * next frame: { data: string | Buffer, binary }), closed (a promise of
 * { code, reason }) }, or rejects with the HTTP status when the upgrade is
 * refused (err.statusCode, err.body).
 */
function connect(url, options = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols, { headers: options.headers, handshakeTimeout: 10_000 });
    const frames = [];
    const waiters = [];
    ws.on('message', (data, binary) => {
      const frame = { data: binary ? data : data.toString(), binary };
      const w = waiters.shift();
      if (w) w(frame);
      else frames.push(frame);
    });
    const closed = new Promise((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode} ${body}`), { statusCode: res.statusCode, body, headers: res.headers })));
    });
    ws.on('upgrade', (res) => (ws.upgradeResponse = res));
    ws.on('error', (err) => reject(err));
    ws.on('open', () => {
      resolve({
        ws,
        response: ws.upgradeResponse,
        closed,
        next(timeoutMs = 5000) {
          if (frames.length) return Promise.resolve(frames.shift());
          return new Promise((res, rej) => {
            const timer = setTimeout(() => rej(new Error('no frame in time')), timeoutMs);
            waiters.push((f) => {
              clearTimeout(timer);
              res(f);
            });
          });
        },
      });
    });
  });
}

module.exports = { connect, logOf, statusOf, CHAT, WS };
