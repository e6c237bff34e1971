'use strict';
// Hand-made control-API requests, signed with the server's own TC3 code, so
// tests can send what the SDK never would: forged signatures, stale
// timestamps, wrong versions, oversize bodies, garbled Authorization headers.
const http = require('node:http');
const { tc3Signature } = require('../../dist/core/account/signing');

/**
 * Sends one control-API request to `server` (from helpers/server.js) and
 * resolves with `{ status, headers, body, json }`.
 *
 * Options (all optional):
 *   action ('ListFunctions'), params (object, JSON-encoded) or body (string | Buffer, sent as is),
 *   version ('2018-04-16'), secretId / secretKey (the server's root pair),
 *   timestamp (Unix seconds; default now), service ('scf'), contentType ('application/json'),
 *   sign (default true), signBody (sign these bytes instead of the body: "body changed after signing"),
 *   authorization (sent verbatim instead of the computed header),
 *   headers (extra or overriding headers; a null value removes one).
 */
function rawRequest(server, options = {}) {
  const body = Buffer.from(options.body ?? JSON.stringify(options.params ?? {}));
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const contentType = options.contentType ?? 'application/json';
  const service = options.service ?? 'scf';
  const secretId = options.secretId ?? server.credentials.SecretId;
  const secretKey = options.secretKey ?? server.credentials.SecretKey;
  const headers = {
    Host: `127.0.0.1:${server.port}`,
    'Content-Type': contentType,
    'X-TC-Action': options.action ?? 'ListFunctions',
    'X-TC-Version': options.version ?? '2018-04-16',
    'X-TC-Timestamp': String(timestamp),
    'X-TC-Region': 'ap-guangzhou',
    'Content-Length': String(body.length),
  };
  if (options.authorization !== undefined) headers.Authorization = options.authorization;
  else if (options.sign !== false) {
    const signature = tc3Signature({
      secretKey,
      method: 'POST',
      query: '',
      contentType,
      hostname: '127.0.0.1',
      body: options.signBody ?? body,
      timestamp,
      date,
      service,
    });
    headers.Authorization = `TC3-HMAC-SHA256 Credential=${secretId}/${date}/${service}/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`;
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/', headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, body: text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The API error code of a raw response (undefined on success). */
const errorCode = (res) => res.json?.Response?.Error?.Code;

module.exports = { rawRequest, errorCode };
