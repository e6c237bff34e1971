// The WebSocket adapter, Workers API (part of the bootstrap, see ../bootstrap.js). A
// fetch handler that returns `new Response(null, { status: 101, webSocket: client })`
// turns its request into a connection: the paired server end (which the tenant
// accepted) is wired to the host here.
//
// To the host (the `ws` capability, in this order):
//   ('open', rid, headersJson)           the 101: the gateway upgrades the connection
//   ('batch', '', list)                  the function's frames and closes of one entry, in order,
//                                        [kind, rid, a, b] × n: ('send', rid, string | Uint8Array)
//                                        a frame (text or binary), ('close', rid, code, reason)
// The frames cross in one host call when the entry's microtasks have run: each host call is a
// task on the host's thread, and a call per frame cost more than the frame (an echo sends one
// per client frame, and one entry delivers every client frame queued by then).
// From the host: wsEvents(list), [rid, data, code, reason] × n — a client frame (data a
// string, or bytes) or the end of the connection (data null, with the close code and reason),
// for any of the instance's connections. After the close event the request ends like an HTTP
// request does (once ctx.waitUntil work has settled).
// Uses: hostBridge, hostWs, active, setCurrent, PromiseThen (10), emit (30), httpEnd, httpFail (80).
let wsOpen, wsEvents;
{
  const JSONparse = JSON.parse;
  const ArrayBufferCtor = ArrayBuffer;
  const Uint8ArrayCtor = Uint8Array;
  const ReflectApply = Reflect.apply;
  const settled = Promise.resolve(undefined);

  let outbox = null;
  function flushOutbox() {
    const list = outbox;
    if (list === null) return;
    outbox = null;
    hostWs('batch', '', list);
  }
  function post(kind, rid, a, b) {
    if (outbox === null) {
      outbox = [];
      ReflectApply(PromiseThen, settled, [flushOutbox]);
    }
    outbox.push(kind, rid, a, b);
  }

  function toArrayBuffer(bytes) {
    if (bytes instanceof ArrayBufferCtor) return bytes;
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer;
    return new Uint8ArrayCtor(bytes).buffer;
  }

  // The Response carried a WebSocketPair's client end: wire its server end to this request.
  // Frames the tenant sent before returning the Response leave right after the 101.
  wsOpen = function wsOpen(rid, st, h, client, headersJson) {
    let opened = false;
    const early = [];
    const live = () => active.get(rid) === st && !st.done;
    let handle;
    try {
      handle = hostBridge.openWebSocket(client, {
        send(data) {
          if (!live()) return;
          if (opened) post('send', rid, data, undefined); else early.push(data);
        },
        close(code, reason) {
          if (!live()) return;
          const c = code === undefined ? 1000 : code;
          if (opened) post('close', rid, c, reason); else early.push({ close: c, reason });
        },
      });
    } catch (e) {
      httpFail(rid, e);
      return;
    }
    h.ws = handle;
    h.status = 101;
    hostWs('open', rid, headersJson);
    opened = true;
    for (let i = 0; i < early.length; i++) {
      const d = early[i];
      if (typeof d === 'object' && d !== null && !(d instanceof Uint8ArrayCtor)) post('close', rid, d.close, d.reason);
      else post('send', rid, d, undefined);
    }
  };

  // Host entry: client frames and closes of this instance's connections, in arrival order.
  wsEvents = function wsEvents(list) {
    if (typeof list === 'string') list = JSONparse(list);
    for (let i = 0; i + 3 < list.length; i += 4) {
      const rid = list[i];
      const st = active.get(rid);
      if (st === undefined || st.done || st.http === undefined || !st.http.ws) continue;
      const h = st.http;
      setCurrent(rid);
      const data = list[i + 1];
      try {
        if (data === null) {
          h.ws.closed(list[i + 2], list[i + 3], list[i + 2] !== 1006);
          h.ws = null;
          h.responded = true;
          flushOutbox(); // the connection's last frames reach the host before its end
          httpEnd(rid, st);
        } else {
          h.ws.message(typeof data === 'string' ? data : toArrayBuffer(data));
        }
      } catch (e) {
        emit('error', rid, ['WebSocket event could not be delivered:', e]);
      }
    }
  };
}
