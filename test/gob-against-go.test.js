'use strict';
// native/gorpc's gob codec against Go's own encoding/gob: values Go encoded are decoded here
// (whole and byte by byte), and what isola encodes is decoded by Go. The Go program
// (test/fixtures/go-function, run as `main gob-vectors …`) is built here with Debian's golang-go.
const t = require('tap');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { GobDecoder, GobEncoder, GobError, invokeReplyOf, INVOKE_REQUEST } = require('../dist/native/gorpc');
const { findGo, buildGoFunction } = require('./conformance/drivers/go-fixtures');

const go = findGo();
if (go === null) {
  t.plan(0, 'go not found in PATH: the Go vectors cannot be built (Debian: golang-go; .ci/run installs it)');
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-gob-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const bin = path.join(dir, 'main');
  fs.writeFileSync(bin, buildGoFunction(go), { mode: 0o755 });
  const stream = Buffer.from(execFileSync(bin, ['gob-vectors', 'encode'], { encoding: 'utf8' }).trim().split('\n').join(''), 'hex');

  const expectValues = (t, values) => {
    t.same(values.map((v) => v.typeName), ['Response', 'InvokeResponse', 'Response', 'InvokeResponse', 'Mixed', 'Request']);
    t.same(values[0].value, { ServiceMethod: 'Function.Invoke', Seq: 7 });
    t.equal(values[1].value.Payload.toString(), '{"ok":true}');
    t.same(values[2].value, { ServiceMethod: 'Function.Invoke', Seq: 8 });
    const reply = invokeReplyOf(values[3].value);
    t.same(reply, {
      ok: false, message: 'boom', type: '*errors.errorString', shouldExit: true,
      stack: 'main.inner\n\t/src/main.go:42\nmain.main\n\t/src/main.go:7',
    });
    const mixed = values[4].value;
    t.equal(mixed.F, 1.5);
    t.same([...mixed.M], [['a', -1]]);
    t.same(mixed.A, [3, 4]);
    t.equal(mixed.Neg, -(2 ** 40));
    t.equal(mixed.Big, 2 ** 40);
    t.equal(mixed.Unicode, 'héllo ✓');
    t.same(values[5].value, { ServiceMethod: 'Function.Ping', Seq: 300 });
  };

  t.test('values Go encoded decode here, in one push', async (t) => {
    expectValues(t, new GobDecoder().push(stream));
  });

  t.test('and byte by byte (a TCP stream splits anywhere)', async (t) => {
    const d = new GobDecoder();
    const values = [];
    for (let i = 0; i < stream.length; i++) values.push(...d.push(stream.subarray(i, i + 1)));
    expectValues(t, values);
  });

  t.test('what isola encodes, Go decodes', async (t) => {
    const e = new GobEncoder();
    const REQUEST = { kind: 'struct', name: 'Request', fields: [{ name: 'ServiceMethod', type: { kind: 'string' } }, { name: 'Seq', type: { kind: 'uint' } }] };
    const bytes = Buffer.concat([
      e.encode(REQUEST, { ServiceMethod: 'Function.Invoke', Seq: 129 }),
      e.encode(INVOKE_REQUEST, {
        Payload: Buffer.from('{"é":[1,2]}'), RequestId: 'req-1', Deadline: { Seconds: 1_700_000_000, Nanos: 5_000_000 },
        Namespace: 'default', FunctionName: 'fn', FunctionVersion: '$LATEST', MemoryLimitInMb: 128, TimeLimitInMs: -3, Environment: '{"A":"b"}',
      }),
    ]);
    const out = JSON.parse(execFileSync(bin, ['gob-vectors', 'decode'], { input: bytes, encoding: 'utf8' }));
    t.same(out.request, { ServiceMethod: 'Function.Invoke', Seq: 129 });
    t.equal(out.payload, '{"é":[1,2]}');
    t.same({ ...out.invoke, Payload: undefined }, {
      Payload: undefined, RequestId: 'req-1', Deadline: { Seconds: 1_700_000_000, Nanos: 5_000_000 },
      Namespace: 'default', FunctionName: 'fn', FunctionVersion: '$LATEST', MemoryLimitInMb: 128, TimeLimitInMs: -3, Environment: '{"A":"b"}',
    });
  });

  t.test('malformed input is a GobError, never a crash', async (t) => {
    t.throws(() => new GobDecoder().push(Buffer.from([0x03, 0xff, 0x82, 0x01])), GobError, 'a value of a type never defined');
    t.throws(() => new GobDecoder(16).push(Buffer.from([0x7f])), GobError, 'a message over the limit');
    // A value of the predefined interface type (id 8): refused.
    t.throws(() => new GobDecoder().push(Buffer.from([0x03, 0x10, 0x00, 0x00])), GobError, 'an interface value');
    t.same(new GobDecoder().push(Buffer.from([0x05])), [], 'an incomplete message waits for more');
  });
}
