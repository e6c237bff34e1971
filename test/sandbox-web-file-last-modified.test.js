'use strict';
// File's lastModified (File API §4.1): the time of construction when the option is absent (fixed
// then, not read again), the option converted as WebIDL's long long, kept through structuredClone
// and FormData's renaming from the File's own slots (a patched getter or an own property changes
// nothing), and 0 for a file parsed out of a multipart body (WPT formdata-parsing).
const t = require('tap');
const { sandbox } = require('./helpers/sandbox');

t.test('lastModified defaults to the construction time and does not move', async (t) => {
  const box = sandbox(t);
  const [before, value, after, again] = await box.runAsync(`async () => {
    const before = Date.now();
    const f = new File(['x'], 'a.txt');
    const after = Date.now();
    const value = f.lastModified;
    await new Promise((resolve) => { const end = Date.now() + 5; while (Date.now() < end); resolve(); });
    return [before, value, after, f.lastModified];
  }`);
  t.ok(value >= before && value <= after, `construction time (${before} ≤ ${value} ≤ ${after})`);
  t.equal(again, value, 'the same value later');
  t.same(await box.runAsync(`async () => [typeof new File([], 'n', { lastModified: undefined }).lastModified,
    new File([], 'n', { lastModified: undefined }).lastModified > 1e12, new File([], 'n', {}).lastModified > 1e12]`),
  ['number', true, true], 'an undefined option or an empty bag is the default too');
});

t.test('the lastModified option is converted as WebIDL long long', async (t) => {
  const box = sandbox(t);
  const got = await box.runAsync(`async () => [42, '123', 1.9, -1.5, NaN, Infinity, -Infinity, -0, 2 ** 53 + 10, 2 ** 64 + 2 ** 12,
    -(2 ** 63) - 4096, true, null, new Date(5000), '0x10', ' 7 ', 'abc']
    .map((v) => String(new File([], 'n', { lastModified: v }).lastModified))`);
  t.same(got, ['42', '123', '1', '-1', '0', '0', '0', '0', '9007199254741002', '4096', String(2 ** 63 - 4096), '1', '0', '5000', '16', '7', '0']);
  t.same(await box.runAsync(`async () => [Symbol(), 1n].map((v) => { try { new File([], 'n', { lastModified: v }); return 'no error'; } catch (e) { return e.constructor.name; } })`),
    ['TypeError', 'TypeError'], 'a Symbol or a BigInt throws TypeError');
});

t.test('structuredClone and FormData keep lastModified from the File itself', async (t) => {
  const box = sandbox(t);
  const got = await box.runAsync(`async () => {
    const f = new File(['abc'], 'c.txt', { type: 'Text/Plain', lastModified: 1234 });
    Object.defineProperty(f, 'lastModified', { value: -1 });
    Object.defineProperty(f, 'name', { value: 'own.txt' });
    const clone = structuredClone(f);
    const fd = new FormData();
    fd.append('kept', f);
    fd.append('renamed', f, 'r.txt');
    fd.append('blob', new Blob(['q']));
    const renamed = fd.get('renamed');
    return [clone instanceof File, Object.getOwnPropertyNames(clone), clone.name, clone.type, clone.lastModified, await clone.text(),
      fd.get('kept') === f, renamed.name, renamed.type, renamed.lastModified, fd.get('blob').name, fd.get('blob').lastModified > 1e12];
  }`);
  t.same(got, [true, [], 'c.txt', 'text/plain', 1234, 'abc', true, 'r.txt', 'text/plain', 1234, 'blob', true]);
});

t.test('a file parsed from a multipart body has lastModified 0', async (t) => {
  const box = sandbox(t);
  const got = await box.runAsync(`async () => {
    const fd = new FormData();
    fd.append('a', new File(['q'], 'q.txt', { lastModified: 77 }));
    const parsed = await new Response(fd).formData();
    return [parsed.get('a').name, parsed.get('a').lastModified, await parsed.get('a').text()];
  }`);
  t.same(got, ['q.txt', 0, 'q']);
});
