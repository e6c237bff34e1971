'use strict';
// The README's nginx recipe, run as written in front of a real server: the
// block is read from README.md and only the listen port, the certificate
// paths and the upstream port are swapped for this test's. Through it: an
// HTTP/1.0 client is answered at once (nginx speaks HTTP/1.1 upstream; the
// gateway alone answers it 505), pipelined requests, chunk extensions and
// trailers are served, other method tokens and 60 headers pass, a malformed
// head gets 400 at once, HEAD and 204 keep the TLS connection usable, a
// streamed response arrives as produced, a body over 6 MB gets the gateway's
// 406, and a control-API request signed the Python SDK's way (Host with its
// port) verifies.
// Needs the nginx binary (Debian: nginx-light) and openssl; skipped without them.
const t = require('tap');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const tls = require('node:tls');
const crypto = require('node:crypto');
const { spawn, execFileSync } = require('node:child_process');
const { probeServer, get, RawConnection } = require('./helpers/raw-http');
const { ROOT } = require('./helpers/server');

const which = (bin) => ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'].map((d) => path.join(d, bin)).find((p) => fs.existsSync(p));
const NGINX = which('nginx');
const OPENSSL = which('openssl');

/** The ```nginx block of README.md, verbatim. */
function readmeRecipe() {
  const m = /```nginx\n([\s\S]*?)```/.exec(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  if (!m) throw new Error('README.md has no ```nginx block');
  return m[1];
}

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

t.test('the README nginx recipe in front of the gateway', { skip: !NGINX ? 'nginx is not installed (Debian package nginx-light)' : !OPENSSL ? 'openssl is not installed' : false }, async (t) => {
  const probe = await probeServer(t, 'behindnginx');
  const { server, base } = probe;
  const dir = t.testdir({});
  execFileSync(OPENSSL, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  const port = await freePort();
  const recipe = readmeRecipe();
  const swapped = recipe
    .replace('listen 443 ssl;', `listen 127.0.0.1:${port} ssl;`)
    .replace('/etc/ssl/functions.pem', path.join(dir, 'cert.pem'))
    .replace('/etc/ssl/functions.key', path.join(dir, 'key.pem'))
    .replace('http://127.0.0.1:9000', `http://127.0.0.1:${server.port}`);
  t.not(swapped, recipe, 'the swaps applied');
  for (const needle of [`listen 127.0.0.1:${port} ssl;`, path.join(dir, 'cert.pem'), `127.0.0.1:${server.port}`]) t.ok(swapped.includes(needle), `swapped in: ${needle}`);
  const conf = `
daemon off;
master_process off;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${swapped}
}
`;
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const nginx = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  nginx.stderr.on('data', (d) => (stderr += d));
  t.teardown(() => nginx.kill('SIGKILL'));
  // Ready when the port accepts TLS.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline || nginx.exitCode !== null) throw new Error(`nginx did not start: ${stderr}\n${fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const connectTls = () => {
    const c = new RawConnection(0, () => tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, servername: 'localhost' }));
    t.teardown(() => c.destroy());
    return c;
  };

  t.test('an HTTP/1.0 client is answered at once', async (t) => {
    const c = connectTls();
    const t0 = Date.now();
    const res = await c.exchange(`GET ${base}/v10 HTTP/1.0\r\nHost: localhost\r\n\r\n`, { timeoutMs: 3000 });
    t.equal(res.status, 200);
    t.equal(JSON.parse(res.body).url, 'http://localhost/v10');
    t.ok(Date.now() - t0 < 3000, `in ${Date.now() - t0} ms`);
  });

  t.test('pipelining, chunk extensions, trailers, any method, many headers through the proxy', async (t) => {
    const c = connectTls();
    await c.send(get(`${base}/one`) + get(`${base}/two`));
    const [one, two] = [await c.read(), await c.read()];
    t.same([one.status, two.status], [200, 200], 'two pipelined requests: both answered (nginx sends them upstream one at a time)');
    t.same([new URL(JSON.parse(one.body).url).pathname, new URL(JSON.parse(two.body).url).pathname], ['/one', '/two'], 'in order');
    const chunked = await c.exchange(`POST ${base}/c HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n`);
    t.equal(JSON.parse(chunked.body).body, 'hello', 'a chunk extension and a trailer section: the body arrives');
    t.equal((await c.exchange(get(`${base}/after`))).status, 200, 'and the connection is reused');
    const purge = await c.exchange(`PURGE ${base}/purge HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    t.equal(JSON.parse(purge.body).method, 'PURGE', 'another method token passes through');
    const many = Array.from({ length: 60 }, (_, i) => `X-H${i}: ${i}\r\n`).join('');
    const manyRes = await c.exchange(get(`${base}/many`, many));
    t.equal(JSON.parse(manyRes.body).headers.filter(([name]) => name.startsWith('x-h')).length, 60, '60 request headers pass through');
    const bad = connectTls();
    const t0 = Date.now();
    const refused = await bad.exchange(`GET ${base}/x HTTP/1.1\r\nHost: localhost\r\nBad Name: 1\r\n\r\n`, { timeoutMs: 3000 });
    t.equal(refused.status, 400, `a malformed header line: nginx answers 400 at once (${Date.now() - t0} ms)`);
  });

  t.test('HEAD, 204 and reuse over one TLS connection', async (t) => {
    const c = connectTls();
    const head = await c.exchange(`HEAD ${base}/h HTTP/1.1\r\nHost: localhost\r\n\r\n`, { head: true });
    t.equal(head.status, 200);
    const next = await c.exchange(get(`${base}/after-head`));
    t.equal(next.status, 200, 'the connection is reused after HEAD');
    t.equal(new URL(JSON.parse(next.body).url).pathname, '/after-head');
  });

  t.test('a streamed response arrives as produced', async (t) => {
    const c = connectTls();
    await c.send(get(`${base}/stream`));
    const t0 = Date.now();
    while (!c.unread.toString('latin1').includes('one')) await c.next(3000);
    const firstAt = Date.now() - t0;
    const res = await c.read();
    t.equal(res.body.toString(), 'onetwothree');
    t.ok(Date.now() - t0 - firstAt >= 450, 'the first part came well before the last (proxy_buffering off)');
  });

  t.test('a body over 6 MB gets the gateway\'s 406', async (t) => {
    const c = connectTls();
    const body = Buffer.alloc(6 * 1024 * 1024 + 1, 97);
    await c.send(Buffer.concat([Buffer.from(`POST ${base}/big HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
    const res = await c.read({ timeoutMs: 20_000 });
    t.equal(res.status, 406, `406 (${res.status} ${res.body.toString().slice(0, 80)})`);
    t.same(JSON.parse(res.body), { errorCode: -1, errorMessage: 'RequestTooLarge', statusCode: 406 });
  });

  t.test('a control-API request signed over Host with its port (the Python SDK way)', async (t) => {
    const host = `localhost:${port}`;
    const body = '{"Limit":1}';
    const timestamp = Math.floor(Date.now() / 1000);
    const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
    const sha = (d) => crypto.createHash('sha256').update(d).digest('hex');
    const hmac = (k, d) => crypto.createHmac('sha256', k).update(d).digest();
    const canonical = ['POST', '/', '', `content-type:application/json\nhost:${host}\n`, 'content-type;host', sha(body)].join('\n');
    const toSign = ['TC3-HMAC-SHA256', String(timestamp), `${date}/scf/tc3_request`, sha(canonical)].join('\n');
    const signature = crypto.createHmac('sha256', hmac(hmac(hmac(`TC3${server.credentials.SecretKey}`, date), 'scf'), 'tc3_request')).update(toSign).digest('hex');
    const c = connectTls();
    const res = await c.exchange(
      `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nX-TC-Action: ListFunctions\r\nX-TC-Version: 2018-04-16\r\nX-TC-Timestamp: ${timestamp}\r\nX-TC-Region: ap-guangzhou\r\n` +
        `Authorization: TC3-HMAC-SHA256 Credential=${server.credentials.SecretId}/${date}/scf/tc3_request, SignedHeaders=content-type;host, Signature=${signature}\r\n\r\n${body}`,
    );
    t.equal(res.status, 200);
    t.equal(res.header('content-type'), 'application/json');
    const json = JSON.parse(res.body);
    t.equal(json.Response.Error, undefined, `verified through the proxy (${res.body.slice(0, 120)})`);
  });
});
