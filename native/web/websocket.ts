/**
 * A WebSocket of a web function (ProtocolType WS), proxied to its instance:
 * the client's upgrade request goes to the instance's server as a WebSocket
 * handshake (with the request's headers, X-Scf-* included); when it answers
 * 101 the gateway completes the client's upgrade (`sink.upgrade`) and frames
 * flow both ways until either side closes. An answer other than 101 (the
 * server refused the upgrade) is proxied as a plain response.
 *
 * The close codes pass through, so the gateway's session decides the status
 * (platform-semantics §4: 1000/1011 from the server are success, others 439;
 * the client's 1000/1010 success, others 456; idle 455; the execution
 * timeout 433). The invocation ends when the connection is closed on both
 * sides.
 */
import WebSocket from 'ws';
import type { HttpCall, HttpResponseSink, WebSocketChannel, WebSocketPeer } from '../../executor';
import { watchExchange } from './exchange';
import type { WebInstance } from './instance';
import { MAX_RESPONSE_BYTES, pairsOf, pathOf, upstreamHeaders, type ProxyEnd } from './proxy';

/** Request headers the ws client writes itself for its own handshake. */
const HANDSHAKE = new Set([
  'connection', 'upgrade', 'keep-alive', 'transfer-encoding', 'sec-websocket-key', 'sec-websocket-version',
  'sec-websocket-extensions', 'sec-websocket-protocol', 'host',
]);

/** The upstream's close when its connection dropped without a close frame (1006 cannot be sent). */
const DROPPED = { code: 1001, reason: 'the function\'s connection dropped' };

/** Whether `headers` ask for a WebSocket upgrade. */
export function isUpgrade(headers: Array<[string, string]>): boolean {
  return headers.some(([n, v]) => n.toLowerCase() === 'upgrade' && v.toLowerCase() === 'websocket');
}

/** Proxies the WebSocket handshake of `call`, then the connection. Never rejects. */
export function proxyWebSocket(inst: WebInstance, call: HttpCall, sink: HttpResponseSink, signal: AbortSignal | undefined): Promise<ProxyEnd & { webSocket?: boolean }> {
  const { request } = call;
  const end: ProxyEnd & { webSocket?: boolean } = { kind: 'ok', responseStarted: false, responseBytes: 0, responseEnded: false };
  const protocols = request.headers.find(([n]) => n.toLowerCase() === 'sec-websocket-protocol')?.[1]?.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const flat = upstreamHeaders(request.headers, HANDSHAKE);
  const headers: Record<string, string> = {};
  // ws takes an object: repeated names are joined (a handshake rarely repeats any).
  for (let i = 0; i < flat.length; i += 2) headers[flat[i]!] = headers[flat[i]!] === undefined ? flat[i + 1]! : `${headers[flat[i]!]}, ${flat[i + 1]!}`;
  return new Promise((resolve) => {
    let peer: WebSocketPeer | null = null;
    let clientClosed = false;
    let upstreamClosed = false;
    const upstream = new WebSocket(`ws://127.0.0.1:${inst.hostPort}${pathOf(request.url)}`, protocols ?? [], {
      headers, perMessageDeflate: false, maxPayload: 0, followRedirects: false,
      // The handshake goes through slirp4netns to a live server: its answer is quick or nothing is there.
      handshakeTimeout: call.spec.timeoutMs,
    });
    // Before the upgrade, the client going away cancels; after it, the session reports the close.
    const { finish } = watchExchange(inst, call.spec.timeoutMs, signal, () => peer === null, (kind, message) => {
      end.kind = kind;
      if (message !== undefined) end.errorMessage = message;
      if (kind !== 'ok') upstream.terminate();
      resolve(end);
    });

    const channel: WebSocketChannel = {
      message(data) {
        if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: typeof data !== 'string' });
      },
      closed(code, reason) {
        clientClosed = true;
        if (!upstreamClosed) {
          try {
            upstream.close(code, reason);
          } catch {
            // 1005/1006 and reserved codes cannot be sent on: a plain close.
            upstream.close();
          }
        }
        finish('ok');
      },
    };

    upstream.on('upgrade', (res) => {
      end.responseStarted = true;
      end.httpStatus = res.statusCode ?? 101;
      peer = sink.upgrade?.(pairsOf(res.rawHeaders), channel) ?? null;
      if (peer === null) { finish('internal', 'the gateway could not complete the WebSocket upgrade'); return; }
      end.webSocket = true;
    });
    upstream.on('message', (data: Buffer, isBinary: boolean) => {
      peer?.send(isBinary ? new Uint8Array(data) : data.toString('utf8'));
    });
    upstream.on('close', (code: number, reason: Buffer) => {
      upstreamClosed = true;
      if (peer === null || clientClosed) return;
      // 1005 = the server sent a close without a code: a normal close.
      if (code === 1005) peer.close(1000, '');
      else if (code === 1006) peer.close(DROPPED.code, DROPPED.reason);
      else peer.close(code, reason.toString('utf8'));
    });
    upstream.on('error', (err) => {
      if (peer !== null) return;
      setTimeout(() => finish(inst.exited?.kind ?? 'user_error', inst.exited?.errorMessage ?? `the web server did not accept the WebSocket handshake (${err.message})`), 50);
    });
    // The server answered the handshake with something else than 101: that is the response.
    upstream.on('unexpected-response', (_req, res) => {
      end.responseStarted = true;
      end.httpStatus = res.statusCode ?? 502;
      sink.start(end.httpStatus, pairsOf(res.rawHeaders));
      void (async () => {
        try {
          for await (const chunk of res as AsyncIterable<Buffer>) {
            end.responseBytes += chunk.length;
            if (end.responseBytes > MAX_RESPONSE_BYTES) { sink.abort?.('response too large'); finish('response_too_large', `response body exceeds ${MAX_RESPONSE_BYTES} bytes`); return; }
            if (!sink.write(chunk)) await sink.drained();
          }
        } catch {
          sink.abort?.('the connection broke mid-body');
          finish(inst.exited?.kind ?? 'user_error', 'the web server closed the connection mid-body');
          return;
        }
        end.responseEnded = true;
        sink.end();
        finish('ok');
      })();
    });
  });
}
