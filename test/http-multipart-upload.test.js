'use strict';
// Issue 18: a Workers-style app accepting a multipart file upload. The client
// is Node's own fetch/FormData (undici), so both directions cross two
// independent multipart implementations: Node serialises the upload, the
// isolate parses it (request.formData()); the isolate serialises a FormData
// response body, Node parses it (response.formData()).
const t = require('tap');
const crypto = require('node:crypto');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');

const UPLOAD_APP = `
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const form = await request.formData();
    if (url.pathname === '/echo') {
      // Send every entry back as a multipart body (FormData → multipart with a boundary).
      const out = new FormData();
      for (const [name, value] of form) out.append(name, value);
      out.append('server', 'isola');
      return new Response(out);
    }
    const file = form.get('file');
    const bytes = new Uint8Array(await file.arrayBuffer());
    let sum = 0;
    for (const b of bytes) sum = (sum * 31 + b) >>> 0;
    const asBlob = await new Response(file).blob();
    return Response.json({
      fields: [...form.keys()],
      title: form.get('title'),
      tags: form.getAll('tag'),
      file: { isFile: file instanceof File, isBlob: file instanceof Blob, name: file.name, type: file.type, size: file.size, sum },
      blobType: asBlob.type,
      query: new URLSearchParams(form).get('title'),
    });
  },
};`;

function checksum(buf) {
  let sum = 0;
  for (const b of buf) sum = (sum * 31 + b) >>> 0;
  return sum;
}

t.test('multipart upload into an isolate web function', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'upload', { 'index.mjs': UPLOAD_APP }, { Type: 'HTTP', Handler: 'index.fetch' });
  const base = `${server.url}/default/upload`;
  const content = crypto.randomBytes(300 * 1024); // several frames and stream chunks, bytes of every value

  t.test('a file and fields sent by Node fetch arrive intact', async (t) => {
    const form = new FormData();
    form.append('title', 'héllo wörld');
    form.append('tag', 'a');
    form.append('tag', 'b');
    form.append('file', new Blob([content], { type: 'image/png' }), 'photo "1".png');
    const res = await fetch(`${base}/upload`, { method: 'POST', body: form });
    const text = await res.text();
    t.equal(res.status, 200, text);
    const got = JSON.parse(text);
    t.same(got.fields, ['title', 'tag', 'tag', 'file']);
    t.equal(got.title, 'héllo wörld');
    t.same(got.tags, ['a', 'b']);
    t.same(got.file, { isFile: true, isBlob: true, name: 'photo %221%22.png', type: 'image/png', size: content.length, sum: checksum(content) });
    t.equal(got.blobType, 'image/png', 'blob() takes the type from the body\'s Content-Type');
    t.equal(got.query, 'héllo wörld', 'URLSearchParams from FormData');
  });

  t.test('a FormData response body is multipart that Node parses back', async (t) => {
    const form = new FormData();
    form.append('note', 'line1\nline2');
    form.append('file', new Blob([content], { type: 'application/octet-stream' }), 'data.bin');
    const res = await fetch(`${base}/echo`, { method: 'POST', body: form });
    t.equal(res.status, 200);
    t.match(res.headers.get('content-type'), /^multipart\/form-data; boundary=\S+$/);
    const back = await res.formData();
    t.equal(back.get('note'), 'line1\r\nline2', 'newlines in values are normalised to CRLF (HTML spec)');
    t.equal(back.get('server'), 'isola');
    const file = back.get('file');
    t.equal(file.name, 'data.bin');
    t.equal(file.type, 'application/octet-stream');
    t.ok(Buffer.from(await file.arrayBuffer()).equals(content), 'file bytes round-trip');
  });

  t.test('a chunked (streamed) multipart upload', async (t) => {
    const boundary = 'XyZ';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="s.txt"\r\nContent-Type: text/plain\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nstreamed\r\n--${boundary}--\r\n`),
    ]);
    const chunks = [];
    for (let i = 0; i < body.length; i += 64 * 1024) chunks.push(body.subarray(i, i + 64 * 1024));
    const res = await request(`${base}/upload`, {
      method: 'POST', headers: { 'content-type': `multipart/form-data; boundary="${boundary}"`, 'transfer-encoding': 'chunked' }, chunks, chunkDelayMs: 5,
    });
    t.equal(res.status, 200, res.body.toString());
    const got = JSON.parse(res.body);
    t.equal(got.title, 'streamed');
    t.same(got.file, { isFile: true, isBlob: true, name: 's.txt', type: 'text/plain', size: content.length, sum: checksum(content) });
  });

  t.test('an urlencoded form', async (t) => {
    const res = await request(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=x+y%21&a=2' });
    t.equal(res.status, 200);
    const back = await new Response(res.body, { headers: { 'content-type': res.headers['content-type'] } }).formData();
    t.same([...back], [['a', '1'], ['b', 'x y!'], ['a', '2'], ['server', 'isola']]);
  });
});
