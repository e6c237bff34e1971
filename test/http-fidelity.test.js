'use strict';
// The HTTP data plane (issue 5): requests reach web functions (Type HTTP,
// runtime Isolate, a Workers-style `fetch` module) at
// /<namespace>/<function>/<rest> and come back intact — methods, repeated
// headers, binary bodies both ways, streamed bodies both ways, query strings,
// percent-encoded Unicode paths, the platform's X-Scf-* headers, 404s.
const t = require('tap');
const crypto = require('node:crypto');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');

const WEB = { Type: 'HTTP', Handler: 'index.fetch' };

// Echoes everything it was given as JSON (the body as base64).
const ECHO = `
export default {
  async fetch(request, env, ctx) {
    const body = new Uint8Array(await request.arrayBuffer());
    let bin = '';
    for (const b of body) bin += String.fromCharCode(b);
    return Response.json({
      method: request.method,
      url: request.url,
      headers: [...request.headers],
      body: btoa(bin),
      env: env.GREETING ?? null,
    }, { headers: { 'x-echo': 'yes' } });
  },
};`;

t.test('request and response fidelity', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'echo', { 'index.mjs': ECHO }, { ...WEB, Environment: { Variables: [{ Key: 'GREETING', Value: 'hi' }] } });
  const base = `${server.url}/default/echo`;

  t.test('methods, path and query', async (t) => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await request(`${base}/items/7?x=1&y=%C3%A9&x=2`, { method, ...(method === 'GET' || method === 'OPTIONS' ? {} : { body: `body of ${method}` }) });
      t.equal(res.status, 200, `${method} answered`);
      const echo = JSON.parse(res.body);
      t.equal(echo.method, method);
      t.equal(new URL(echo.url).pathname, '/items/7', 'the handler sees /<rest>');
      t.equal(new URL(echo.url).search, '?x=1&y=%C3%A9&x=2', 'query string intact');
      if (method !== 'GET' && method !== 'OPTIONS') t.equal(Buffer.from(echo.body, 'base64').toString(), `body of ${method}`);
      t.equal(res.headers['x-echo'], 'yes', 'function headers come back');
      t.equal(echo.env, 'hi', 'env holds the environment variables');
    }
    const root = JSON.parse((await request(`${base}`)).body);
    t.equal(new URL(root.url).pathname, '/', 'no trailing part → /');
    const slash = JSON.parse((await request(`${base}/`)).body);
    t.equal(new URL(slash.url).pathname, '/');
    const host = JSON.parse((await request(`${base}/h`, { headers: { host: 'example.test:8080' } })).body);
    t.equal(new URL(host.url).host, 'example.test:8080', 'the URL authority is the Host header');
  });

  t.test('percent-encoded Unicode path', async (t) => {
    const path = '/' + encodeURIComponent('héllo wörld/日本') + '/x%20y';
    const echo = JSON.parse((await request(`${base}${path}`)).body);
    t.equal(new URL(echo.url).pathname, path, 'path passed as sent (percent-encoded)');
    t.equal(decodeURIComponent(new URL(echo.url).pathname), '/héllo wörld/日本/x y');
  });

  t.test('repeated request headers and the X-Scf-* headers', async (t) => {
    const res = await request(`${base}/h`, {
      headers: [
        ['X-Multi', 'one'],
        ['X-Multi', 'two'],
        ['X-Scf-Name', 'spoofed'],
        ['x-scf-request-id', 'spoofed'],
        ['X-SCF-UIN', 'spoofed'],
        ['X-Scf-Qualifier', '$LATEST'],
        ['X-Scf-Custom', 'kept'],
      ],
    });
    const echo = JSON.parse(res.body);
    const h = Object.fromEntries(echo.headers);
    t.equal(h['x-multi'], 'one, two', 'repeated headers both arrive');
    t.equal(h['x-scf-name'], 'echo', 'caller cannot override X-Scf-Name');
    t.equal(h['x-scf-namespace'], 'default');
    t.equal(h['x-scf-version'], '$LATEST');
    t.equal(h['x-scf-memory'], '128');
    t.equal(h['x-scf-timeout'], '3');
    t.equal(h['x-scf-region'], 'ap-guangzhou');
    t.match(h['x-scf-appid'], /^\d+$/);
    t.match(h['x-scf-uin'], /^\d+$/);
    t.not(h['x-scf-uin'], 'spoofed');
    t.match(h['x-scf-request-id'], /^[0-9a-f-]{36}$/);
    t.equal(h['x-scf-request-id'], res.headers['x-scf-request-id'], 'the response carries the same X-Scf-Request-Id');
    t.equal(h['x-scf-qualifier'], undefined, 'the qualifier header is not passed on');
    t.equal(h['x-scf-custom'], 'kept', 'other x-scf-* headers pass');
    t.equal(echo.headers.filter(([k]) => k === 'x-scf-name').length, 1, 'one X-Scf-Name');
  });

  t.test('binary request body', async (t) => {
    const bytes = crypto.randomBytes(100_000); // over the buffered threshold: streamed
    const small = crypto.randomBytes(1000);
    for (const body of [small, bytes]) {
      const echo = JSON.parse((await request(`${base}/bin`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } })).body);
      t.ok(Buffer.from(echo.body, 'base64').equals(body), `${body.length} binary bytes arrive intact`);
    }
  });

  t.test('streamed (chunked) request body', async (t) => {
    const chunks = Array.from({ length: 6 }, (_, i) => crypto.randomBytes(20_000 + i));
    const res = await request(`${base}/up`, { method: 'PUT', chunks, chunkDelayMs: 40 });
    t.equal(res.status, 200);
    const echo = JSON.parse(res.body);
    t.ok(Buffer.from(echo.body, 'base64').equals(Buffer.concat(chunks)), 'chunked upload arrives whole and in order');
    t.notOk(Object.fromEntries(echo.headers)['content-length'], 'no Content-Length for a chunked body');
  });
});

t.test('binary and streamed responses, status and headers', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'bytes', {
    'index.mjs': `
      export default {
        async fetch(request) {
          const url = new URL(request.url);
          if (url.pathname === '/bin') {
            const out = new Uint8Array(256 * 4);
            for (let i = 0; i < out.length; i++) out[i] = i % 256;
            return new Response(out, { status: 201, headers: [['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['content-type', 'application/octet-stream'], ['connection', 'close'], ['x-scf-request-id', 'spoofed']] });
          }
          if (url.pathname === '/stream') {
            const enc = new TextEncoder();
            let i = 0;
            const stream = new ReadableStream({
              async pull(controller) {
                if (i === 4) return controller.close();
                await new Promise((r) => setTimeout(r, 150));
                controller.enqueue(enc.encode('part' + i++ + ';'));
              },
            });
            return new Response(stream, { headers: { 'content-type': 'text/plain' } });
          }
          if (url.pathname === '/teapot') return new Response('short and stout', { status: 418 });
          if (url.pathname === '/empty') return new Response(null, { status: 204 });
          return new Response('not here', { status: 404 });
        },
      };`,
  }, WEB);
  const base = `${server.url}/default/bytes`;

  const bin = await request(`${base}/bin`);
  t.equal(bin.status, 201);
  const expected = Buffer.alloc(1024);
  for (let i = 0; i < 1024; i++) expected[i] = i % 256;
  t.ok(bin.body.equals(expected), 'binary response intact');
  t.same(bin.headers['set-cookie'], ['a=1', 'b=2'], 'repeated response headers');
  t.not(bin.headers.connection, 'close', 'Connection is the platform\'s');
  t.not(bin.headers['x-scf-request-id'], 'spoofed', 'X-Scf-Request-Id is the platform\'s');
  t.equal(bin.rawHeaders.filter((h) => h.toLowerCase() === 'x-scf-request-id').length, 1);

  const streamed = await request(`${base}/stream`);
  t.equal(streamed.status, 200);
  t.equal(streamed.body.toString(), 'part0;part1;part2;part3;');
  t.equal(streamed.headers['transfer-encoding'], 'chunked', 'streamed with chunked encoding');
  t.ok(streamed.chunkTimes.length >= 2 && streamed.chunkTimes.at(-1) - streamed.chunkTimes[0] >= 200, `chunks arrive over time (${streamed.chunkTimes})`);

  const teapot = await request(`${base}/teapot`);
  t.equal(teapot.status, 418, 'the function\'s own status passes');
  t.equal(teapot.body.toString(), 'short and stout');
  t.equal(teapot.headers['content-length'], '15', 'a small body goes out with a Content-Length');
  const own404 = await request(`${base}/other`);
  t.equal(own404.status, 404);
  t.equal(own404.body.toString(), 'not here', 'a function 404 is the function\'s body');
  const empty = await request(`${base}/empty`);
  t.equal(empty.status, 204);
  t.equal(empty.body.length, 0);
  const head = await request(`${base}/teapot`, { method: 'HEAD' });
  t.equal(head.status, 418);
  t.equal(head.body.length, 0, 'HEAD has no body');
});

t.test('404s, and a web function that cannot start', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'event-fn', { 'index.js': 'exports.main_handler = async () => "x";' });
  await createFunction(client, 'web-ok', { 'index.mjs': 'export default { fetch: () => new Response("ok") };' }, WEB);
  const notFound = { errorCode: -1, errorMessage: 'NotFound', statusCode: 404 };
  for (const path of ['/default/missing/', '/nope/web-ok/', '/default/event-fn/', '/default/event-fn']) {
    const res = await request(`${server.url}${path}`);
    t.equal(res.status, 404, `${path} → 404`);
    t.same(JSON.parse(res.body), notFound, 'the spec\'s short JSON error');
    t.equal(res.headers['content-type'], 'application/json');
  }
  const badQualifier = await request(`${server.url}/default/web-ok/`, { headers: { 'x-scf-qualifier': 'nosuchalias' } });
  t.equal(badQualifier.status, 404, 'unknown qualifier → 404');
  const latest = await request(`${server.url}/default/web-ok/`, { headers: { 'x-scf-qualifier': '$LATEST' } });
  t.equal(latest.status, 200, 'X-Scf-Qualifier: $LATEST');
  t.equal(latest.body.toString(), 'ok');
  const one = await request(`${server.url}/default/web-ok/`, { headers: { 'x-scf-qualifier': '1' } });
  t.equal(one.status, 404, 'unpublished version → 404');

  // A web function of a subprocess runtime whose scf_bootstrap is not executable (the zip gives it
  // mode 644): its start code reaches the caller (native/web; the other codes: web-start-failures).
  await createFunction(client, 'py-web', { scf_bootstrap: '#!/bin/sh\nexec python3 -m http.server 9000\n' }, { Type: 'HTTP', Runtime: 'Python3.9', Handler: undefined });
  const py = await request(`${server.url}/default/py-web/`);
  t.equal(py.status, 445, 'scf_bootstrap not executable → 445');
  t.same(JSON.parse(py.body), { errorCode: -1, errorMessage: 'ContainerInitError', statusCode: 445 });

  // The control API and health routes are untouched.
  t.equal((await request(`${server.url}/healthz`)).status, 200);
  t.equal((await request(`${server.url}/metrics`)).status, 200);
  t.equal((await request(`${server.url}/single`)).status, 404);
});

t.test('a Workers-style module runs unmodified on a second function and qualifier', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  const WORKER = `
    export default {
      async fetch(request, env, ctx) {
        let done = false;
        ctx.waitUntil(new Promise((r) => setTimeout(() => { done = true; r(); }, 10)));
        const { pathname } = new URL(request.url);
        return new Response(JSON.stringify({ who: env.WHO, path: pathname, fn: request.headers.get('x-scf-name') }), {
          headers: { 'content-type': 'application/json' },
        });
      },
    };`;
  await createFunction(client, 'worker-a', { 'index.mjs': WORKER }, { ...WEB, Environment: { Variables: [{ Key: 'WHO', Value: 'a' }] } });
  await createFunction(client, 'worker-b', { 'index.mjs': WORKER }, { ...WEB, Environment: { Variables: [{ Key: 'WHO', Value: 'b' }] } });
  const a = JSON.parse((await request(`${server.url}/default/worker-a/p`)).body);
  t.same(a, { who: 'a', path: '/p', fn: 'worker-a' });
  const b = JSON.parse((await request(`${server.url}/default/worker-b/q`, { headers: { 'x-scf-qualifier': '$LATEST' } })).body);
  t.same(b, { who: 'b', path: '/q', fn: 'worker-b' }, 'same file, second function, qualifier $LATEST');
});

t.test('the hello-web sample is deployed on first start', async (t) => {
  const server = await startServer(t, { sample: true });
  const res = await request(`${server.url}/default/hello-web/?name=isola`);
  t.equal(res.status, 200);
  t.equal(res.body.toString(), 'Hello, isola!\n');
});
