'use strict';
/**
 * Raw uWebSockets.js answering `hello` the ways the isola gateway does, one
 * step at a time (argv[3] = the variant; bench/gateway-floor.js runs them):
 *
 *   sync      res.end inside the request handler (as bench/lib/uws-hello.js)
 *   deferred  the answer in a later event-loop turn (setImmediate, the
 *             requests of a turn together) inside res.cork, with the
 *             onAborted handler uWS then requires — the gateway answers when
 *             the isolate host's frame arrives, never inside the handler
 *   head      deferred, plus the status line and two headers written with one
 *             writeStatus/writeHeader call each, as UwsResponseSink.writeHead
 *             does for a hello response (the function's Content-Type and
 *             X-Scf-Request-Id)
 */
const { loadNativeUws, listen } = require('./uws-native');

const VARIANTS = ['sync', 'deferred', 'head'];
const variant = process.argv[3] ?? 'sync';
if (!VARIANTS.includes(variant)) {
  console.error(`unknown variant ${JSON.stringify(variant)}: one of ${VARIANTS.join(', ')}`);
  process.exit(2);
}
const REQUEST_ID = '0d2b7c1e-3f4a-4b5c-8d6e-7f8091a2b3c4';

const uWS = loadNativeUws();
let pending = [];
let scheduled = false;

function answer(res) {
  if (variant === 'head') {
    res.writeStatus('200 OK');
    res.writeHeader('content-type', 'text/plain;charset=UTF-8');
    res.writeHeader('X-Scf-Request-Id', REQUEST_ID);
  }
  res.end('hello');
}

function flush() {
  scheduled = false;
  const turn = pending;
  pending = [];
  for (const res of turn) if (!res.gone) res.cork(() => answer(res));
}

listen(uWS, uWS.App().get('/*', (res) => {
  if (variant === 'sync') {
    res.end('hello');
    return;
  }
  res.onAborted(() => {
    res.gone = true;
  });
  pending.push(res);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}));
