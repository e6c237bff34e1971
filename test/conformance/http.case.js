'use strict';
// HTTP exchanges of web functions (for executors that serve HTTP): request in (method, path and
// query, headers, body whole or streamed), response out (status, headers, body, streamed), errors,
// timeout and cancellation before the response.
const { fnTest, recordingSink, sleep } = require('./harness');
const { chunked } = require('../fixtures/runtime/http');

const header = (sink, name) => sink.headers.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v);

async function serve(driver, fn, request, opts) {
  const sink = recordingSink();
  const o = await driver.serveHttp(fn, request, sink, opts);
  return { o, sink };
}

function assertAnswered(t, o, status) {
  t.equal(o.kind, 'ok', o.errorMessage ?? '');
  t.equal(o.httpStatus, status);
  t.equal(o.responseStarted, true);
  t.equal(o.responseEnded, true);
}

function assertNoResponse(t, o, sink) {
  t.equal(o.responseStarted, false);
  t.notOk(sink.started, 'nothing was written: the core answers the error itself');
  t.same(sink.events, []);
}

module.exports = (t, driver) => {
  fnTest(t, driver, 'the request arrives whole: method, path with query, headers (repeated names combined), body', ['http-echo'], async (t) => {
    const fn = driver.deploy('http-echo');
    const headers = [['Content-Type', 'text/plain; charset=utf-8'], ['X-Multi', 'a'], ['x-multi', 'b'], ['X-Empty', '']];
    const { o, sink } = await serve(driver, fn, { method: 'POST', path: '/a/b%20c?q=1&q=2', headers, body: Buffer.from('héllo ✓') });
    assertAnswered(t, o, 200);
    t.equal(sink.status, 200);
    t.match(header(sink, 'content-type')[0], /^application\/json/);
    const seen = JSON.parse(sink.text);
    t.equal(seen.method, 'POST');
    t.equal(seen.path, '/a/b%20c?q=1&q=2');
    t.equal(seen.headers['content-type'], 'text/plain; charset=utf-8');
    t.equal(seen.headers['x-multi'], 'a, b');
    t.equal(seen.headers['x-empty'], '');
    t.equal(seen.body, 'héllo ✓');
    t.equal(o.responseBytes, sink.body.length);
    t.equal(sink.events.at(-1), 'end');
  });

  fnTest(t, driver, 'a GET has no body', ['http-echo'], async (t) => {
    const { o, sink } = await serve(driver, driver.deploy('http-echo'), { path: '/' });
    assertAnswered(t, o, 200);
    const seen = JSON.parse(sink.text);
    t.equal(seen.method, 'GET');
    t.equal(seen.path, '/');
    t.equal(seen.body, '');
  });

  fnTest(t, driver, 'a request body that arrives in chunks over time', ['http-echo'], async (t) => {
    const parts = ['{"part":', '1,', '"more":"', 'x'.repeat(100_000), '"}'];
    const { o, sink } = await serve(driver, driver.deploy('http-echo'), { method: 'PUT', path: '/s', body: null, bodyStream: chunked(parts, 5) });
    assertAnswered(t, o, 200);
    t.equal(JSON.parse(sink.text).body, parts.join(''));
  });

  fnTest(t, driver, 'status, custom headers and repeated Set-Cookie reach the client; any HTTP status is an ok outcome', ['http-status-headers'], async (t) => {
    const { o, sink } = await serve(driver, driver.deploy('http-status-headers'));
    assertAnswered(t, o, 418);
    t.equal(sink.status, 418);
    t.same(header(sink, 'x-custom'), ['v']);
    t.same(header(sink, 'set-cookie'), ['a=1; Path=/', 'b=2'], 'each cookie its own header');
    t.equal(sink.text, 'teapot');
    t.equal(o.responseBytes, 6);
  });

  fnTest(t, driver, 'a streamed response: chunks arrive in order as they are produced', ['http-stream'], async (t) => {
    const times = [];
    const sink = recordingSink({ onWrite: () => times.push(Date.now()) });
    const o = await driver.serveHttp(driver.deploy('http-stream'), {}, sink);
    assertAnswered(t, o, 200);
    t.equal(sink.text, Array.from({ length: 10 }, (_, i) => `chunk${i};`).join(''));
    t.ok(sink.chunks.length > 1, `${sink.chunks.length} writes: not buffered into one`);
    // The fixture pauses 200 ms before its last chunk: the ones before it must be out by then.
    t.ok(times.at(-1) - times[0] >= 150, `first to last write ${times.at(-1) - times[0]} ms: written as produced`);
    t.equal(sink.events[0], 'start');
    t.equal(sink.events.at(-1), 'end');
  });

  fnTest(t, driver, 'an error before the response: user_error, nothing written', ['http-throws'], async (t) => {
    const { o, sink } = await serve(driver, driver.deploy('http-throws'));
    t.equal(o.kind, 'user_error');
    t.equal(o.errorMessage, driver.errorText('bad thing'));
    t.match(o.errorStack, /bad thing/);
    assertNoResponse(t, o, sink);
  });

  fnTest(t, driver, 'no response within the timeout: timeout, nothing written', ['http-never-responds'], async (t) => {
    const t0 = Date.now();
    const { o, sink } = await serve(driver, driver.deploy('http-never-responds', { timeoutMs: 1000 }));
    t.equal(o.kind, 'timeout');
    t.equal(o.errorMessage, 'time out');
    t.ok(Date.now() - t0 >= 950 && Date.now() - t0 < 3000, `after ${Date.now() - t0} ms`);
    assertNoResponse(t, o, sink);
  });

  fnTest(t, driver, 'the client goes away: canceled at once, the sink is not touched', ['http-never-responds', 'http-echo'], async (t) => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    const { o, sink } = await serve(driver, driver.deploy('http-never-responds', { timeoutMs: 10_000 }), {}, { signal: ac.signal });
    t.equal(o.kind, 'canceled');
    t.ok(Date.now() - t0 < 1000, `after ${Date.now() - t0} ms`);
    await sleep(50);
    assertNoResponse(t, o, sink);
    const after = await serve(driver, driver.deploy('http-echo'));
    assertAnswered(t, after.o, 200);
  });
};
