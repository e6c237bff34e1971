'use strict';
// A request body over the limit is answered with the spec's status (406
// RequestTooLarge, its error body) before the connection closes: at once
// for a declared Content-Length, before the body is sent, with
// `Connection: close` — the gateway then drops the body the client may
// still send instead of resetting the connection under it (a proxy that
// sends the whole body first would lose the answer); as soon as a chunked
// body crosses the limit, then closed. The next connection is served.
const t = require('tap');
const { probeServer, get } = require('./helpers/raw-http');

const LIMIT = 6 * 1024 * 1024;

t.test('406 before the close', async (t) => {
  const { base, connect } = await probeServer(t, 'bigbody');
  const declared = connect();
  await declared.send(`POST ${base}/big HTTP/1.1\r\nHost: test\r\nContent-Length: ${LIMIT + 1}\r\n\r\n`);
  const res = await declared.read();
  t.equal(res.status, 406, 'Content-Length over 6 MB: 406 before any body byte is sent');
  t.same(JSON.parse(res.body), { errorCode: -1, errorMessage: 'RequestTooLarge', statusCode: 406 });
  t.equal(res.header('connection'), 'close', 'the client is told to close');
  await declared.send(Buffer.alloc(LIMIT + 1, 97));
  t.notOk(await declared.waitClose(300), 'the body sent anyway is read and dropped, the connection not reset under it');

  const streamed = connect();
  await streamed.send(`POST ${base}/big HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n`);
  const piece = Buffer.alloc(256 * 1024, 97);
  const frame = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
  let sent = 0;
  while (sent <= LIMIT && !streamed.closed && streamed.unread.length === 0) {
    await streamed.send(frame);
    sent += piece.length;
    await streamed.next(5);
  }
  const answer = await streamed.read();
  t.equal(answer.status, 406, `chunked body: 406 once it crossed the limit (${sent} bytes sent)`);
  t.ok(sent > LIMIT && sent < LIMIT + 4 * 1024 * 1024, 'answered as it crossed, not at the end');
  t.ok(await streamed.waitClose(2000), 'then the connection closes');

  t.equal((await connect().exchange(get(`${base}/after`))).status, 200, 'a new connection is served');
});
