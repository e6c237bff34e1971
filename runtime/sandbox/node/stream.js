// node:stream for the isolate's Node.js compatibility set: Node's own streams
// (npm readable-stream 4: Readable, Writable, Duplex, Transform, PassThrough,
// pipeline, finished, compose, addAbortSignal, promises), plus the bridges to the
// isolate's web streams that Node 20 has and readable-stream lacks:
// Readable.fromWeb / Readable.toWeb, Writable.fromWeb / Writable.toWeb.
'use strict';

const stream = require('readable-stream');
const { Readable, Writable } = stream;

const encoder = new TextEncoder();
const asBytes = (chunk) => (typeof chunk === 'string' ? encoder.encode(chunk) : chunk instanceof Uint8Array ? chunk : ArrayBuffer.isView(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) : chunk);

/** A Node Readable reading a web ReadableStream (options as for new Readable). */
Readable.fromWeb = function fromWeb(readableStream, options = {}) {
  if (!(readableStream instanceof ReadableStream)) throw Object.assign(new TypeError('The "readableStream" argument must be an instance of ReadableStream'), { code: 'ERR_INVALID_ARG_TYPE' });
  const reader = readableStream.getReader();
  return new Readable({
    ...options,
    read() {
      reader.read().then(({ value, done }) => { this.push(done ? null : value); }, (e) => this.destroy(e));
    },
    destroy(err, cb) {
      reader.cancel(err ?? undefined).then(() => cb(err), () => cb(err));
    },
  });
};
/** A web ReadableStream of a Node Readable's chunks (strings become UTF-8 bytes). */
Readable.toWeb = function toWeb(readable) {
  const it = readable[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await it.next();
      if (done) controller.close();
      else controller.enqueue(readable.readableObjectMode ? value : asBytes(value));
    },
    cancel(reason) { readable.destroy(reason instanceof Error ? reason : undefined); },
  });
};
/** A Node Writable writing into a web WritableStream. */
Writable.fromWeb = function fromWeb(writableStream, options = {}) {
  if (!(writableStream instanceof WritableStream)) throw Object.assign(new TypeError('The "writableStream" argument must be an instance of WritableStream'), { code: 'ERR_INVALID_ARG_TYPE' });
  const writer = writableStream.getWriter();
  return new Writable({
    ...options,
    write(chunk, _encoding, cb) { writer.write(chunk).then(() => cb(), cb); },
    final(cb) { writer.close().then(() => cb(), cb); },
    destroy(err, cb) { (err ? writer.abort(err) : Promise.resolve()).then(() => cb(err), () => cb(err)); },
  });
};
/** A web WritableStream writing into a Node Writable. */
Writable.toWeb = function toWeb(writable) {
  return new WritableStream({
    write(chunk) { return new Promise((resolve, reject) => { writable.write(chunk, (err) => (err ? reject(err) : resolve())); }); },
    close() { return new Promise((resolve, reject) => { writable.end((err) => (err ? reject(err) : resolve())); }); },
    abort(reason) { writable.destroy(reason instanceof Error ? reason : new Error(String(reason))); },
  });
};

module.exports = stream;
