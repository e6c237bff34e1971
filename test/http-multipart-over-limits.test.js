'use strict';
// Issue 18, hostile: a multipart body built to exhaust the parser — too many
// parts, a malformed part, no closing boundary — gets a clear TypeError from
// request.formData() (the app answers 400 with it), never a crash, and the
// instance keeps serving.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');

const APP = `
export default {
  async fetch(request) {
    try {
      const form = await request.formData();
      return new Response('parts: ' + [...form.keys()].length);
    } catch (e) {
      return new Response(e.name + ': ' + e.message, { status: 400 });
    }
  },
};`;

const part = (b, name, value) => `--${b}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;

t.test('multipart bodies over the parser limits', async (t) => {
  const server = await startServer(t);
  await createFunction(server.client(), 'form', { 'index.mjs': APP }, { Type: 'HTTP', Handler: 'index.fetch' });
  const post = (body, type = 'multipart/form-data; boundary=b') => request(`${server.url}/default/form`, { method: 'POST', headers: { 'content-type': type }, body });

  const many = await post(Array.from({ length: 1001 }, (_, i) => part('b', `f${i}`, 'x')).join('') + '--b--\r\n');
  t.equal(many.status, 400);
  t.equal(many.body.toString(), 'TypeError: Failed to parse body as FormData: more than 1000 parts');

  const unnamed = await post('--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n');
  t.equal(unnamed.body.toString(), 'TypeError: Failed to parse body as FormData: a part has no name');

  const unclosed = await post(part('b', 'a', 'x').slice(0, -2));
  t.equal(unclosed.body.toString(), 'TypeError: Failed to parse body as FormData: the body ends before the closing boundary');

  const noBoundary = await post(part('b', 'a', 'x'), 'multipart/form-data');
  t.equal(noBoundary.body.toString(), 'TypeError: Failed to parse body as FormData: missing or invalid boundary');

  const wrongType = await post('{}', 'application/json');
  t.equal(wrongType.body.toString(), 'TypeError: Failed to parse body as FormData: unsupported Content-Type "application/json"');

  const exactly = await post(Array.from({ length: 1000 }, (_, i) => part('b', `f${i}`, 'x')).join('') + '--b--\r\n');
  t.equal(exactly.status, 200, 'the limit itself is accepted and the instance still serves');
  t.equal(exactly.body.toString(), 'parts: 1000');
});
