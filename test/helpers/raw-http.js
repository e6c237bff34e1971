'use strict';
// A raw-socket HTTP/1.1 client for the wire tests: the test writes the exact
// bytes of a request (pipelined, malformed, byte by byte) on one TCP
// connection and reads the responses back one by one, framing them as
// RFC 9112 §6.3 says (no body after HEAD, 1xx, 204, 304; else
// Content-Length, chunked, or until close), so a response that lies about
// its length shows up as a wrong next response or a timeout.
const net = require('node:net');
const { startServer } = require('./server');
const { createFunction } = require('./functions');

class RawConnection {
  /** `open` makes the socket (default: TCP to 127.0.0.1:`port`; tests behind TLS pass tls.connect). */
  constructor(port, open = () => net.connect(port, '127.0.0.1')) {
    this.socket = open();
    this.buffer = Buffer.alloc(0);
    this.closed = false;
    this.closedAt = 0;
    this.waiters = [];
    this.socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.closed = true;
      this.closedAt = Date.now();
      this.wake();
    });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once(this.socket.encrypted ? 'secureConnect' : 'connect', resolve);
      this.socket.once('error', reject);
    });
  }

  wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves on the next data or close event, or after `ms`. */
  next(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async send(bytes) {
    await this.ready;
    this.socket.write(bytes);
  }

  /**
   * Reads one response (an interim 1xx counts as one). `head: true` for the answer to HEAD.
   * Rejects when the connection closes first or nothing complete arrives within `timeoutMs`.
   */
  async read({ head = false, timeoutMs = 5000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseResponse(this.buffer, head, this.closed);
      if (parsed) {
        this.buffer = this.buffer.subarray(parsed.consumed);
        return parsed.response;
      }
      if (this.closed) throw new Error(`connection closed before a complete response; received ${JSON.stringify(this.buffer.toString('latin1').slice(0, 200))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no complete response in ${timeoutMs} ms; received ${JSON.stringify(this.buffer.toString('latin1').slice(0, 200))}`);
      await this.next(left);
    }
  }

  /** Sends a request and reads its response. */
  async exchange(bytes, options) {
    await this.send(bytes);
    return this.read(options);
  }

  /** Waits up to `ms` for the server to close; resolves true if it did. */
  async waitClose(ms) {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await this.next(deadline - Date.now());
    return this.closed;
  }

  /** Bytes received and not consumed by a response. */
  get unread() {
    return this.buffer;
  }

  destroy() {
    this.socket.destroy();
  }
}

/** Parses one response from `buf`, or returns undefined when it is not complete yet. */
function parseResponse(buf, head, closed) {
  const end = buf.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const statusLine = /^HTTP\/(1\.[01]) (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!statusLine) throw new Error(`not an HTTP status line: ${JSON.stringify(lines[0])}`);
  const status = Number(statusLine[2]);
  const rawHeaders = lines.slice(1).map((line) => {
    const i = line.indexOf(':');
    return [line.slice(0, i).toLowerCase(), line.slice(i + 1).trim()];
  });
  const header = (name) => rawHeaders.find(([n]) => n === name)?.[1];
  const response = { version: statusLine[1], status, reason: statusLine[3] ?? '', rawHeaders, header, headers: (name) => rawHeaders.filter(([n]) => n === name).map(([, v]) => v) };
  let offset = end + 4;
  if (head || status < 200 || status === 204 || status === 304) return { response: { ...response, body: Buffer.alloc(0) }, consumed: offset };
  if (/chunked/i.test(header('transfer-encoding') ?? '')) {
    const parts = [];
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', offset);
      if (lineEnd === -1) return undefined;
      const size = parseInt(buf.subarray(offset, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) throw new Error('bad chunk size in the response');
      if (buf.length < lineEnd + 2 + size + 2) return undefined;
      if (size === 0) return { response: { ...response, body: Buffer.concat(parts) }, consumed: lineEnd + 4 };
      parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
      offset = lineEnd + 2 + size + 2;
    }
  }
  const length = header('content-length');
  if (length !== undefined) {
    const n = Number(length);
    if (!Number.isSafeInteger(n)) throw new Error(`bad Content-Length in the response: ${length}`);
    if (buf.length < offset + n) return undefined;
    return { response: { ...response, body: buf.subarray(offset, offset + n) }, consumed: offset + n };
  }
  if (!closed) return undefined;
  return { response: { ...response, body: buf.subarray(offset) }, consumed: buf.length };
}

/** A GET request's bytes (HTTP/1.1, Host set), with extra header lines. */
const get = (path, extra = '') => `GET ${path} HTTP/1.1\r\nHost: test\r\n${extra}\r\n`;

/**
 * Starts a server with one web function (`source`, a module with a default `fetch`) named `name`;
 * resolves { server, base: '/default/<name>', connect() → RawConnection (destroyed on teardown) }.
 */
async function webFunctionServer(t, name, source) {
  const server = await startServer(t);
  await createFunction(server.client(), name, { 'index.mjs': source }, { Type: 'HTTP', Handler: 'index.fetch' });
  const connect = () => {
    const connection = new RawConnection(server.port);
    t.teardown(() => connection.destroy());
    return connection;
  };
  return { server, base: `/default/${name}`, connect };
}

/**
 * The wire tests' function: `/seen` lists the paths this instance served; `/cookies` sets two
 * cookies; `/stream` sends three chunks 300 ms apart; anything else echoes
 * { method, url, headers, body } as JSON.
 */
const PROBE_APP = `const seen = [];
export default { async fetch(request) {
  const url = new URL(request.url);
  if (url.pathname === '/seen') return Response.json(seen);
  seen.push(url.pathname);
  if (url.pathname === '/cookies') {
    const headers = new Headers();
    headers.append('set-cookie', 'a=1; Path=/');
    headers.append('set-cookie', 'b=2, c=3; Expires=Wed, 21 Oct 2037 07:28:00 GMT');
    return new Response('cookies', { headers });
  }
  if (url.pathname === '/stream') {
    const encoder = new TextEncoder();
    const body = new ReadableStream({ async start(controller) {
      for (const part of ['one', 'two', 'three']) {
        controller.enqueue(encoder.encode(part));
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      controller.close();
    } });
    return new Response(body);
  }
  return Response.json({ method: request.method, url: request.url, headers: [...request.headers], body: await request.text() });
} };`;

/**
 * Sends each of `requests` ({ name: bytes }) on its own connection at once and resolves, for
 * each, { name, closed, after (ms from the start to the close), answer (first line received, or '') }
 * once all are closed or `waitMs` passed.
 */
async function closesOf(connect, requests, waitMs = 20_000) {
  const t0 = Date.now();
  return Promise.all(
    Object.entries(requests).map(async ([name, bytes]) => {
      const c = connect();
      await c.send(bytes);
      const closed = await c.waitClose(waitMs);
      return { name, closed, after: c.closedAt - t0, answer: c.unread.toString('latin1').split('\r\n')[0] };
    }),
  );
}

/** `webFunctionServer` with PROBE_APP, plus `seen()`: the paths the function served (read on a fresh connection). */
async function probeServer(t, name) {
  const probe = await webFunctionServer(t, name, PROBE_APP);
  probe.seen = async () => JSON.parse((await probe.connect().exchange(get(`${probe.base}/seen`))).body);
  return probe;
}

module.exports = { RawConnection, webFunctionServer, probeServer, closesOf, get, PROBE_APP };
