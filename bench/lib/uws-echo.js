'use strict';
/**
 * The physical WebSocket baseline: raw uWebSockets.js echoing every message
 * (same type) on any path, run as its own process by bench/lib/servers.js.
 */
const { loadNativeUws, listen } = require('./uws-native');

const uWS = loadNativeUws();
listen(uWS, uWS.App().ws('/*', {
  maxPayloadLength: 512 * 1024,
  idleTimeout: 0,
  message: (ws, message, isBinary) => {
    ws.send(message, isBinary);
  },
}));
