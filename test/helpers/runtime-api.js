'use strict';
// Talking to a native/custom RuntimeApiServer over real HTTP, as scf_bootstrap would.
const http = require('node:http');
const { RuntimeApiServer } = require('../../dist/native');

/** A RuntimeApiServer listening on 127.0.0.1 (closed at `t`'s teardown) and its port. */
async function startApi(t, options = { allowedUid: null }) {
  const api = new RuntimeApiServer(options);
  t.teardown(() => api.close());
  const { host, port } = await api.listen();
  return { api, host, port };
}

/** One request (a fresh connection); resolves { status, headers, body, json } or rejects on a socket error. */
function call(port, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, body: text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

module.exports = { startApi, call };
