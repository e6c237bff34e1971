'use strict';
// Unit test: the header JSON the gateway builds while reading a request is exactly JSON.stringify of the headers.
const t = require('tap');
const { readRequest, headersJsonOf } = require('../dist/gateway/http/request');

function fakeRequest(url, headers) {
  return {
    getUrl: () => url,
    getQuery: () => '',
    getCaseSensitiveMethod: () => 'GET',
    forEach: (cb) => headers.forEach(([n, v]) => cb(n, v)),
  };
}

t.test('headersJsonOf equals JSON.stringify of the headers the function sees', async (t) => {
  const scf = [['x-scf-memory', '128'], ['x-scf-name', 'fn "q"']];
  const scfJson = scf.map((p) => `,${JSON.stringify(p)}`).join('');
  const cases = [
    [],
    [['host', '127.0.0.1:9000'], ['accept', '*/*']],
    [['x-plain', 'a b~!#'], ['x-quote', 'he said "hi"'], ['x-backslash', 'c:\\dir'], ['x-ctl', 'a\u0001b\tc\u007f'],
      ['x-utf8', 'é ☃ 😀'], ['x-lone', 'a\ud800b'], ['x-empty', '']],
  ];
  for (const headers of cases) {
    const incoming = readRequest(fakeRequest('/ns/fn/x', headers));
    const rid = '0192f1e0-aaaa-7bbb-8ccc-0123456789ab';
    const expected = JSON.stringify([...incoming.headers, ['x-scf-request-id', rid], ...scf]);
    t.equal(headersJsonOf(incoming, rid, scfJson), expected);
  }
});
