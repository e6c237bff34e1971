'use strict';
// The control API's HTTP edge (gateway/control-route.ts, raw uWS): a body over the API's limit is
// answered in the envelope; one over the limit + 1 MB gets a bare 413 once it has arrived; a chunked
// body is read whole; a client that goes away mid-body leaves the server answering the next caller.
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const t = require('tap');
const { startServer } = require('./helpers/server');
const { rawRequest, errorCode } = require('./helpers/raw-api');

const LIMIT = 4096;

t.test('oversize, chunked and abandoned control-API bodies', async (t) => {
  const dir = t.testdir();
  const cfg = path.join(dir, 'config.json');
  fs.writeFileSync(cfg, JSON.stringify({ maxApiBodyBytes: LIMIT }));
  const server = await startServer(t, { args: ['--config', cfg] });

  const ok = await rawRequest(server, { params: { Limit: 1 } });
  t.equal(ok.status, 200);
  t.equal(errorCode(ok), undefined, 'a small signed body is served');
  t.match(ok.headers['x-tc-requestid'], /^[0-9a-f-]{36}$/, 'X-TC-RequestId header');
  t.equal(ok.headers['content-type'], 'application/json');
  t.equal(ok.json.Response.RequestId, ok.headers['x-tc-requestid'], 'the header and the envelope carry one RequestId');

  const over = await rawRequest(server, { body: Buffer.alloc(LIMIT + 1, 0x20) });
  t.equal(over.status, 200, 'one byte over the limit: still HTTP 200');
  t.equal(errorCode(over), 'RequestSizeLimitExceeded', '… with RequestSizeLimitExceeded in the envelope');

  const huge = await rawRequest(server, { body: Buffer.alloc(LIMIT + 1024 * 1024 + 1, 0x20) });
  t.equal(huge.status, 413, 'over the limit + 1 MB: a bare 413');
  t.equal(huge.body, '', '… with no body');

  const chunked = await rawRequest(server, { params: { Limit: 1 }, headers: { 'Content-Length': null, 'Transfer-Encoding': 'chunked' } });
  t.equal(chunked.status, 200);
  t.equal(errorCode(chunked), undefined, 'a chunked body is read whole and verified');
  t.equal(chunked.json.Response.TotalCount, 0);

  const hugeChunked = await rawRequest(server, { body: Buffer.alloc(LIMIT + 1024 * 1024 + 1, 0x20), headers: { 'Content-Length': null, 'Transfer-Encoding': 'chunked' } });
  t.equal(hugeChunked.status, 413, 'a chunked body crossing the limit + 1 MB: 413');

  // Half a body, then the client goes away: the server must not answer into the closed socket or stall.
  await new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"Limit":');
      setTimeout(() => socket.destroy(), 100);
    });
    socket.on('close', resolve);
    socket.on('error', reject);
  });
  const after = await rawRequest(server, { params: { Limit: 1 } });
  t.equal(errorCode(after), undefined, 'the next request is served after an abandoned body');
  t.notMatch(server.output(), /unhandled error|TypeError|Invalid access/, 'nothing thrown at the edge');
});
