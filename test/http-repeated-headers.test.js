'use strict';
// Several Set-Cookie lines stay apart (never joined with ", ", which breaks
// cookies whose Expires holds a comma); repeated request headers reach the
// function combined as Fetch combines them (values joined by ", ").
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

t.test('Set-Cookie apart, request headers combined', async (t) => {
  const { base, connect } = await probeServer(t, 'headers');
  const c = connect();
  const cookies = await c.exchange(get(`${base}/cookies`));
  t.same(cookies.headers('set-cookie'), ['a=1; Path=/', 'b=2, c=3; Expires=Wed, 21 Oct 2037 07:28:00 GMT'], 'two Set-Cookie lines, as set');
  const echo = await c.exchange(get(`${base}/h`, 'X-Multi: one\r\nAccept: text/html\r\nX-Multi: two\r\nx-multi: three\r\n'));
  const headers = Object.fromEntries(JSON.parse(echo.body).headers);
  t.equal(headers['x-multi'], 'one, two, three', 'repeated request headers combined in order');
  t.equal(headers.accept, 'text/html');
  t.equal((await c.exchange(get(`${base}/after`))).status, 200, 'the connection is reused');
});
