'use strict';
// The official Python SDK (tencentcloud-sdk-python, and tccli built on it)
// signs the Host header with its port ("127.0.0.1:9000"); the Node SDK signs
// it without. isola accepted only the second, so every Python call on a
// non-default port failed AuthFailure.SignatureFailure. Here a request is
// signed the Python way — by a TC3 implementation written in this test,
// checked against a fixed vector computed with CPython's hmac following the
// Python SDK's sign_tc3 — and must be accepted; replies stay
// `Content-Type: application/json` exactly (the Python SDK raises API errors
// only for that exact type).
const t = require('tap');
const crypto = require('node:crypto');
const { startServer } = require('./helpers/server');
const { rawRequest, errorCode } = require('./helpers/raw-api');
const { verifyTc3 } = require('../dist/gateway/control-api/tc3');

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();

/** TC3-HMAC-SHA256 as tencentcloud-sdk-python's sign_tc3 computes it: `host:` carries the endpoint as configured, port included. */
function pythonSignature({ secretKey, host, body, timestamp, service = 'scf' }) {
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const canonicalRequest = ['POST', '/', '', `content-type:application/json\nhost:${host}\n`, 'content-type;host', sha256(body)].join('\n');
  const stringToSign = ['TC3-HMAC-SHA256', String(timestamp), `${date}/${service}/tc3_request`, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
  return crypto.createHmac('sha256', key).update(stringToSign).digest('hex');
}

// Computed with CPython 3.11's hmac/hashlib, step by step as sign_tc3 does, for Host "127.0.0.1:9000".
const VECTOR = { secretKey: 'testSecretKey', host: '127.0.0.1:9000', body: '{"Limit":1}', timestamp: 1700000000 };
const VECTOR_SIGNATURE = '534aa888285d388e47e6170ceffce5e7efad0dbdc1519adac9d5d1557a16a89e';

const authorization = (secretId, timestamp, signature) =>
  `TC3-HMAC-SHA256 Credential=${secretId}/${new Date(timestamp * 1000).toISOString().slice(0, 10)}/scf/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`;

t.test('the fixed vector', async (t) => {
  t.equal(pythonSignature(VECTOR), VECTOR_SIGNATURE, "this test's signer matches the Python SDK's algorithm");
  const request = {
    method: 'POST',
    query: '',
    authorization: authorization('AKIDEXAMPLE', VECTOR.timestamp, VECTOR_SIGNATURE),
    contentType: 'application/json',
    host: VECTOR.host,
    timestamp: String(VECTOR.timestamp),
    body: Buffer.from(VECTOR.body),
  };
  const lookup = (id) => (id === 'AKIDEXAMPLE' ? VECTOR.secretKey : undefined);
  t.equal(verifyTc3(request, lookup, VECTOR.timestamp * 1000), 'AKIDEXAMPLE', 'a signature over Host with its port is accepted');
  t.throws(() => verifyTc3({ ...request, host: '127.0.0.1:9001' }, lookup, VECTOR.timestamp * 1000), { code: 'AuthFailure.SignatureFailure' }, 'another port is another Host');
});

t.test('a Python-signed request against a real server on a non-default port', async (t) => {
  const server = await startServer(t);
  const timestamp = Math.floor(Date.now() / 1000);
  const body = '{"Limit":5}';
  const host = `127.0.0.1:${server.port}`;
  const signature = pythonSignature({ secretKey: server.credentials.SecretKey, host, body, timestamp });
  const res = await rawRequest(server, { body, timestamp, authorization: authorization(server.credentials.SecretId, timestamp, signature) });
  t.equal(res.status, 200);
  t.equal(res.headers['content-type'], 'application/json', 'exactly application/json');
  t.equal(errorCode(res), undefined, `accepted (${res.body})`);
  t.ok(Array.isArray(res.json.Response.Functions), 'ListFunctions answered');

  const wrongPort = pythonSignature({ secretKey: server.credentials.SecretKey, host: `127.0.0.1:${server.port + 1}`, body, timestamp });
  const refused = await rawRequest(server, { body, timestamp, authorization: authorization(server.credentials.SecretId, timestamp, wrongPort) });
  t.equal(errorCode(refused), 'AuthFailure.SignatureFailure', 'signed for another port: refused');
  t.equal(refused.headers['content-type'], 'application/json', 'error replies too are exactly application/json');

  const nodeStyle = await rawRequest(server, { action: 'NoSuchAction' });
  t.equal(errorCode(nodeStyle), 'InvalidAction', 'the Node SDK convention (no port) still verifies');
  t.equal(nodeStyle.headers['content-type'], 'application/json');
});
