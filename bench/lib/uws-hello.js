'use strict';
/**
 * The physical baseline: raw uWebSockets.js answering `hello` to every GET,
 * run as its own process by bench/lib/servers.js.
 */
const { loadNativeUws, listen } = require('./uws-native');

const uWS = loadNativeUws();
listen(uWS, uWS.App().get('/*', (res) => {
  res.end('hello');
}));
