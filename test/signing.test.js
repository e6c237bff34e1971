'use strict';
// TC3-HMAC-SHA256: the test vector of spec/scf-api.md §1.3 (made with the
// SDK's own Sign.sign3), and the verifier's answers to tampered requests.
const t = require('tap');
const { tc3Signature, hostnameOf } = require('../dist/core/account/signing');
const { verifyTc3 } = require('../dist/gateway/control-api/tc3');

const vector = {
  secretKey: 'testSecretKey',
  method: 'POST',
  query: '',
  contentType: 'application/json',
  hostname: '127.0.0.1',
  body: '{"Limit":1}',
  timestamp: 1700000000,
  date: '2023-11-14',
  service: 'scf',
};
const SIGNATURE = '58f7b55846666cd6a085e3cf063463ca9e59b42d6d2fd08e9864e492d1325a1e';

t.equal(tc3Signature(vector), SIGNATURE, 'matches the SDK test vector');
t.equal(hostnameOf('127.0.0.1:9000'), '127.0.0.1');
t.equal(hostnameOf('[::1]:9000'), '[::1]');
t.equal(hostnameOf('scf.local'), 'scf.local');

const signed = (over = {}) => ({
  method: 'POST',
  query: '',
  authorization: `TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/scf/tc3_request, SignedHeaders=content-type;host, Signature=${SIGNATURE}`,
  contentType: 'application/json',
  host: '127.0.0.1:9000',
  timestamp: '1700000000',
  body: Buffer.from('{"Limit":1}'),
  ...over,
});
const lookup = (id) => (id === 'AKIDEXAMPLE' ? 'testSecretKey' : undefined);
const now = 1700000000 * 1000 + 30_000;
const codeOf = (fn) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return err.code;
  }
};

t.equal(verifyTc3(signed(), lookup, now), 'AKIDEXAMPLE', 'the port of Host is not signed');
t.equal(codeOf(() => verifyTc3(signed({ body: Buffer.from('{"Limit":2}') }), lookup, now)), 'AuthFailure.SignatureFailure', 'body changed');
t.equal(codeOf(() => verifyTc3(signed({ host: 'other:9000' }), lookup, now)), 'AuthFailure.SignatureFailure', 'host changed');
t.equal(codeOf(() => verifyTc3(signed(), () => 'wrong', now)), 'AuthFailure.SignatureFailure', 'wrong secret');
t.equal(codeOf(() => verifyTc3(signed(), () => undefined, now)), 'AuthFailure.SecretIdNotFound', 'unknown SecretId');
t.equal(codeOf(() => verifyTc3(signed(), lookup, now + 10 * 60_000)), 'AuthFailure.SignatureExpire', 'stale timestamp');
t.equal(codeOf(() => verifyTc3(signed({ authorization: '' }), lookup, now)), 'AuthFailure.InvalidAuthorization', 'missing');
t.equal(codeOf(() => verifyTc3(signed({ authorization: 'Bearer x' }), lookup, now)), 'AuthFailure.InvalidAuthorization', 'garbled');
t.equal(
  codeOf(() => verifyTc3(signed({ authorization: signed().authorization.replace('content-type;host', 'content-type;host;x-tc-action') }), lookup, now)),
  'AuthFailure.InvalidAuthorization',
  'unsupported signed header',
);

// A verifier that reuses derived signing keys (the control API's) is exactly as strict once a key is cached.
const { SigningKeyCache } = require('../dist/gateway/control-api/tc3');
t.test('cached signing keys', async (t) => {
  const keys = new SigningKeyCache();
  t.equal(codeOf(() => verifyTc3(signed(), () => 'wrong', now, keys)), 'AuthFailure.SignatureFailure', 'a failed verification caches nothing');
  t.equal(verifyTc3(signed(), lookup, now, keys), 'AKIDEXAMPLE', 'first request derives and caches the key');
  t.equal(verifyTc3(signed(), lookup, now, keys), 'AKIDEXAMPLE', 'second request verifies with the cached key');
  t.equal(codeOf(() => verifyTc3(signed({ body: Buffer.from('{"Limit":2}') }), lookup, now, keys)), 'AuthFailure.SignatureFailure', 'body changed, key cached');
  t.equal(codeOf(() => verifyTc3(signed({ host: 'other:9000' }), lookup, now, keys)), 'AuthFailure.SignatureFailure', 'host changed, key cached');
  t.equal(codeOf(() => verifyTc3(signed(), () => 'wrong', now, keys)), 'AuthFailure.SignatureFailure', 'wrong secret after the right one was cached');
  t.equal(codeOf(() => verifyTc3(signed(), lookup, now + 10 * 60_000, keys)), 'AuthFailure.SignatureExpire', 'stale timestamp, key cached');
  const tiny = new SigningKeyCache(1);
  tiny.set('a', Buffer.from('1'));
  tiny.set('b', Buffer.from('2'));
  t.equal(tiny.get('a'), undefined, 'a full cache is emptied before it grows');
  t.same(tiny.get('b'), Buffer.from('2'));
});
