'use strict';
// A raw HTTP client for the data-plane tests: node:http, so tests control
// chunked uploads, repeated headers and aborts, and see raw headers.
const http = require('node:http');

/**
 * Sends one request. Options: method, headers (object or raw array of
 * [name, value] pairs), body (Buffer/string, sent at once), chunks (array of
 * Buffers/strings written `chunkDelayMs` apart with chunked encoding).
 * Resolves { status, headers, rawHeaders, body (Buffer), chunkTimes (ms since
 * the response head, one per data event) }.
 */
function request(url, options = {}) {
  return new Promise((resolve, reject) => {
    // node adds no Host header to raw (array) headers; uWS rightly refuses HTTP/1.1 without one.
    const raw = Array.isArray(options.headers) ? options.headers : undefined;
    const headers = raw ? (raw.some(([k]) => k.toLowerCase() === 'host') ? raw : [['Host', new URL(url).host], ...raw]).flat() : options.headers;
    // node sends a DELETE/OPTIONS body with neither Content-Length nor chunked encoding unless told.
    if (options.body !== undefined && !raw && !Object.keys(headers ?? {}).some((k) => k.toLowerCase() === 'content-length')) {
      options = { ...options, headers: { ...headers, 'content-length': Buffer.byteLength(options.body) } };
    }
    let answered = false;
    /** Answered with an error before the upload ended (406): the server closes after it. */
    let refused = false;
    const req = http.request(url, { method: options.method ?? 'GET', headers: raw ? headers : options.headers, agent: false }, (res) => {
      answered = true;
      refused = res.statusCode >= 400;
      const parts = [];
      const chunkTimes = [];
      const t0 = Date.now();
      res.on('data', (d) => {
        parts.push(d);
        chunkTimes.push(Date.now() - t0);
      });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(parts), chunkTimes }));
      res.on('error', reject);
    });
    // A server that answers early (406) and closes may make our unfinished upload fail: the answer still counts.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (options.chunks) {
      const delay = options.chunkDelayMs ?? 50;
      let i = 0;
      const next = () => {
        if (req.destroyed) return;
        // Refused early (406): stop sending, as curl does. The server closes the connection after
        // that answer; a write into the closed connection fails (EPIPE) and node then drops the
        // socket, an answer it had not read yet included. (A 2xx streamed back while the upload
        // goes on is no refusal: the upload continues.)
        if (i === options.chunks.length || refused) return req.end();
        const ok = req.write(options.chunks[i++]);
        if (!ok) req.once('drain', later);
        else later();
      };
      // The next write waits for the event loop's poll phase (setImmediate after the timer), so an
      // answer that arrived meanwhile is read before it (timers run before the poll phase).
      const later = () => setTimeout(() => setImmediate(next), delay);
      next();
    } else {
      req.end(options.body);
    }
  });
}

module.exports = { request };
