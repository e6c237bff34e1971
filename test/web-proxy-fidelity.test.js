'use strict';
// The data plane's proxy fidelity cases against a process web function, through a real server:
// any method, the path and query untouched (Unicode, encoded bytes), repeated headers both ways,
// the X-Scf-* headers set by the platform (a caller's copies dropped), binary bodies byte for
// byte, a chunked upload streamed through, and a body over 6 MB refused with 406.
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');

const APP = fs.readFileSync(path.join(__dirname, 'fixtures', 'web', 'app.js'), 'utf8');

t.test('proxy fidelity', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'webapp', [
    { name: 'scf_bootstrap', data: '#!/bin/sh\nexec node app.js\n', mode: 0o755 },
    { name: 'app.js', data: APP },
  ], { Runtime: 'Nodejs18.15', Type: 'HTTP', Handler: undefined, Timeout: 30 });
  const base = `${server.url}/default/webapp`;

  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'POST']) {
    const r = await request(`${base}/headers?m=${method}`, { method });
    t.equal(r.status, 200, `${method}: ${r.body}`);
    t.equal(JSON.parse(r.body).method, method);
  }

  const unicode = await request(`${base}/headers/%E2%9C%93/caf%C3%A9?q=%F0%9F%98%80&a=1&a=2`);
  t.equal(JSON.parse(unicode.body).url, '/headers/%E2%9C%93/caf%C3%A9?q=%F0%9F%98%80&a=1&a=2', 'path and query as sent');

  const repeated = await request(`${base}/headers`, { headers: [['X-Multi', 'one'], ['X-Multi', 'two'], ['X-Scf-Name', 'forged']] });
  const raw = JSON.parse(repeated.body).rawHeaders;
  const pairs = [];
  for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i].toLowerCase(), raw[i + 1]]);
  t.same(pairs.filter(([n]) => n === 'x-multi').map(([, v]) => v), ['one', 'two'], 'repeated request headers in order');
  t.same(pairs.filter(([n]) => n === 'x-scf-name').map(([, v]) => v), ['webapp'], 'the platform\'s X-Scf-Name, the caller\'s copy dropped');
  for (const name of ['x-scf-request-id', 'x-scf-memory', 'x-scf-timeout', 'x-scf-version', 'x-scf-namespace', 'x-scf-region', 'x-scf-appid', 'x-scf-uin']) {
    t.ok(pairs.some(([n]) => n === name), `${name} added`);
  }
  t.same(repeated.rawHeaders.filter((_, i, a) => i % 2 === 0 && a[i].toLowerCase() === 'set-cookie').length, 2, 'two Set-Cookie answered, two passed on');

  const binary = Buffer.from(Array.from({ length: 256 * 64 }, (_, i) => i % 256));
  const echoed = await request(`${base}/echo`, { method: 'POST', body: binary, headers: { 'content-type': 'application/octet-stream' } });
  t.equal(echoed.status, 200);
  t.ok(echoed.body.equals(binary), 'binary body byte for byte');

  const chunks = Array.from({ length: 8 }, (_, i) => Buffer.alloc(64 * 1024, 97 + i));
  const streamed = await request(`${base}/echo`, { method: 'POST', chunks, chunkDelayMs: 20 });
  t.ok(streamed.body.equals(Buffer.concat(chunks)), 'a chunked upload streamed through');

  // Declared over 6 MB: the gateway answers 406 before any body byte is sent (the function never sees it).
  const tooBig = await new Promise((resolve, reject) => {
    const req = http.request(`${base}/echo`, { method: 'POST', headers: { 'content-length': 6 * 1024 * 1024 + 1 } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => { req.destroy(); resolve({ status: res.statusCode, body }); });
    });
    req.on('error', reject);
    req.flushHeaders();
  });
  t.equal(tooBig.status, 406);
  t.match(tooBig.body, /RequestTooLarge/);
});
