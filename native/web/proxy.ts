/**
 * One HTTP exchange of a web function, proxied to its instance: the request
 * as it came (method, path and query untouched, headers in order with the
 * X-Scf-* the gateway added, the body streamed with backpressure — the
 * upstream write waits for 'drain'), the response streamed into the
 * gateway's sink (each write that the client does not drain waits for
 * `drained()`), through the instance's keep-alive agent.
 *
 * Endings: the response complete → 'ok' (whatever its status); over 6 MB →
 * 'response_too_large' (the head already sent: the connection is cut); the
 * execution timeout → 'timeout'; the client gone → 'canceled'; the process
 * exited → 'process_exit' / 'oom'; the server reset the connection with no
 * answer while alive → 'user_error'. Only that request ends: other requests
 * on the same instance go on.
 */
import http from 'node:http';
import type { HttpCall, HttpResponseSink, OutcomeKind } from '../../executor';
import { watchExchange } from './exchange';
import type { WebInstance } from './instance';

/** The largest response body (spec: 6 MB, 410 beyond). */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

/** Hop-by-hop request headers (RFC 9110 §7.6.1): they describe the client's connection, not the request. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export interface ProxyEnd {
  kind: OutcomeKind;
  errorMessage?: string;
  responseStarted: boolean;
  httpStatus?: number;
  responseBytes: number;
  responseEnded: boolean;
}

/** The request's path and query as the client sent them, from the absolute URL the gateway built. */
export function pathOf(url: string): string {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  return slash < 0 ? '/' : url.slice(slash);
}

/** The request headers to send upstream, flat (name, value, …) as Node's raw headers. */
export function upstreamHeaders(headers: Array<[string, string]>, drop: ReadonlySet<string> = HOP_BY_HOP): string[] {
  const flat: string[] = [];
  for (const [name, value] of headers) {
    if (drop.has(name.toLowerCase())) continue;
    flat.push(name, value);
  }
  return flat;
}

/**
 * `flat` with a Host header: the client's, else the host of the URL the gateway built (an HTTP/1.1
 * server answers 400 to a request without one).
 */
export function withHost(flat: string[], url: string): string[] {
  for (let i = 0; i < flat.length; i += 2) if (flat[i]!.toLowerCase() === 'host') return flat;
  const start = url.indexOf('//') + 2;
  const end = url.indexOf('/', start);
  return ['Host', url.slice(start, end < 0 ? undefined : end), ...flat];
}

/** Response headers as pairs, from Node's raw list. */
export function pairsOf(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** Proxies `call` to `inst` (ready, a slot reserved). Never rejects. */
export function proxyHttp(inst: WebInstance, call: HttpCall, sink: HttpResponseSink, signal: AbortSignal | undefined): Promise<ProxyEnd> {
  const { request } = call;
  const end: ProxyEnd = { kind: 'ok', responseStarted: false, responseBytes: 0, responseEnded: false };
  return new Promise<ProxyEnd>((resolve) => {
    let upstream: http.ClientRequest | null = null;
    const ending = watchExchange(inst, call.spec.timeoutMs, signal, () => true, (kind, message) => {
      end.kind = kind;
      if (message !== undefined) end.errorMessage = message;
      if (kind !== 'ok') {
        upstream?.destroy();
        // A response whose head went out cannot get an error status any more: the client sees it cut.
        if (end.responseStarted && !end.responseEnded && kind !== 'canceled') sink.abort?.(message ?? kind);
      }
      resolve(end);
    });
    const { finish } = ending;
    if (ending.settled) return;

    const send = (retry: boolean): void => {
      const req = http.request({
        agent: inst.agent!, host: '127.0.0.1', port: inst.hostPort, method: request.method,
        path: pathOf(request.url), headers: withHost(upstreamHeaders(request.headers), request.url), setHost: false,
      });
      upstream = req;
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (ending.settled || upstream !== req) return;
        // A kept-alive socket the server closed as we reused it: a buffered request can go again on a new one.
        if (retry && req.reusedSocket && err.code === 'ECONNRESET' && !end.responseStarted) { send(false); return; }
        broken(err.code ?? err.message);
      });
      req.on('response', (res) => { void streamResponse(res); });
      if (request.body !== null) req.end(request.body);
      else if (request.bodyStream !== undefined) void streamBody(req, request.bodyStream);
      else req.end();
    };

    /** The connection failed: a reset because the process died is reported by its exit, which follows at once. */
    const broken = (why: string): void => {
      setTimeout(() => finish(inst.exited?.kind ?? 'user_error', inst.exited?.errorMessage ?? `the web server closed the connection without a complete response (${why})`), 50);
    };

    const streamBody = async (req: http.ClientRequest, body: AsyncIterable<Uint8Array>): Promise<void> => {
      try {
        for await (const chunk of body) {
          if (ending.settled) return;
          if (!req.write(chunk)) await new Promise<void>((r) => { req.once('drain', r); req.once('close', r); });
        }
        req.end();
      } catch {
        finish('canceled', 'the client went away while sending the body');
      }
    };

    const streamResponse = async (res: http.IncomingMessage): Promise<void> => {
      if (ending.settled) { res.destroy(); return; }
      end.responseStarted = true;
      end.httpStatus = res.statusCode ?? 502;
      sink.start(end.httpStatus, pairsOf(res.rawHeaders));
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          if (ending.settled) return;
          end.responseBytes += chunk.length;
          if (end.responseBytes > MAX_RESPONSE_BYTES) { finish('response_too_large', `response body exceeds ${MAX_RESPONSE_BYTES} bytes`); return; }
          if (!sink.write(chunk)) await sink.drained();
        }
      } catch {
        broken('the connection broke mid-body');
        return;
      }
      if (ending.settled) return;
      if (!res.complete) { broken('the connection broke mid-body'); return; }
      end.responseEnded = true;
      sink.end();
      finish('ok');
    };

    send(request.bodyStream === undefined);
  });
}
