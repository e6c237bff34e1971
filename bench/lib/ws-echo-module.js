'use strict';
/** The WebSocket echo web function of bench/ws.js and `bench/profile-http.js --ws`: echoes every message. */
const ECHO = `export default {
  fetch(request) {
    if (request.headers.get('upgrade') !== 'websocket') return new Response('ok');
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener('message', (event) => server.send(event.data));
    return new Response(null, { status: 101, webSocket: client });
  },
};\n`;

module.exports = { ECHO };
